"""A document from its pages' lines and tables: page furniture dropped (page
numbers, lines repeated at the top or foot of most pages), paragraphs built from
the geometry (first-line indent, a line ending short of the margin, a change of
font size, a centred line) and rejoined across page breaks, table cells' wrapped
lines joined, and a table continued on the next page stitched on (its repeated
header row dropped, a row split by the page break rejoined)."""
from __future__ import annotations

from collections import Counter
from functools import lru_cache

import regex

from ... import profiles
from ...layout import Cell, Paragraph, Ref, Table
from .geometry import Line, PageContent


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


@lru_cache(maxsize=1)
def _point_start() -> regex.Pattern:
    """A line opening a point of its own (1. / （1） / 一、 / a bullet of
    segmentation.toml): never the wrapped rest of the line above."""
    bullets = "".join(regex.escape(b) for b in profiles.vocabulary("segmentation.toml")["bullets"])
    return regex.compile(rf"^\s*(?:\d{{1,3}}\s*[.．、](?!\d)|[（(]\d{{1,3}}[）)]|[一二三四五六七八九十]{{1,3}}、|[{bullets}])")


def _reaches(line: Line, right: float) -> bool:
    """Does a line run on to the right margin (within 1.6 characters)? Engines place
    glyphs a float rounding apart (PDFium in single precision): a line exactly at
    the limit counts as reaching it, whichever engine read it."""
    return line.x1 >= right - 1.6 * line.size - _ROUNDING


_ROUNDING = 0.01  # points


def _continues(prev: Line, line: Line, right: float) -> bool:
    if _point_start().match(line.text):
        return False
    return _reaches(prev, right)


def drop_furniture(pages: list[PageContent]) -> None:
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


def assemble(pages: list[PageContent]) -> list:
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
                wrapped = _reaches(prev, right) and indent < 0.8 * ln.size and same_style and not centred
                if wrapped and not _point_start().match(ln.text):
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
                if last[c].paragraphs and not _point_start().match(cell.paragraphs[0]):
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
