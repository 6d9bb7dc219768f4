"""Word 97 (.doc, WPS .wps) and Excel 97 (.xls, WPS .et) files: told apart by their
bytes, .doc read through LibreOffice's conversion, .xls with calamine. The corpus's
.docx/.xlsx renderings are saved as Word 97 / Excel 97 by LibreOffice here and must
score as their .docx/.xlsx forms do."""
from __future__ import annotations

import datetime as dt
import io
import subprocess
import sys
from pathlib import Path

import olefile
import openpyxl
import pytest
from conftest import lo_convert
from test_end_to_end import score

from minsheng_etl import limits as file_limits
from minsheng_etl.errors import ReadError, ToolMissing
from minsheng_etl.layout import Table
from minsheng_etl.pipeline import parse_record
from minsheng_etl.readers import read, sniff
from minsheng_etl.readers import soffice as soffice_mod
from minsheng_etl.readers.xls import read_xls
from minsheng_etl.readers.xlsx import read_xlsx


@pytest.fixture(scope="module")
def legacy_corpus(corpus, tmp_path_factory) -> Path:
    """corpus/renderings' .docx as Word 97 .doc and .xlsx as Excel 97 .xls, beside the gold.
    The .doc goes by way of .odt: LibreOffice 7.4 drops the tables of a .docx saved
    straight to .doc (its .odt → .doc export keeps them)."""
    base = tmp_path_factory.mktemp("legacy")
    profile, work = base / "profile", base / "work"
    root = base / "corpus"
    (root / "renderings").mkdir(parents=True)
    (root / "gold").symlink_to(corpus / "gold")
    renderings = corpus / "renderings"
    odts = lo_convert(sorted(renderings.glob("*.docx")), "odt", work, profile)
    lo_convert(odts, "doc", root / "renderings", profile)
    lo_convert(sorted(renderings.glob("*.xlsx")), "xls", root / "renderings", profile)
    return root


@pytest.fixture(scope="module")
def modern_corpus(corpus, tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("modern")
    (root / "renderings").mkdir()
    (root / "gold").symlink_to(corpus / "gold")
    for path in sorted((corpus / "renderings").glob("*.docx")) + sorted((corpus / "renderings").glob("*.xlsx")):
        (root / "renderings" / path.name).symlink_to(path)
    return root


def test_word97_and_excel97_renderings_score_as_their_docx_and_xlsx_forms(legacy_corpus, modern_corpus):
    names = sorted(p.suffix for p in (legacy_corpus / "renderings").iterdir())
    assert names.count(".doc") == 3 and names.count(".xls") == 1
    legacy, modern = score(legacy_corpus), score(modern_corpus)
    assert legacy["inputs_failed"] == 0
    assert legacy["tasks_gold"] == modern["tasks_gold"]
    assert legacy["recall"] == modern["recall"] == 1.0 and legacy["tasks_spurious"] == 0
    assert legacy["field_accuracy"] >= 0.97
    assert legacy["targets_f1"] >= modern["targets_f1"] - 0.03


def test_formats_are_told_by_bytes_not_suffix(legacy_corpus, tmp_path):
    doc = next((legacy_corpus / "renderings").glob("*.doc")).read_bytes()
    xls = next((legacy_corpus / "renderings").glob("*.xls")).read_bytes()
    assert sniff(doc) == "doc" and sniff(xls) == "xls"
    layout = read(xls)
    assert layout.source_format == "xls" and any(isinstance(b, Table) for b in layout.blocks)
    # WPS writes .wps/.et in the same binary formats; a file under either name, or none, reads the same
    from minsheng_etl.load.run.ingest import ingest
    from conftest import rows

    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "通知.wps").write_bytes(doc)
    (tmp_path / "in" / "汇总表.et").write_bytes(xls)
    summary = ingest([tmp_path / "in"], db_path=tmp_path / "m.duckdb", raw_root=tmp_path / "raw", workers=1)
    assert summary.failed == 0
    assert sorted(rows(tmp_path / "m.duckdb", "SELECT format FROM documents")) == [("doc",), ("xls",)]


def test_a_password_protected_word_document_is_refused_by_name(legacy_corpus):
    data = bytearray(next((legacy_corpus / "renderings").glob("*.doc")).read_bytes())
    ole = olefile.OleFileIO(bytes(data))
    fib = bytearray(ole.openstream("WordDocument").read())
    fib[0x0B] |= 0x01  # fEncrypted (bit 8 of the flags word at 0x0A)
    patched = io.BytesIO(bytes(data))
    with olefile.OleFileIO(patched, write_mode=True) as writable:
        writable.write_stream("WordDocument", bytes(fib))
    with pytest.raises(ReadError, match="password-protected Word document"):
        sniff(patched.getvalue())


def test_other_ole_files_are_refused_with_their_streams(legacy_corpus):
    data = next((legacy_corpus / "renderings").glob("*.doc")).read_bytes()
    # rename the WordDocument stream in the directory (same length): a compound file of another kind
    renamed = data.replace("WordDocument".encode("utf-16-le"), "PowerPoint D".encode("utf-16-le"))
    assert renamed != data
    with pytest.raises(ReadError, match="neither a Word .* nor an Excel .*streams: .*PowerPoint D"):
        sniff(renamed)
    with pytest.raises(ReadError, match="damaged OLE"):
        sniff(data[:600])


