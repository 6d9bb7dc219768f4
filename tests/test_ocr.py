"""OCR of scans and photos: a short notice with a ruled table, drawn by reportlab
as a text PDF, printed by PDFium to a 200-dpi image and saved as an image-only
PDF, a PNG and a TIFF, reads as its text version does; a blank scan, OCR
switched off and OCR not installed are refused with their reasons; an OCR page
grants the file time. OCR is slow: the pages are small and few."""
from __future__ import annotations

import hashlib
import io
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytest.importorskip("rapidocr_onnxruntime")

from minsheng_etl import limits
from minsheng_etl.errors import ReadError
from minsheng_etl.load.run.ingest import ingest
from minsheng_etl.load.run.pool import Target, parse_path
from minsheng_etl.pipeline import parse_bytes
from minsheng_etl.readers import read, sniff
from minsheng_etl.readers.pdf import ocr

ETL = str(Path(sys.executable).parent / "etl")
DPI = 200
PAGE = (460, 300)  # points: a small page, so OCR stays quick
ROWS = [("序号", "任务内容", "主责单位", "完成时限"),
        ("1", "新建3所中小学，增加学位2880个。", "区教委", "2025年12月31日"),
        ("2", "新增养老家庭照护床位200张。", "区民政局", "2025年9月30日")]
COLUMNS = [30, 70, 270, 350, 440]  # x of the table's vertical rules


