"""OFD (GB/T 33190) read natively, on files the tests write (tests/ofdgen.py): text
from TextCode positions, ruled tables from PathObjects, the Office safety checks,
and the corpus's PDF renderings printed to OFD scoring against their gold."""
from __future__ import annotations

import io
import zipfile
from pathlib import Path

import ofdgen
import pytest
from test_end_to_end import score

from minsheng_etl import limits as file_limits
from minsheng_etl.errors import ReadError
from minsheng_etl.layout import Paragraph
from minsheng_etl.pipeline import parse_record
from minsheng_etl.readers import read, sniff


@pytest.fixture(scope="module")
def ofd_corpus(corpus, tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("ofd")
    (root / "renderings").mkdir()
    (root / "gold").symlink_to(corpus / "gold")
    for pdf in sorted((corpus / "renderings").glob("*.pdf")):
        (root / "renderings" / f"{pdf.stem}.ofd").write_bytes(ofdgen.from_pdf(pdf.read_bytes()))
    return root


def test_corpus_notices_printed_to_ofd_score_against_their_gold(ofd_corpus):
    assert len(list((ofd_corpus / "renderings").glob("*.ofd"))) == 3  # a ruled table, prose, a 33-page notice
    summary = score(ofd_corpus)
    assert summary["inputs_failed"] == 0
    assert summary["recall"] == 1.0 and summary["tasks_spurious"] == 0
    assert summary["field_accuracy"] >= 0.97 and summary["targets_f1"] >= 0.97


def _notice() -> ofdgen.Page:
    """A title, a lead-in paragraph wrapped over two lines, and a ruled 3-column
    table whose cells wrap."""
    page = ofdgen.Page()
    page.text(50, 30, "2024年民生实事项目进展情况", size=7.5)
    page.text(28.5, 45, "　　今年确定的民生实事项目进展顺利，现将有关情况通报如下，请各单位按照", size=5)
    page.text(20, 52, "分工抓好落实。", size=5)
    xs, ys = [20, 35, 130, 190], [60, 70, 90, 110]
    page.grid(xs, ys)
    for x, head in zip(xs, ("序号", "项目名称", "责任单位")):
        page.text(x + 2, ys[0] + 7, head, size=5)
    rows = [("1", ["新建社区养老服务驿站10个，新增养老", "床位200张。"], "区民政局"),
            ("2", ["改造老旧小区12个。"], "区住建委")]
    for (seq, name_lines, unit), top in zip(rows, ys[1:]):
        page.text(xs[0] + 2, top + 7, seq, size=5)
        for i, line in enumerate(name_lines):
            page.text(xs[1] + 2, top + 7 + 6 * i, line, size=5)
        page.text(xs[2] + 2, top + 7, unit, size=5)
    return page


def test_text_lines_paragraphs_and_a_ruled_table():
    layout = read(ofdgen.build([_notice()]))
    assert layout.source_format == "ofd" and layout.pages == 1
    paras = [b for b in layout.blocks if isinstance(b, Paragraph)]
    assert paras[0].text == "2024年民生实事项目进展情况" and paras[0].heading
    assert paras[1].text.endswith("请各单位按照分工抓好落实。")  # a wrapped line joins its paragraph
    table = layout.tables()[0]
    assert [[c.text for c in row] for row in table.rows] == [
        ["序号", "项目名称", "责任单位"],
        ["1", "新建社区养老服务驿站10个，新增养老床位200张。", "区民政局"],
        ["2", "改造老旧小区12个。", "区住建委"]]
    assert table.rows[1][1].lines == ["新建社区养老服务驿站10个，新增养老", "床位200张。"]  # wrapped at the cell's edge
    assert table.rows[2][2].ref.page == 1 and table.rows[2][2].ref.row == 3


def test_a_table_continued_on_the_next_page_is_one_table():
    first, second = _notice(), ofdgen.Page()
    second.grid([20, 35, 130, 190], [20, 40])
    second.text(22, 27, "3", size=5)
    second.text(37, 27, "新增公共停车位500个。", size=5)
    second.text(132, 27, "区交通局", size=5)
    layout = read(ofdgen.build([first, second]))
    (table,) = layout.tables()
    assert [c.text for c in table.rows[-1]] == ["3", "新增公共停车位500个。", "区交通局"]
    assert table.rows[-1][0].ref.page == 2


def test_advances_transforms_nested_blocks_and_part_locations():
    """DeltaX written with "g N v", a TextObject scaled by its CTM, objects inside a
    PageBlock, a TextCode that continues where the last one ended, pages named from
    the package root, and a document folder of another name."""
    page = ofdgen.Page()
    page.text(20, 30, "一、持续改善人居环境", size=5, advances=[5.0] * 9)
    # half the font size, scaled twice by the CTM: the same line as written at size 5
    page.text(20, 40, "二、提升公共服务水平", size=2.5, advances=[2.5] * 9, ctm="2 0 0 2 0 0")
    page.raw('<ofd:PageBlock ID="900"><ofd:TextObject ID="901" Boundary="20 45 150 8" Size="5">'
             '<ofd:TextCode X="0" Y="5" DeltaX="g 3 5">三、加强</ofd:TextCode>'
             '<ofd:TextCode DeltaX="g 3 5">社会保障</ofd:TextCode></ofd:TextObject></ofd:PageBlock>')
    layout = read(ofdgen.build([page], doc_dir="Doc_1", absolute=True))
    assert [p.text for p in layout.paragraphs()] == ["一、持续改善人居环境", "二、提升公共服务水平", "三、加强社会保障"]


def test_a_gap_in_a_line_is_a_space_and_adjacent_glyphs_are_not():
    page = ofdgen.Page()
    # "2" then 处 one full em later (a justified line): no space; then a gap of three em before 备注
    page.text(20, 30, "推动2处试点", size=5, advances=[5.0, 5.0, 4.5, 5.0, 5.0])
    page.text(68, 30, "备注", size=5)
    assert read(ofdgen.build([page])).paragraphs()[0].text == "推动2处试点 备注"


def test_ofd_is_told_by_its_bytes_and_loads(tmp_path):
    data = ofdgen.build([_notice()])
    assert sniff(data) == "ofd"
    record = parse_record(data, "通报", version="test")  # no suffix at all
    assert record.error is None and record.fmt == "ofd"
    assert [t.content for t in record.notice.tasks] == ["新建社区养老服务驿站10个，新增养老床位200张。", "改造老旧小区12个。"]


def _with_part(data: bytes, name: str, content: bytes) -> bytes:
    """The package with one part replaced (or added)."""
    src = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, content if info.filename == name else src.read(info.filename))
        if name not in src.namelist():
            dst.writestr(name, content)
    return buffer.getvalue()


