"""The PDF reader's two engines: PDFium (the default) and pdfplumber (the fallback
and the reference) must lay every PDF out the same, on the corpus PDFs and on
PDFs built here for what PDFs do: ruled tables across pages, wrapped and merged
cells, page numbers, rotated and scaled pages, broken fonts, pages with no text."""
from __future__ import annotations

import io
from pathlib import Path

import pytest

from minsheng_etl.errors import ReadError
from minsheng_etl.layout import Table
from minsheng_etl.readers.pdf import read_pdf, textlayer
from minsheng_etl.readers.pdf.geometry import Char, PageReading

import hostile

pytest.importorskip("reportlab")
from reportlab.lib.pagesizes import A4, landscape  # noqa: E402
from reportlab.lib.styles import ParagraphStyle  # noqa: E402
from reportlab.pdfbase import pdfmetrics  # noqa: E402
from reportlab.pdfbase.cidfonts import UnicodeCIDFont  # noqa: E402
from reportlab.pdfgen import canvas  # noqa: E402
from reportlab.platypus import Paragraph as P  # noqa: E402
from reportlab.platypus import SimpleDocTemplate  # noqa: E402
from reportlab.platypus import Table as T  # noqa: E402

SHARED = Path(__file__).resolve().parents[2] / "shared" / "corpus"
CORPUS_PDFS = sorted(SHARED.glob("renderings/*.pdf")) + sorted(SHARED.glob("real/docs/*.pdf"))
FONT = "STSong-Light"
if FONT not in pdfmetrics.getRegisteredFontNames():
    pdfmetrics.registerFont(UnicodeCIDFont(FONT))
STYLE = ParagraphStyle("cjk", fontName=FONT, fontSize=10, leading=14, wordWrap="CJK")


def both(data: bytes):
    """The Layouts of both engines, which must be equal."""
    pdfium, plumber = read_pdf(data, "pdfium"), read_pdf(data, "pdfplumber")
    assert pdfium == plumber
    return pdfium


def build(story, pagesize=A4) -> bytes:
    def footer(c, doc):
        c.setFont(FONT, 9)
        c.drawCentredString(pagesize[0] / 2, 28, f"- {doc.page} -")

    buf = io.BytesIO()
    SimpleDocTemplate(buf, pagesize=pagesize).build(story, onFirstPage=footer, onLaterPages=footer)
    return buf.getvalue()


@pytest.mark.skipif(not CORPUS_PDFS, reason="the shared corpus is not beside this checkout")
@pytest.mark.parametrize("path", CORPUS_PDFS, ids=lambda p: p.name)
def test_corpus_pdfs_read_the_same_with_both_engines(path):
    layout = both(path.read_bytes())
    assert layout.blocks and layout.pages >= 1


def test_ruled_table_over_pages_with_wrapped_cells_and_page_numbers():
    rows = [[P(h, STYLE) for h in ("序号", "任务内容", "主责单位", "完成时限")]]
    for i in range(1, 61):
        rows.append([P(str(i), STYLE), P(f"新建第{i}批社区养老服务驿站，完善配套设施，提升服务能力，新增床位{i * 10}张。", STYLE),
                     P("区民政局、区财政局", STYLE), P("2024年12月31日", STYLE)])
    data = build([P("2024年区民生实事项目汇总表", STYLE),
                  T(rows, colWidths=[36, 250, 90, 100], repeatRows=1, style=[("GRID", (0, 0), (-1, -1), 0.5, "black")])])
    layout = both(data)
    assert layout.pages >= 3
    (table,) = layout.tables()  # stitched, repeated headers dropped
    assert len(table.rows) == 61
    assert table.rows[60][1].text == "新建第60批社区养老服务驿站，完善配套设施，提升服务能力，新增床位600张。"
    assert len(table.rows[60][1].lines) == 2  # wrapped in the cell, one paragraph
    assert "- 2 -" not in layout.plain_text()