def text_pdf() -> bytes:
    """The notice as a text PDF: a title, a lead-in, a ruled table."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    if "STSong-Light" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=PAGE)
    c.setFont("STSong-Light", 15)
    c.drawCentredString(PAGE[0] / 2, 262, "2025年区民生实事项目")
    c.setFont("STSong-Light", 11)
    c.drawString(30, 232, "现将2025年区民生实事项目任务分解如下：")
    top, height = 215, 26
    c.setLineWidth(0.8)
    for r in range(len(ROWS) + 1):
        c.line(COLUMNS[0], top - r * height, COLUMNS[-1], top - r * height)
    for x in COLUMNS:
        c.line(x, top, x, top - len(ROWS) * height)
    c.setFont("STSong-Light", 10)
    for r, row in enumerate(ROWS):
        for x, cell in zip(COLUMNS, row):
            c.drawString(x + 4, top - r * height - 17, cell)
    c.showPage()
    c.save()
    return buf.getvalue()


@pytest.fixture(scope="module")
def notice():
    """(text PDF, its page printed to a grey image at 200 dpi)."""
    import numpy as np
    import pypdfium2 as pdfium

    data = text_pdf()
    doc = pdfium.PdfDocument(data)
    image = doc[0].render(scale=DPI / 72, grayscale=True).to_pil()
    doc.close()
    if np.asarray(image).min() > 128:
        pytest.skip("PDFium found no CJK font to print the test page with (apt-get install fonts-wqy-zenhei)")
    return data, image


def as_bytes(image, kind: str) -> bytes:
    buf = io.BytesIO()
    if kind == "pdf":
        image.save(buf, "PDF", resolution=DPI)
    elif kind == "png":
        image.save(buf, "PNG", dpi=(DPI, DPI))
    else:
        image.save(buf, "TIFF", dpi=(DPI, DPI), compression="tiff_deflate")
    return buf.getvalue()


def tasks(parsed) -> list[tuple]:
    return [(t.seq, t.content, t.units, str(t.deadline), [(x.value, x.unit) for x in t.targets])
            for t in parsed.notice.tasks]


@pytest.mark.parametrize("kind", ["pdf", "tiff"])  # PNG: below
def test_a_scan_reads_as_its_text_version(notice, kind):
    data, image = notice
    scan = as_bytes(image, kind)
    assert sniff(scan) == ("pdf" if kind == "pdf" else "image")
    text, scanned = parse_bytes(data), parse_bytes(scan)
    assert tasks(scanned) == tasks(text) and len(tasks(text)) == 2
    assert scanned.notice.document.title == text.notice.document.title
    table = next(b for b in scanned.layout.blocks if hasattr(b, "rows"))  # the rules found in the image
    assert [[c.text for c in row] for row in table.rows] == [list(r) for r in ROWS]


def test_a_page_with_a_text_layer_is_never_read_by_ocr(notice, monkeypatch):
    data, _image = notice
    monkeypatch.setattr(ocr, "read_image", None)  # any OCR would fail: the text layer is read
    assert parse_bytes(data).notice.tasks


def test_a_blank_scan_is_refused_with_a_reason(tmp_path):
    from PIL import Image

    buf = io.BytesIO()
    Image.new("L", (800, 520), 255).save(buf, "PNG")
    with pytest.raises(ReadError, match=r"a PNG image of a blank page \(no writing, next to no ink\)"):
        read(buf.getvalue())
    marks = Image.new("L", (800, 520), 255)  # ink, but no writing: OCR is asked and finds none
    marks.paste(0, (100, 100, 400, 130))
    buf = io.BytesIO()
    marks.save(buf, "PNG")
    with pytest.raises(ReadError, match="page 1 has no text layer and OCR recognised no characters"):
        read(buf.getvalue())


def test_the_blank_back_of_a_sheet_in_a_duplex_scan_is_passed_over(notice, monkeypatch):
    """A scan of printed sheets, both sides: the blank backs (grey paper, a speck of
    dust, faint bleed-through) are passed over without OCR; the notice reads from the
    other pages."""
    from PIL import Image, ImageDraw

    _data, image = notice
    back = Image.new("L", image.size, 236)  # the grey of scanned paper
    draw = ImageDraw.Draw(back)
    draw.rectangle((300, 300, 303, 303), fill=30)  # a speck of dust
    draw.text((200, 200), "2025年区民生实事项目", fill=205)  # bleed-through from the other side: faint
    read_pages = []
    real = ocr.read_image
    monkeypatch.setattr(ocr, "read_image", lambda picture, number, dpi: read_pages.append(number) or
                        real(picture, number, dpi))
    buf = io.BytesIO()
    image.save(buf, "TIFF", save_all=True, append_images=[back, image.copy(), back], dpi=(DPI, DPI))
    layout = read(buf.getvalue())
    assert read_pages == [1, 3]  # OCR on the printed sides only
    assert layout.notes == ["pages 2, 4 blank (no text, next to no ink): passed over"]
    assert layout.pages == 2


def test_no_ocr_refuses_a_scan_and_the_refusal_is_not_remembered(notice, tmp_path):
    _data, image = notice
    (tmp_path / "scan.png").write_bytes(as_bytes(image, "png"))
    raw = tmp_path / "raw"
    proc = subprocess.run([ETL, "ingest", tmp_path / "scan.png", "--db", tmp_path / "m.duckdb", "--raw", raw, "--json",
                           "--no-ocr"], capture_output=True, text=True, timeout=300)
    outcome = json.loads(proc.stdout)["outcomes"][0]
    assert proc.returncode == 1 and outcome["stage"] == "limits"
    assert "page 1 is an image: OCR is switched off" in outcome["reason"]
    assert not cached(raw, outcome["sha256"])


def test_a_parser_process_grants_an_ocr_page_its_allowance(notice, tmp_path):
    """One second for the file, which its OCR page outlasts: the worker's signal,
    its watchdog and the run's own wait all move by the page's allowance."""
    _data, image = notice
    (tmp_path / "scan.png").write_bytes(as_bytes(image, "png"))
    proc = subprocess.run([ETL, "ingest", tmp_path / "scan.png", "--db", tmp_path / "m.duckdb", "--raw",
                           tmp_path / "raw", "--json", "-j", "1"], capture_output=True, text=True, timeout=600,
                          env={**os.environ, "MINSHENG_MAX_SECONDS": "1", "MINSHENG_MAX_OCR_PAGE_SECONDS": "120"})
    summary = json.loads(proc.stdout)
    assert summary["loaded"] == 1 and summary["tasks"] == 2, summary["outcomes"]
    assert summary["outcomes"][0]["parse_seconds"] > 1


def test_without_the_ocr_extra_a_scan_is_a_setup_failure_naming_the_install(notice, tmp_path, monkeypatch):
    _data, image = notice
    (tmp_path / "scan.png").write_bytes(as_bytes(image, "png"))
    monkeypatch.setitem(sys.modules, "rapidocr_onnxruntime", None)  # as if not installed
    monkeypatch.setattr(ocr, "_engine", None)
    summary = ingest([tmp_path / "scan.png"], db_path=tmp_path / "m.duckdb", raw_root=tmp_path / "raw")
    outcome = summary.outcomes[0]
    assert outcome.stage == "setup" and "pip install 'minsheng-etl[ocr]'" in outcome.reason
    assert not cached(tmp_path / "raw", outcome.sha256)


def cached(raw: Path, sha256: str) -> bool:
    from minsheng_etl.load.store import ParseCache
    from minsheng_etl.pipeline import parser_version

    return ParseCache(raw / "parsed").get(sha256, parser_version()) is not None


def test_an_ocr_page_is_granted_its_allowance(notice, tmp_path):
    _data, image = notice
    scan = as_bytes(image, "png")
    path = tmp_path / "scan.png"
    path.write_bytes(as_bytes(image, "png"))
    ocr._ocr()  # the models loaded: the time is the page's
    try:
        limits.apply(limits.Limits(max_seconds=0.3, max_ocr_page_seconds=0.01))
        target = Target(str(path), "scan.png", hashlib.sha256(scan).hexdigest())
        short = parse_path(target, "test")
        limits.apply(limits.Limits(max_seconds=0.3, max_ocr_page_seconds=120))
        granted = parse_path(target, "test")
    finally:
        limits.apply(limits.Limits())
    assert short.error.stage == "limits" and "took longer than 0.31 s" in short.error.reason
    assert granted.error is None and granted.tasks == 2 and granted.seconds > 0.3


def test_a_grant_moves_every_time_limit_in_force():
    with limits.time_limit(0.4):
        with limits.time_limit(0.4):
            limits.grant(1.0)
            time.sleep(0.6)  # past both limits as set, within them as granted
        time.sleep(0.1)
    with pytest.raises(limits.TimeLimitExceeded, match="max_ocr_page_seconds"):
        with limits.time_limit(0.3):
            limits.grant(0.2)
            time.sleep(2)


def test_the_ocr_switch_is_a_setting(monkeypatch):
    monkeypatch.setenv("MINSHENG_OCR", "off")
    assert limits.Limits.from_env().ocr is False
    monkeypatch.setenv("MINSHENG_OCR", "maybe")
    with pytest.raises(ValueError, match="MINSHENG_OCR"):
        limits.Limits.from_env()


def _run_in_a_terminal(args: list[str], cwd: Path) -> tuple[list[tuple[float, str]], float]:
    """Run a command on a pseudo-terminal (as a user at a terminal sees it): each piece
    of its output with the time it arrived, and the time it ended."""
    import pty
    import select

    leader, follower = pty.openpty()
    started = time.monotonic()
    process = subprocess.Popen(args, cwd=cwd, stdin=follower, stdout=follower, stderr=follower,
                               env=os.environ | {"COLUMNS": "200", "TERM": "xterm"})
    os.close(follower)
    pieces = []
    while True:
        ready, _, _ = select.select([leader], [], [], 1.0)
        if ready:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # the terminal closed: the command ended
                break
            if not chunk:
                break
            pieces.append((time.monotonic() - started, chunk.decode("utf-8", "replace")))
        elif process.poll() is not None:
            break
    process.wait(timeout=300)
    os.close(leader)
    return pieces, time.monotonic() - started


def test_a_run_shows_each_file_and_each_ocr_page_as_it_goes(notice, tmp_path):
    """On a terminal, a file shows as soon as its parse ends (not when its batch is
    loaded), the bar counts it, and a long scan shows each page as OCR reads it."""
    _, image = notice
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text("2025年区民生实事项目\n序号\t任务内容\t主责单位\n1\t新建3所学校。\t区教委\n"
                                  "2\t新增床位200张。\t区民政局\n", encoding="utf-8")
    buf = io.BytesIO()
    image.save(buf, "PDF", resolution=DPI, save_all=True, append_images=[image.copy()])
    (folder / "b-scan.pdf").write_bytes(buf.getvalue())
    pieces, ended = _run_in_a_terminal([ETL, "ingest", "-v", "-j", "1", str(folder), "--db", str(tmp_path / "w.duckdb"),
                                        "--raw", str(tmp_path / "raw")], tmp_path)
    text = "".join(p for _, p in pieces)
    assert "ingest run" in text, text

    def first(needle: str) -> float:
        return next(t for t, p in _accumulated(pieces) if needle in p)

    parsed_a, page_1, page_2 = first("parsed    "), first("page 1 of 2 read by OCR"), first("page 2 of 2 read by OCR")
    parsed_scan, loaded_a = first("b-scan.pdf: 4 tasks, 2 pages in"), first("loaded    ")
    # a.txt shows before OCR has read a page of the scan, not when its batch is loaded at the end;
    # the scan shows page by page
    assert parsed_a < page_1 < page_2 <= parsed_scan <= loaded_a < ended
    assert first("1/2 files") < page_1  # the bar counted a.txt while the scan was being read


def _accumulated(pieces: list[tuple[float, str]]) -> list[tuple[float, str]]:
    """(time, all output up to then): a line may arrive in two pieces."""
    out, seen = [], ""
    for t, piece in pieces:
        seen += _ANSI.sub("", piece)
        out.append((t, seen))
    return out


_ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")  # colours and cursor moves
