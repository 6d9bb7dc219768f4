"""What an engine reads from a page, and the lines and table cells laid out from
it. Engine-neutral: PDFium and pdfplumber both hand over characters with their
boxes and the page's ruling edges, in top-left page coordinates (points)."""
from __future__ import annotations

from dataclasses import dataclass, field
from operator import attrgetter
from typing import NamedTuple

from .tables import find_tables


class Char(NamedTuple):
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float  # font size in points as drawn


@dataclass
class PageReading:
    """One page as an engine read it: characters in content order, the edges of
    its ruling lines and rectangles (dicts in pdfplumber's edge form, which its
    table finder takes), its images, and the glyphs that had no Unicode mapping."""

    number: int
    width: float
    height: float
    chars: list[Char]
    edges: list[dict]
    images: int
    unmapped: int
    engine: str

    @property
    def text(self) -> str:
        return "".join(c.text for c in self.chars)


@dataclass(slots=True)
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
    tables: list[tuple[float, list[list], tuple]] = field(default_factory=list)  # (top, rows, bbox)


def lines_from_chars(chars: list[Char]) -> list[Line]:
    """Cluster characters into lines by their vertical position, in reading order:
    a character joins the latest of the last three lines whose first character's
    middle is within 0.45 of its size."""
    groups: list[list[Char]] = []
    middles: list[float] = []
    for ch in sorted(filter(_text, chars), key=_top):
        middle = (ch.top + ch.bottom) / 2
        reach = 0.45 * (ch.size or 10)
        for g in range(len(groups) - 1, max(-1, len(groups) - 4), -1):
            if abs(middle - middles[g]) <= reach:
                groups[g].append(ch)
                break
        else:
            groups.append([ch])
            middles.append(middle)
    out = []
    for group in groups:
        group.sort(key=_x0)
        text, prev = [], group[0]
        for ch in group:
            if ch.x0 - prev.x1 > 0.25 * (ch.size or 10) and ch is not prev:
                text.append(_gap(prev, ch.x0))
            text.append(ch.text)
            prev = ch
        joined = "".join(text).strip()
        if joined:
            out.append(Line(joined, group[0].x0, max(map(_x1, group)), min(map(_top, group)),
                            max(map(_bottom, group)), _usual_size(group)))
    out.sort(key=lambda ln: (round(ln.top), ln.x0))
    return out


_text, _x0, _x1, _top, _bottom, _size = (attrgetter(name) for name in ("text", "x0", "x1", "top", "bottom", "size"))


def _usual_size(group: list[Char]) -> float:
    """The most common font size of a line's visible characters (first seen wins a tie)."""
    if len(set(map(_size, group))) == 1:
        return round(group[0].size, 1)
    counts: dict[float, int] = {}
    for c in group:
        if not c.text.isspace():
            size = round(c.size, 1)
            counts[size] = counts.get(size, 0) + 1
    return max(counts, key=counts.__getitem__) if counts else 10.0


def _gap(prev: Char, x: float) -> str:
    """The spaces for a gap before x: one, or after a space character as many of
    its width as fill the gap (PDFium keeps one space of a run, pdfminer all)."""
    width = prev.x1 - prev.x0
    if prev.text == " " and width > 0:
        return " " * max(1, round((x - prev.x1) / width))
    return " "


def _within(placed: list[tuple[float, float, Char]], bbox) -> list[tuple[float, float, Char]]:
    """The characters whose middle lies in a box (edges included)."""
    x0, top, x1, bottom = bbox
    return [p for p in placed if x0 <= p[0] <= x1 and top <= p[1] <= bottom]


def page_content(page: PageReading) -> PageContent:
    """A page's ruled tables (each cell laid out from its own characters) and the
    lines outside them. A cell covered by a merged neighbour is None."""
    content = PageContent(page.number, page.width, page.height)
    tables = find_tables(page.edges, (0, 0, page.width, page.height))
    if not tables:
        content.lines = lines_from_chars(page.chars)
        return content
    placed = [((c.x0 + c.x1) / 2, (c.top + c.bottom) / 2, c) for c in page.chars]
    boxes = []
    for table in tables:
        box = table.bbox
        boxes.append(box)
        in_table = _within(placed, box)
        rows = []
        for row in table.rows:
            _x0, top, _x1, bottom = row.bbox
            band = [p for p in in_table if top <= p[1] <= bottom]
            rows.append([None if cell is None  # covered by a merged cell
                         else (lines_from_chars([p[2] for p in _within(band, cell)]), cell)
                         for cell in row.cells])
        content.tables.append((box[1], rows, box))
    outside = [c for cx, cy, c in placed
               if not any(x0 <= cx <= x1 and top <= cy <= bottom for x0, top, x1, bottom in boxes)]
    content.lines = lines_from_chars(outside)
    return content
