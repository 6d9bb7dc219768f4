"""Broken and hostile input files, built on the fly (no large binaries committed).

Each builder writes one file into a folder and returns its path. `build_all`
writes the whole set beside a few good notices; `CASES` says what each case is
and what the pipeline must do with it (load it, or reject it at a stage with a
reason containing some words).
"""
from __future__ import annotations

import io
import os
import random
import zipfile
from dataclasses import dataclass
from pathlib import Path

GOOD = """北京市大兴区2025年重要民生实事项目三季度进展情况

序号\t任务内容\t主责单位\t完成时限\t进展情况
1\t新增{n}张养老家庭照护床位。\t区民政局\t2025年12月31日\t已完成{m}张。
2\t完成3所中小学建设，增加学位1440个。\t区教委\t2025年9月30日\t2所已完工。
"""


PROSE = ["北京市大兴区2025年重要民生实事项目三季度进展情况", "1.新增200张养老家庭照护床位。", "主责单位：区民政局",
         "完成时限：2025年12月31日", "进展情况：已完成150张。", "2.完成3所中小学建设，增加学位1440个。", "主责单位：区教委",
         "完成时限：2025年9月30日", "进展情况：2所已完工。"]


def good_text(n: int = 200, m: int = 150) -> str:
    return GOOD.format(n=n, m=m)


def _write(folder: Path, name: str, data: bytes) -> Path:
    path = folder / name
    path.write_bytes(data)
    return path


# --- PDF ------------------------------------------------------------------------

def pdf_notice(lines: list[str] | None = None, *, encrypt: tuple[str, str] | None = None) -> bytes:
    """A text PDF of the good notice (reportlab, CJK font); encrypt = (user, owner)."""
    from reportlab.lib import pdfencrypt
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    if "STSong-Light" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    buf = io.BytesIO()
    enc = pdfencrypt.StandardEncryption(encrypt[0], encrypt[1], canPrint=1) if encrypt else None
    c = canvas.Canvas(buf, pagesize=A4, encrypt=enc)
    c.setFont("STSong-Light", 11)
    y = 800
    for line in lines or PROSE:
        c.drawString(40, y, line)
        y -= 18
    c.showPage()
    c.save()
    return buf.getvalue()


def pdf_blank_pages(pages: int) -> bytes:
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    for _ in range(pages):
        c.showPage()
    c.save()
    return buf.getvalue()


def pdf_image_only() -> bytes:
    """A page of drawing and no text, as a scan looks to a text extractor."""
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    for i in range(40):
        c.rect(40 + i * 5, 300 + i * 8, 200, 12, fill=1)
    c.showPage()
    c.save()
    return buf.getvalue()


def _pdf(objects: list[bytes]) -> bytes:
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def pdf_cid_glyphs() -> bytes:
    """Text in a composite font with no ToUnicode map: extractors print (cid:N)."""
    lines = b"".join(f"BT /F1 12 Tf 72 {700 - 20 * i} Td <{''.join(f'{(i * 7 + k) % 500 + 3:04X}' for k in range(30))}> "
                     f"Tj ET\n".encode() for i in range(25))
    return _pdf([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> >> "
        b"/Contents 4 0 R >>",
        f"<< /Length {len(lines)} >>\nstream\n".encode() + lines + b"endstream",
        b"<< /Type /Font /Subtype /Type0 /BaseFont /NoSuchFont /Encoding /Identity-H /DescendantFonts [6 0 R] >>",
        b"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /NoSuchFont /CIDSystemInfo << /Registry (Adobe) "
        b"/Ordering (Identity) /Supplement 0 >> /FontDescriptor 7 0 R /DW 1000 >>",
        b"<< /Type /FontDescriptor /FontName /NoSuchFont /Flags 4 /FontBBox [0 0 1000 1000] /ItalicAngle 0 "
        b"/Ascent 880 /Descent -120 /CapHeight 700 /StemV 80 >>",
    ])


# --- DOCX -----------------------------------------------------------------------

def docx_notice() -> bytes:
    from docx import Document

    doc = Document()
    for line in good_text().splitlines():
        doc.add_paragraph(line)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def _docx_with_document_xml(document_xml: bytes) -> bytes:
    """The good DOCX with its word/document.xml replaced."""
    src = zipfile.ZipFile(io.BytesIO(docx_notice()))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            out.writestr(info.filename, document_xml if info.filename == "word/document.xml" else src.read(info))
    return buf.getvalue()


