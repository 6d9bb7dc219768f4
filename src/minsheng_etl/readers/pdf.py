"""PDF with pdfplumber. A page's characters are read once and serve the text
lines, the table cells and the page-furniture check alike.

- ruled tables: cells laid out from their own characters, wrapped lines joined,
  paragraph breaks kept; a table continued on the next page is stitched on, its
  repeated header row dropped and a row split by the page break rejoined;
- text outside tables: lines clustered from characters, then paragraphs from
  the geometry (first-line indent, a line ending short of the margin, a change
  of font size, a centred line); a paragraph broken by a page break is rejoined;
- page numbers (- 10 -) and lines repeated at the top or foot of most pages
  are dropped;
- broken text layers are refused with a reason: (cid:N) glyphs or U+FFFD where
  pypdfium2 cannot read the page either, and pages with no text (scans).
"""
from __future__ import annotations

import io
import unicodedata
from collections import Counter
from dataclasses import dataclass, field

import pdfplumber
import regex

from .. import limits as file_limits
from .. import profiles
from ..errors import ReadError
from ..layout import Cell, Layout, Paragraph, Ref, Table

_BROKEN = regex.compile(r"\(cid:\d+\)|\ufffd")


@dataclass
class Line:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float

    @property
    def height(self) -> float:
        return self.bottom - self.top


@dataclass
class PageContent:
    number: int
    width: float
    height: float
    lines: list[Line] = field(default_factory=list)  # outside tables, in reading order
    tables: list[tuple[float, list[list[list[Line]]], tuple]] = field(default_factory=list)  # (top, rows, bbox)


def _lines_from_chars(chars: list[dict]) -> list[Line]:
    """Cluster characters into lines by their vertical position, in reading order."""
    chars = [c for c in chars if c.get("text")]
    lines: list[list[dict]] = []
    for ch in sorted(chars, key=lambda c: c["top"]):
        size = ch.get("size", 10) or 10
        for line in reversed(lines[-3:]):
            ref = line[0]
            if abs((ch["top"] + ch["bottom"]) / 2 - (ref["top"] + ref["bottom"]) / 2) <= 0.45 * size:
                line.append(ch)
                break
        else:
            lines.append([ch])
    out = []
    for group in lines:
        group.sort(key=lambda c: c["x0"])
        text, prev = [], None
        for ch in group:
            if prev is not None and ch["x0"] - prev["x1"] > 0.25 * (ch.get("size") or 10):
                text.append(" ")
            text.append(ch["text"])
            prev = ch
        joined = "".join(text).strip()
        if not joined:
            continue
        sizes = Counter(round(c.get("size", 10), 1) for c in group if not c["text"].isspace())
        out.append(Line(joined, min(c["x0"] for c in group), max(c["x1"] for c in group),
                        min(c["top"] for c in group), max(c["bottom"] for c in group),
                        sizes.most_common(1)[0][0] if sizes else 10.0))
    out.sort(key=lambda ln: (round(ln.top), ln.x0))
    return out


def _inside(ch: dict, bbox) -> bool:
    x0, top, x1, bottom = bbox
    cx, cy = (ch["x0"] + ch["x1"]) / 2, (ch["top"] + ch["bottom"]) / 2
    return x0 <= cx <= x1 and top <= cy <= bottom


def _cell_paragraphs(lines: list[Line], right: float) -> list[str]:
    """A cell's lines joined into paragraphs: a line that reaches the cell's right
    edge wraps on; one that ends short ends its paragraph."""
    paras: list[str] = []
    for i, line in enumerate(lines):
        if i and _continues(lines[i - 1], line, right):
            paras[-1] += line.text
        else:
            paras.append(line.text)
    return paras


_POINT_START = regex.compile(r"^\s*(?:\d{1,3}\s*[.．、](?!\d)|[（(]\d{1,3}[）)]|[一二三四五六七八九十]{1,3}、)")


def _continues(prev: Line, line: Line, right: float) -> bool:
    if _POINT_START.match(line.text):
        return False
    return prev.x1 >= right - 1.6 * prev.size