def test_merged_cells_keep_the_grid_and_repeat_a_neighbour():
    rows = [["序号", "任务内容", "主责单位"], ["1", "新建养老驿站10个", "区民政局"], ["2", "新增学位1440个", ""],
            ["3", "改造老旧小区20个", "区住房城乡建设委"]]
    rows = [[P(v, STYLE) if v else "" for v in row] for row in rows]
    data = build([T(rows, colWidths=[40, 200, 120], style=[("GRID", (0, 0), (-1, -1), 0.5, "black"),
                                                          ("SPAN", (2, 1), (2, 2))])])
    (table,) = both(data).tables()
    assert [c.text for c in table.rows[1]] == ["1", "新建养老驿站10个", "区民政局"]
    # the finder gives no cell where a merged one covers the grid: the reader fills it
    # from its left neighbour (else the cell above), so every row keeps every column
    assert [c.text for c in table.rows[2]] == ["2", "新增学位1440个", "新增学位1440个"]
    assert [c.text for c in table.rows[3]] == ["3", "改造老旧小区20个", "区住房城乡建设委"]


def test_a_rotated_landscape_page_reads_upright():
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    c.setPageRotation(90)  # a landscape page stored upright and turned by /Rotate
    c.translate(A4[0], 0)
    c.rotate(90)
    c.setFont(FONT, 12)
    c.drawString(72, 500, "北京市大兴区2025年重要民生实事项目")
    c.drawString(72, 470, "1.新增200张养老家庭照护床位。")
    c.grid([72, 200, 400], [300, 330, 360])
    c.showPage()
    c.save()
    layout = both(buf.getvalue())
    assert layout.paragraphs()[0].text == "北京市大兴区2025年重要民生实事项目"
    assert any("新增200张" in p.text for p in layout.paragraphs())
    assert len(layout.tables()) == 1


def test_a_scaled_page_keeps_its_font_sizes():
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    c.scale(0.5, 0.5)  # a generator that draws at 144 dpi
    c.setFont(FONT, 36)
    c.drawString(144, 1500, "重要民生实事项目")
    c.setFont(FONT, 22)
    for k in range(5):
        c.drawString(144, 1400 - 44 * k, f"{k + 1}.新增养老床位{k + 1}00张。")
    c.showPage()
    c.save()
    layout = both(buf.getvalue())
    assert layout.paragraphs()[0].heading and not layout.paragraphs()[1].heading


def test_a_font_without_unicode_map_is_refused_by_both():
    for engine in ("pdfium", "pdfplumber"):
        with pytest.raises(ReadError, match=r"page 1 has a broken font map \(750 unreadable glyphs"):
            read_pdf(hostile.pdf_cid_glyphs(), engine)


def test_a_page_without_text_is_refused_by_both():
    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    c.setFont(FONT, 12)
    c.drawString(72, 700, "1.新增200张养老家庭照护床位。")
    c.showPage()
    c.rect(100, 100, 200, 200, fill=1)  # page 2: a drawing, no text, as a scan looks to a text reader
    c.showPage()
    c.save()
    for engine in ("pdfium", "pdfplumber"):
        with pytest.raises(ReadError, match="page 2 has no text layer"):
            read_pdf(buf.getvalue(), engine)


def _page(text: str, unmapped: int = 0) -> PageReading:
    chars = [Char(ch, 10.0 * i, 10.0 * i + 10, 0.0, 10.0, 10.0) for i, ch in enumerate(text)]
    return PageReading(1, 600, 800, chars, [], 0, unmapped, "test")


def test_text_layer_decisions():
    assert textlayer.has_no_text(_page("  \u3000 "))
    assert not textlayer.has_no_text(_page("任务"))
    assert textlayer.problem(_page("")).kind == "no text"
    assert textlayer.problem(_page("任务" * 50, unmapped=1)) is None  # 1% unmapped: read
    assert textlayer.problem(_page("任务" * 50, unmapped=3)).kind == "font map"  # 3%: refused


def test_tables_from_pdfium_edges_match_pdfplumber_edges():
    rows = [["序号", "任务"], ["1", "新增床位"], ["2", "新增学位"]]
    data = build([T([[P(v, STYLE) for v in r] for r in rows], colWidths=[60, 200],
                    style=[("GRID", (0, 0), (-1, -1), 0.5, "black")])], pagesize=landscape(A4))
    (table,) = both(data).tables()
    assert isinstance(table, Table) and [[c.text for c in r] for r in table.rows] == rows