def docx_xxe() -> bytes:
    """document.xml with an external entity pointing at a local file."""
    xml = zipfile.ZipFile(io.BytesIO(docx_notice())).read("word/document.xml").decode()
    head, rest = xml.split("?>", 1)
    dtd = '<!DOCTYPE w:document [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    rest = rest.replace("新增", "&xxe;新增", 1)
    return _docx_with_document_xml((head + "?>" + dtd + rest).encode())


def docx_entity_expansion() -> bytes:
    """The 'billion laughs': nested entities that expand to gigabytes."""
    xml = zipfile.ZipFile(io.BytesIO(docx_notice())).read("word/document.xml").decode()
    head, rest = xml.split("?>", 1)
    ents = '<!ENTITY lol0 "lollollollollollollollollollol">' + "".join(
        f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10}">' for i in range(1, 10))
    rest = rest.replace("新增", "&lol9;新增", 1)
    return _docx_with_document_xml((head + "?>" + f"<!DOCTYPE w:document [{ents}]>" + rest).encode())


def docx_zip_bomb(unpacked_mb: int = 600) -> bytes:
    """A DOCX whose document.xml unpacks to `unpacked_mb` MB (of spaces: ~0.1% of that packed)."""
    buf = io.BytesIO()
    src = zipfile.ZipFile(io.BytesIO(docx_notice()))
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            if info.filename != "word/document.xml":
                out.writestr(info.filename, src.read(info))
        with out.open("word/document.xml", "w", force_zip64=True) as fh:
            chunk = b" " * (1 << 20)
            for _ in range(unpacked_mb):
                fh.write(chunk)
    return buf.getvalue()


# --- OFD and old Office ------------------------------------------------------------

def ofd_notice(page_xml: bytes | None = None, extra: dict[str, bytes] | None = None) -> bytes:
    """A one-page OFD notice (a ruled task table); `page_xml` replaces its page."""
    import ofdgen

    page = ofdgen.Page()
    page.text(40, 30, "北京市大兴区2025年重要民生实事项目进展情况", size=6)
    xs, ys = [20, 35, 120, 160, 190], [40, 50, 70, 90]
    page.grid(xs, ys)
    rows = [("序号", "任务内容", "主责单位", "完成时限"), ("1", "新增200张养老家庭照护床位。", "区民政局", "12月底"),
            ("2", "完成3所中小学建设，增加学位1440个。", "区教委", "9月底")]
    for top, row in zip(ys, rows):
        for x, text in zip(xs, row):
            page.text(x + 2, top + 7, text, size=4.5)
    extra = dict(extra or {})
    if page_xml is not None:
        extra["Doc_0/Pages/Page_0/Content.xml"] = page_xml
    data = ofdgen.build([page])
    if not extra:
        return data
    src, buf = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            if info.filename not in extra:
                out.writestr(info.filename, src.read(info.filename))
        for name, part in extra.items():
            out.writestr(name, part)
    return buf.getvalue()


def ofd_xxe() -> bytes:
    """A page with an external entity pointing at a local file."""
    return ofd_notice(b'<?xml version="1.0"?><!DOCTYPE ofd:Page [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
                      b'<ofd:Page xmlns:ofd="http://www.ofdspec.org/2016"><ofd:Content><ofd:Layer ID="1">'
                      b'<ofd:TextObject ID="2" Boundary="20 20 150 10" Size="5"><ofd:TextCode X="0" Y="5">&xxe;'
                      b'</ofd:TextCode></ofd:TextObject></ofd:Layer></ofd:Content></ofd:Page>')


def ofd_zip_bomb(unpacked_mb: int = 600) -> bytes:
    """An OFD carrying a 'font' that unpacks to `unpacked_mb` MB."""
    buf = io.BytesIO(ofd_notice())
    with zipfile.ZipFile(buf, "a", zipfile.ZIP_DEFLATED) as out, \
            out.open("Doc_0/Res/font_1.ttf", "w", force_zip64=True) as fh:
        chunk = b"\0" * (1 << 20)
        for _ in range(unpacked_mb):
            fh.write(chunk)
    return buf.getvalue()


def ole_junk() -> bytes:
    """The signature of an old Office file, then random bytes."""
    return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + junk(seed=6)


# --- HTML -----------------------------------------------------------------------