def _read_page(page, number: int) -> PageContent:
    chars = page.chars
    content = PageContent(number, float(page.width), float(page.height))
    tables = page.find_tables()
    table_boxes = [t.bbox for t in tables]
    for table in tables:
        in_table = [c for c in chars if _inside(c, table.bbox)]
        rows = []
        for row in table.rows:
            _x0, top, _x1, bottom = row.bbox
            band = [c for c in in_table if top <= (c["top"] + c["bottom"]) / 2 <= bottom]
            cells = []
            for bbox in row.cells:
                if bbox is None:
                    cells.append(None)  # covered by a merged cell
                    continue
                inner = [c for c in band if _inside(c, bbox)]
                cells.append((_lines_from_chars(inner), bbox))
            rows.append(cells)
        content.tables.append((table.bbox[1], rows, table.bbox))
    outside = [c for c in chars if not any(_inside(c, b) for b in table_boxes)]
    content.lines = _lines_from_chars(outside)
    return content


def _check_text_layer(page, number: int) -> str | None:
    """None when the page's text is usable; else the reason it is not."""
    text = "".join(c["text"] for c in page.chars)
    if not text.strip():
        what = "scanned image" if page.images else "blank or image-only page"
        return f"page {number} has no text layer ({what}): OCR is not supported"
    broken = len(_BROKEN.findall(text))
    if broken and broken / max(len(text), 1) > 0.02:
        return f"page {number} has a broken font map ({broken} unreadable glyphs such as (cid:N))"
    return None


def _readable(text: str) -> bool:
    """Text a person could read: no (cid:N) or U+FFFD, and nearly every character
    printable and outside the private use area (where unmapped glyphs land)."""
    if not text.strip() or _BROKEN.search(text):
        return False
    chars = [c for c in text if not c.isspace()]
    good = sum(1 for c in chars if c.isprintable() and unicodedata.category(c) != "Co")
    return good >= 0.9 * len(chars)


def _pdfium_page_text(pdf_bytes: bytes, index: int) -> str | None:
    """pypdfium2's reading of one page: a second opinion on a broken font map."""
    try:
        import pypdfium2
    except ImportError:
        return None
    doc = pypdfium2.PdfDocument(pdf_bytes)
    try:
        return doc[index].get_textpage().get_text_range()
    finally:
        doc.close()


def read_pdf(data: bytes) -> Layout:
    notes: list[str] = []
    pages: list[PageContent] = []
    try:
        pdf = pdfplumber.open(io.BytesIO(data))
        pdf.pages
    except Exception as exc:
        if "Password" in repr(exc):
            raise ReadError("the PDF is protected by a password: open it and save an unprotected copy") from exc
        raise ReadError(f"not a readable PDF ({type(exc).__name__}: {exc})") from exc
    with pdf:
        if not pdf.pages:
            raise ReadError("the PDF has no pages")
        limit = file_limits.current().max_pages
        if len(pdf.pages) > limit:
            raise file_limits.LimitExceeded(f"{len(pdf.pages):,} pages, over the limit of {limit:,} "
                                            f"(MINSHENG_MAX_PAGES)")
        for index, page in enumerate(pdf.pages):
            number = index + 1
            problem = _check_text_layer(page, number)
            if problem:
                fallback = _pdfium_page_text(data, index) if "font map" in problem else None
                if fallback and _readable(fallback):
                    notes.append(f"{problem}; read with pypdfium2 instead")
                    content = PageContent(number, float(page.width), float(page.height))
                    content.lines = [Line(t.strip(), 0, 0, i * 10.0, i * 10.0 + 9, 10.0)
                                     for i, t in enumerate(fallback.splitlines()) if t.strip()]
                    pages.append(content)
                    continue
                raise ReadError(problem)
            pages.append(_read_page(page, number))
            page.close()  # frees the page's parsed objects: memory stays one page deep
    _drop_furniture(pages)
    blocks = _assemble(pages)
    return Layout(blocks, source_format="pdf", pages=len(pages), notes=notes)


def _drop_furniture(pages: list[PageContent]) -> None:
    """Page numbers and lines repeated at the top or foot of most pages."""
    if not pages:
        return
    edge_texts = Counter()
    for p in pages:
        for ln in p.lines:
            if ln.top < p.height * 0.1 or ln.bottom > p.height * 0.9:
                edge_texts[regex.sub(r"\d+", "#", ln.text)] += 1
    repeated = {t for t, n in edge_texts.items() if len(pages) >= 3 and n >= 0.6 * len(pages)}
    page_number = profiles.load().page_furniture[0]
    for p in pages:
        kept = []
        for ln in p.lines:
            at_edge = ln.top < p.height * 0.1 or ln.bottom > p.height * 0.9
            if at_edge and (page_number.match(ln.text) or regex.sub(r"\d+", "#", ln.text) in repeated):
                continue
            kept.append(ln)
        p.lines = kept