def test_without_libreoffice_a_word97_file_names_what_to_install(legacy_corpus, monkeypatch, tmp_path):
    doc = next((legacy_corpus / "renderings").glob("*.doc")).read_bytes()
    monkeypatch.setenv("PATH", str(tmp_path))  # an empty folder: no soffice on PATH
    with pytest.raises(ToolMissing, match=r"needs LibreOffice \(soffice\).*apt-get install libreoffice-writer-nogui"):
        read(doc)
    record = parse_record(doc, "通知.doc", version="test")
    assert record.error.stage == "setup" and not record.error.lasting  # installing it then reads the file


def test_conversion_stops_at_the_time_limit_and_leaves_no_process(legacy_corpus):
    doc = next((legacy_corpus / "renderings").glob("*.doc")).read_bytes()
    saved = file_limits.current()
    file_limits.apply(file_limits.Limits(max_seconds=0.2))
    try:
        with pytest.raises(file_limits.LimitExceeded, match="LibreOffice took longer than 0.2 s"):
            read(doc)
    finally:
        file_limits.apply(saved)
    left = [p for p in Path("/proc").iterdir() if p.name.isdigit() and _cmdline(p).count("minsheng-soffice-")]
    assert left == []


def _cmdline(proc: Path) -> str:
    try:
        return (proc / "cmdline").read_bytes().decode("utf-8", "replace")
    except OSError:
        return ""


def test_xls_reads_as_the_same_workbook_saved_as_xlsx(tmp_path):
    """Offsets, merged ranges, numbers, dates and line breaks come out of the .xls as
    the .xlsx reader gives them."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "汇总表"
    ws["B2"] = "2024年民生实事进展表"
    ws.merge_cells("B2:E2")
    for col, head in zip("BCDE", ("序号", "项目名称", "责任单位", "完成时限")):
        ws[f"{col}3"] = head
    ws["B4"], ws["C4"], ws["D4"], ws["E4"] = 1, "新建养老服务中心3处", "区民政局\n区卫健委", dt.date(2024, 12, 31)
    ws["B5"], ws["C5"], ws["E5"] = 2.0, "改造老旧小区10个", "2024年6月"
    ws["D5"] = "区住建委"
    ws.merge_cells("D5:D6")
    ws["B6"], ws["C6"], ws["E6"] = 3, "增设停车位500个", "=1+1"
    wb.create_sheet("说明")["A1"] = "本表由区政府督查室汇总"
    source = tmp_path / "book.xlsx"
    wb.save(source)
    xls = lo_convert([source], "xls", tmp_path, tmp_path / "profile")[0].read_bytes()
    assert sniff(xls) == "xls"
    got, want = read_xls(xls), read_xlsx(source.read_bytes())
    # the same text everywhere but the formula, which only LibreOffice's save computed (openpyxl stores none)
    assert got.plain_text().splitlines()[:-2] == want.plain_text().splitlines()[:-2]
    assert got.plain_text().splitlines()[-1] == want.plain_text().splitlines()[-1] == "本表由区政府督查室汇总"
    table = got.tables()[0]
    assert table.rows[3][4].text == "2"  # a formula reads as its cached value
    assert [c.text for c in table.rows[2]][1:] == ["2", "改造老旧小区10个", "区住建委", "2024年6月"]
    assert table.rows[3][3].text == "区住建委"  # the merged cell repeated below
    assert table.rows[1][3].paragraphs == ["区民政局", "区卫健委"] and table.rows[1][4].text == "2024年12月31日"
    assert table.rows[1][3].ref.row == 4 and table.rows[1][3].ref.col == 4  # where it sits in the sheet


def test_the_converter_runs_without_a_network():
    """What LibreOffice runs in: a network namespace whose only interface (loopback)
    is down, so not even a server on this machine can be reached."""
    import socket

    prefix = soffice_mod._isolating_prefix()
    if not prefix:
        pytest.skip("this system lets no user make a network namespace (unshare -rn): the profile's settings remain")
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        port = server.getsockname()[1]
        probe = ["-c", f"import socket; socket.create_connection(('127.0.0.1', {port}), timeout=5)"]
        assert subprocess.run([sys.executable, *probe], capture_output=True, timeout=30).returncode == 0  # outside
        inside = subprocess.run([*prefix, sys.executable, *probe], capture_output=True, text=True, timeout=30)
    assert inside.returncode != 0 and "unreachable" in inside.stderr.lower()


def test_rtf_reads_as_the_word_file_it_was_saved_from(corpus, tmp_path):
    """Rich Text, which older sites publish: the renderings' .docx saved as .rtf give the
    very records of the .docx (told by the bytes: `{\\rtf`)."""
    originals = sorted((corpus / "renderings").glob("*.docx"))
    for rtf, docx_path in zip(lo_convert(originals, "rtf", tmp_path, tmp_path / "profile"), originals):
        data = rtf.read_bytes()
        assert sniff(data) == "rtf"
        record, twin = parse_record(data, rtf.name), parse_record(docx_path.read_bytes(), docx_path.name)
        assert record.error is None and record.fmt == "rtf"
        assert record.notice.gold_json() == twin.notice.gold_json()