def html_table(rows: int = 2, charset: str = "utf-8", declared: str | None = None) -> bytes:
    body = "".join(f"<tr><td>{i}</td><td>新增{i * 10}张养老家庭照护床位，完成第{i}项民生实事任务。</td>"
                   f"<td>区民政局</td><td>2025年12月31日</td><td>已完成{i}张。</td></tr>" for i in range(1, rows + 1))
    page = (f'<html><head><meta charset="{declared or charset}"><title>北京市大兴区2025年重要民生实事项目进展情况</title>'
            f"</head><body><h1>北京市大兴区2025年重要民生实事项目进展情况</h1><table><tr><th>序号</th><th>任务内容</th>"
            f"<th>主责单位</th><th>完成时限</th><th>进展情况</th></tr>{body}</table></body></html>")
    return page.encode(charset)


def html_huge(megabytes: int = 50) -> bytes:
    """A 50 MB page as CMSs make them: the notice's table, a picture pasted in as a
    data: URI, and a long article."""
    table = html_table().decode()
    picture = '<p><img src="data:image/png;base64,' + "iVBORw0KGgo" * (megabytes * 2**20 // 11 - 40_000) + '"></p>'
    article = "".join(f"<p>第{i}段：各单位要高度重视，认真落实，确保各项工作按期完成。</p>" for i in range(5000))
    return table.replace("</table>", "</table>" + picture + article).encode()


def html_nested(depth: int = 10_000) -> bytes:
    return ("<html><body>" + "<div>" * depth + "1.新增床位200张。" + "</div>" * depth + "</body></html>").encode()


# --- XLSX -----------------------------------------------------------------------

def xlsx_hard(empty_rows: int = 1_000_000) -> bytes:
    """A summary table with a merged title, formulas (with the cached values Excel
    stores) and a million empty but formatted rows below it."""
    import openpyxl
    from openpyxl.styles import Font

    wb = openpyxl.Workbook()
    ws = wb.active
    ws["A1"] = "title"
    ws["A1"].font = Font(bold=True)
    buf = io.BytesIO()
    wb.save(buf)

    def cell(ref: str, text: str) -> str:
        return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'

    rows = [f'<row r="1">{cell("A1", "北京市大兴区2025年重要民生实事项目进展情况汇总表")}</row>',
            '<row r="2">' + "".join(cell(f"{c}2", h) for c, h in zip("ABCDE", ["序号", "任务内容", "主责单位",
                                                                              "完成时限", "进展情况"])) + "</row>"]
    for i in range(1, 4):
        r = i + 2
        rows.append(f'<row r="{r}"><c r="A{r}"><f>ROW()-2</f><v>{i}</v></c>'
                    + cell(f"B{r}", f"新增{i * 100}张养老家庭照护床位。") + cell(f"C{r}", "区民政局")
                    + cell(f"D{r}", "2025年12月31日") + cell(f"E{r}", f"已完成{i * 50}张。") + "</row>")
    xml = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
           '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
           f'<dimension ref="A1:E{5 + empty_rows}"/><sheetData>' + "".join(rows))
    src = zipfile.ZipFile(buf)
    out_buf = io.BytesIO()
    with zipfile.ZipFile(out_buf, "w", zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            if info.filename != "xl/worksheets/sheet1.xml":
                out.writestr(info.filename, src.read(info))
        with out.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as fh:
            fh.write(xml.encode())
            batch = []
            for r in range(6, 6 + empty_rows):
                batch.append(f'<row r="{r}" s="1" customFormat="1"/>')
                if len(batch) == 10_000:
                    fh.write("".join(batch).encode())
                    batch = []
            fh.write(("".join(batch) + '</sheetData><mergeCells count="1"><mergeCell ref="A1:E1"/></mergeCells>'
                      "</worksheet>").encode())
    return out_buf.getvalue()


def junk(size: int = 64 * 1024, seed: int = 1) -> bytes:
    rng = random.Random(seed)
    return bytes(rng.getrandbits(8) for _ in range(size)) + b"\x00"


# --- the set ----------------------------------------------------------------------

@dataclass(frozen=True)
class Case:
    name: str  # file name
    build: object  # () -> bytes
    expect: str  # "loaded" or "failed"
    stage: str | None = None  # for failed: the stage
    words: tuple[str, ...] = ()  # words the reason must contain (lower case)
    about: str = ""


CASES = [
    Case("empty.txt", lambda: b"", "failed", "read", ("empty",), "zero-byte file"),
    Case("blank.html", lambda: b"   \n\t\n", "failed", "read", ("empty",), "whitespace only"),
    Case("no-tasks.txt", lambda: "北京市大兴区人民政府关于做好冬季供暖工作的通知\n\n各单位要高度重视，认真落实。\n".encode(),
         "failed", "extract", ("no numbered task list",), "a notice with no tasks"),
    Case("truncated.pdf", lambda: pdf_notice()[: len(pdf_notice()) // 2], "failed", "read", ("pdf",),
         "a PDF cut off half way (an interrupted download)"),
    Case("encrypted-user.pdf", lambda: pdf_notice(encrypt=("secret", "owner")), "failed", "read", ("password",),
         "a PDF that needs a password to open"),
    Case("encrypted-owner.pdf", lambda: pdf_notice(encrypt=("", "owner")), "loaded",
         about="a PDF with only an owner password (opens without one): read"),
    Case("image-only.pdf", pdf_image_only, "failed", "read", ("no text layer", "ocr"), "a scan: no text layer"),
    Case("cid-glyphs.pdf", pdf_cid_glyphs, "failed", "read", ("font",), "fonts with no Unicode map: (cid:N)"),
    Case("3000-blank-pages.pdf", lambda: pdf_blank_pages(3000), "failed", "limits", ("3,000 pages",),
         "thousands of pages of nothing"),
    Case("zip-bomb.docx", docx_zip_bomb, "failed", "limits", ("unpack", "zip bomb"),
         "a DOCX whose XML unpacks to 600 MB"),
    Case("xxe.docx", docx_xxe, "failed", "read", ("dtd", "unsafe"), "an external entity (XXE) in document.xml"),
    Case("entity-expansion.docx", docx_entity_expansion, "failed", "read", ("dtd", "unsafe"),
         "nested entities that expand to gigabytes (billion laughs)"),
    Case("not-a-zip.docx", lambda: junk(seed=2), "failed", "read", ("binary",), "a .docx that is no ZIP at all"),
    Case("notice.ofd", ofd_notice, "loaded", about="an OFD notice (a ruled task table)"),
    Case("zip-bomb.ofd", ofd_zip_bomb, "failed", "limits", ("unpack", "zip bomb"),
         "an OFD whose font part unpacks to 600 MB"),
    Case("xxe.ofd", ofd_xxe, "failed", "read", ("dtd", "unsafe"), "an external entity (XXE) in a page"),
    Case("junk-ole.doc", ole_junk, "failed", "read", ("damaged ole",), "an old Office signature, then random bytes"),
    Case("huge.html", html_huge, "loaded", about="a 50 MB web page (a pasted picture, 5,000 paragraphs)"),
    Case("nested.html", html_nested, "failed", "limits", ("nested",), "elements nested 10,000 deep"),
    Case("wrong-charset.html", lambda: html_table(charset="utf-8", declared="gbk"), "loaded",
         about="declares GBK, is UTF-8"),
    Case("formulas-merged-1m-rows.xlsx", xlsx_hard, "loaded",
         about="formulas, a merged title, 1,000,000 empty formatted rows"),
    Case("junk.pdf", lambda: junk(seed=3), "failed", "read", ("binary",), "random bytes named .pdf"),
    Case("junk.docx", lambda: junk(seed=4), "failed", "read", ("binary",), "random bytes named .docx"),
    Case("junk.html", lambda: junk(seed=5), "failed", "read", ("binary",), "random bytes named .html"),
    Case("name with spaces.txt", lambda: good_text(201).encode(), "loaded", about="spaces in the name"),
    Case("民生实事 通知（第1期）.txt", lambda: good_text(202).encode(), "loaded", about="Chinese in the name"),
    Case("quote\"s and 'apostrophes'.txt", lambda: good_text(203).encode(), "loaded", about="quotes in the name"),
    Case("..dots..in..name...txt", lambda: good_text(204).encode(), "loaded", about="'..' in the name"),
]


def build(case: Case, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    return _write(folder, case.name, case.build())


def build_all(folder: Path) -> dict[str, Case]:
    """Every case into `folder`, plus a good notice and a folder with a symlink loop."""
    for case in CASES:
        build(case, folder)
    (folder / "good.txt").write_text(good_text(), encoding="utf-8")
    loop = folder / "loop"
    loop.mkdir(exist_ok=True)
    (loop / "inside.txt").write_text(good_text(205), encoding="utf-8")
    if not (loop / "again").exists():
        os.symlink(loop, loop / "again", target_is_directory=True)
    return {c.name: c for c in CASES}