def _assemble(pages: list[PageContent]) -> list:
    """Paragraphs and tables of all pages, in reading order, stitched across page breaks."""
    all_lines = [ln for p in pages for ln in p.lines]
    left = Counter(round(ln.x0) for ln in all_lines).most_common(1)[0][0] if all_lines else 0
    right = max((ln.x1 for ln in all_lines), default=0)
    body_size = Counter(ln.size for ln in all_lines).most_common(1)[0][0] if all_lines else 10
    blocks: list = []
    table_no = 0
    open_para: tuple[Paragraph, Line] | None = None
    last_table: Table | None = None
    last_table_page = 0
    for page in pages:
        items = [(ln.top, "line", ln) for ln in page.lines] + [(t[0], "table", t) for t in page.tables]
        items.sort(key=lambda it: it[0])
        first_item = True
        for _top, kind, item in items:
            if kind == "table":
                _top, rows, bbox = item
                table = _make_table(rows)
                continued = (first_item and last_table is not None and last_table_page == page.number - 1
                             and table.rows and len(table.rows[0]) == len(last_table.rows[0]))
                if continued:
                    _stitch(last_table, table, page.number)
                else:
                    table_no += 1
                    table.ref = Ref(page=page.number, table=table_no)
                    for r, row in enumerate(table.rows, start=1):
                        for cell in row:
                            cell.ref = Ref(page=page.number, table=table_no, row=r, col=cell.ref.col)
                    blocks.append(table)
                    last_table = table
                last_table_page = page.number
                open_para = None
                first_item = False
                continue
            ln: Line = item
            indent = ln.x0 - left
            centred = indent > 2 * ln.size and (right - ln.x1) > 2 * ln.size and abs(indent - (right - ln.x1)) < 3 * ln.size
            heading = ln.size > body_size * 1.15
            if open_para is not None:
                para, prev = open_para
                same_style = abs(prev.size - ln.size) < 0.5
                wrapped = prev.x1 >= right - 1.6 * prev.size and indent < 0.8 * ln.size and same_style and not centred
                if wrapped and not _POINT_START.match(ln.text):
                    para.text += ln.text
                    open_para = (para, ln)
                    first_item = False
                    continue
            para = Paragraph(ln.text, Ref(page=page.number), heading=heading or centred)
            blocks.append(para)
            open_para = (para, ln)
            first_item = False
    return blocks


def _make_table(rows) -> Table:
    out = []
    for r, row in enumerate(rows, start=1):
        cells = []
        for c, cell in enumerate(row, start=1):
            if cell is None:
                # a merged cell: repeat the text of the cell it continues (left, else above)
                source = cells[-1] if cells else (out[-1][c - 1] if out and c - 1 < len(out[-1]) else None)
                cells.append(Cell(list(source.paragraphs) if source else [], Ref(row=r, col=c)))
                continue
            lines, bbox = cell
            cells.append(Cell(_cell_paragraphs(lines, bbox[2] - 2), Ref(row=r, col=c), lines=[ln.text for ln in lines]))
        out.append(cells)
    return Table(out)


def _stitch(previous: Table, table: Table, page_number: int) -> None:
    """A table continued on the next page: drop its repeated header, rejoin a row
    the page break split (its first cell empty), append the rest."""
    rows = table.rows
    header = [c.text for c in previous.rows[0]]
    if rows and [c.text for c in rows[0]] == header:
        rows = rows[1:]
    if rows and not rows[0][0].text.strip() and previous.rows:
        last = previous.rows[-1]
        for c, cell in enumerate(rows[0]):
            if c < len(last) and cell.paragraphs:
                if last[c].paragraphs and not _POINT_START.match(cell.paragraphs[0]):
                    last[c].paragraphs[-1] += cell.paragraphs[0]
                    last[c].paragraphs += cell.paragraphs[1:]
                else:
                    last[c].paragraphs += cell.paragraphs
                if last[c].lines is not None:
                    last[c].lines += cell.lines or cell.paragraphs
        rows = rows[1:]
    start = len(previous.rows)
    for i, row in enumerate(rows, start=start + 1):
        for cell in row:
            cell.ref = Ref(page=page_number, table=previous.ref.table, row=i, col=cell.ref.col)
        previous.rows.append(row)