def test_hostile_and_broken_packages_are_refused_with_a_reason():
    data = ofdgen.build([_notice()])
    page_part = "Doc_0/Pages/Page_0/Content.xml"
    xxe = (b'<?xml version="1.0"?><!DOCTYPE p [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
           b'<ofd:Page xmlns:ofd="http://www.ofdspec.org/2016">&x;</ofd:Page>')
    with pytest.raises(ReadError, match=r"Content\.xml declares a DTD or XML entities, which OFD writers never"):
        read(_with_part(data, page_part, xxe))
    with pytest.raises(ReadError, match="not well-formed XML"):
        read(_with_part(data, page_part, b"<ofd:Page"))
    with pytest.raises(ReadError, match="not in the package: Doc_0/Pages/Page_9/Content.xml"):
        read(_missing_page(data))
    image_only = ofdgen.Page()
    image_only.raw('<ofd:ImageObject ID="5" Boundary="0 0 210 297" ResourceID="9"/>')
    with pytest.raises(ReadError, match="page 1 of the OFD has no text \\(scanned image\\)"):
        read(ofdgen.build([image_only]))
    with pytest.raises(ReadError, match="names no document"):
        read(ofdgen.build([_notice()], ofd_xml='<ofd:OFD xmlns:ofd="http://www.ofdspec.org/2016"/>'))


def _missing_page(data: bytes) -> bytes:
    """The package with its Document.xml pointing at a page that is not there."""
    src = zipfile.ZipFile(io.BytesIO(data))
    document = src.read("Doc_0/Document.xml").replace(b"Page_0/Content.xml", b"Page_9/Content.xml")
    return _with_part(data, "Doc_0/Document.xml", document)


def test_limits_hold_for_ofd():
    saved = file_limits.current()
    try:
        file_limits.apply(file_limits.Limits(max_pages=2))
        with pytest.raises(file_limits.LimitExceeded, match="3 pages, over the limit of 2"):
            read(ofdgen.build([_notice(), _notice(), _notice()]))
        file_limits.apply(file_limits.Limits(max_unzipped_mb=0.5))
        bomb = ofdgen.build([_notice()], extra={"Doc_0/Res/font.ttf": b"\0" * 2_000_000})
        with pytest.raises(file_limits.LimitExceeded, match="unpack to .* MB, over the limit"):
            sniff(bomb)
    finally:
        file_limits.apply(saved)
    huge_count = ofdgen.Page()
    huge_count.raw('<ofd:TextObject ID="7" Boundary="20 20 100 10" Size="5">'
                   '<ofd:TextCode X="0" Y="5" DeltaX="g 999999999999 5">民生实事</ofd:TextCode></ofd:TextObject>')
    assert read(ofdgen.build([huge_count])).paragraphs()[0].text == "民生实事"
