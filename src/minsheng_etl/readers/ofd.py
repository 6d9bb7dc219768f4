"""OFD (GB/T 33190-2016, the national fixed-layout format many government sites
publish in), read natively: a ZIP of XML parts, no renderer needed.

OFD.xml names the document (DocBody/DocRoot); Document.xml lists the pages and
the default page box; each page's Content.xml holds layers of objects. Text is in
TextObjects, each a Boundary box (x y w h, in mm) with a font Size, an optional
CTM (affine transform) and TextCodes: a baseline position X/Y and the advances
between characters (DeltaX, where "g 3 4.2" stands for three advances of 4.2).
Table rules are PathObjects (AbbreviatedData: M/L/C/B/Q/A/S commands); their
straight horizontal and vertical strokes are the page's edges. PageBlocks nest
objects; template pages (letterhead backgrounds), annotations and seals are not
read.

The page becomes characters and edges in PDF points, top-down, shaped as
pdfplumber's (text, x0, x1, top, bottom, size; edges with orientation), and from
there it is laid out by the PDF reader's own geometry: ruled tables (pdfplumber's
table finder on the edges), lines, paragraphs, page furniture and tables
stitched across pages, so an OFD reads as its PDF print would.

Safety is the Office files': check_zip (total unpacked size, no DTD or entity in
any XML part) has run in sniff; the XML parser resolves no entity and fetches
nothing; pages count against max_pages.
"""
from __future__ import annotations

import io
import math
import posixpath
import unicodedata
import zipfile
from dataclasses import dataclass, field

import regex
from lxml import etree

from .. import limits as file_limits
from ..errors import ReadError
from ..layout import Layout
from . import check_zip
from .pdf import textlayer
from .pdf.assembly import assemble, drop_furniture
from .pdf.geometry import Char, PageContent, PageReading, page_content
from .pdf.tables import edge

PT_PER_MM = 72 / 25.4
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False,
                          remove_comments=True)
_NUMBER = regex.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")
Matrix = tuple[float, float, float, float, float, float]
_IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)


@dataclass
class OfdPage:
    """One page as characters and ruling edges in points, y downwards from the page
    top: what the PDF reader's engines hand its geometry (a PageReading)."""

    width: float
    height: float
    chars: list[Char] = field(default_factory=list)
    edges: list[dict] = field(default_factory=list)
    images: int = 0

    def reading(self, number: int) -> PageReading:
        return PageReading(number, self.width, self.height, self.chars, self.edges, self.images, 0, "ofd")


def read_ofd(data: bytes) -> Layout:
    names = set(check_zip(data))
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        package = _Package(archive, names)
        pages = package.pages()
    if not pages:
        raise ReadError("the OFD document has no pages")
    contents: list[PageContent] = []
    for number, page in enumerate(pages, start=1):
        reading = page.reading(number)
        if textlayer.has_no_text(reading):
            what = "scanned image" if page.images else "blank or image-only page"
            raise ReadError(f"page {number} of the OFD has no text ({what}): OCR is not supported")
        contents.append(page_content(reading))
    drop_furniture(contents)
    return Layout(assemble(contents), source_format="ofd", pages=len(contents))


class _Package:
    """The parts of one OFD package, found by their locations (relative to the
    part that names them, or absolute from the package root)."""

    def __init__(self, archive: zipfile.ZipFile, names: set[str]):
        self.archive, self.names = archive, names

    def xml(self, path: str) -> etree._Element:
        if path not in self.names:
            raise ReadError(f"the OFD names a part that is not in the package: {path}")
        try:
            return etree.fromstring(self.archive.read(path), _PARSER)
        except etree.XMLSyntaxError as exc:
            raise ReadError(f"the OFD part {path} is not well-formed XML ({exc})") from exc

    def resolve(self, base: str, location: str) -> str:
        location = location.strip().replace("\\", "/")
        if location.startswith("/"):
            return posixpath.normpath(location.lstrip("/"))
        joined = posixpath.normpath(posixpath.join(posixpath.dirname(base), location))
        if joined not in self.names and posixpath.normpath(location) in self.names:
            return posixpath.normpath(location)  # some writers give root-relative paths without the slash
        return joined

    def pages(self) -> list[OfdPage]:
        root = self.xml("OFD.xml")
        doc_root = _first(root, "DocBody", "DocRoot")
        if doc_root is None or not (doc_root.text or "").strip():
            raise ReadError("OFD.xml names no document (DocBody/DocRoot)")
        doc_path = self.resolve("OFD.xml", doc_root.text)
        document = self.xml(doc_path)
        default_box = _box(_first(document, "CommonData", "PageArea", "PhysicalBox"))
        entries = [p for p in _children(_first(document, "Pages"), "Page")]
        limit = file_limits.current().max_pages
        if len(entries) > limit:
            raise file_limits.LimitExceeded(f"{len(entries):,} pages, over the limit of {limit:,} "
                                            f"(MINSHENG_MAX_PAGES)")
        pages = []
        for entry in entries:
            location = entry.get("BaseLoc")
            if not location:
                raise ReadError("an OFD page entry without its BaseLoc")
            content = self.xml(self.resolve(doc_path, location))
            box = _box(_first(content, "Area", "PhysicalBox")) or default_box or (0.0, 0.0, 210.0, 297.0)
            page = OfdPage(box[2] * PT_PER_MM, box[3] * PT_PER_MM)
            for layer in _children(_first(content, "Content"), "Layer"):
                _objects(layer, page, _IDENTITY)
            pages.append(page)
        return pages


# --- page objects ---------------------------------------------------------

def _objects(parent: etree._Element, page: OfdPage, outer: Matrix) -> None:
    for obj in parent:
        kind = _local(obj)
        if kind == "PageBlock":
            _objects(obj, page, outer)
        elif kind == "TextObject":
            _text_object(obj, page, outer)
        elif kind == "PathObject":
            _path_object(obj, page, outer)
        elif kind == "ImageObject":
            page.images += 1


def _placement(obj: etree._Element, outer: Matrix) -> Matrix | None:
    """Object space → page points: the object's CTM, then its Boundary's origin,
    then whatever encloses it. None for an object with no usable Boundary."""
    box = _box(obj.get("Boundary"))
    if box is None:
        return None
    ctm = _numbers(obj.get("CTM"))
    own = tuple(ctm) if len(ctm) == 6 else _IDENTITY
    at_box = _multiply(own, (1.0, 0.0, 0.0, 1.0, box[0], box[1]))
    return _multiply(_multiply(at_box, outer), (PT_PER_MM, 0.0, 0.0, PT_PER_MM, 0.0, 0.0))


def _text_object(obj: etree._Element, page: OfdPage, outer: Matrix) -> None:
    matrix = _placement(obj, outer)
    if matrix is None:
        return
    size = _float(obj.get("Size"), 3.5)
    scale = math.sqrt(abs(matrix[0] * matrix[3] - matrix[1] * matrix[2]))  # points per object-space unit
    h_scale = _float(obj.get("HScale"), 1.0)
    x = y = 0.0
    for code in _children(obj, "TextCode"):
        text = code.text or ""
        x = _float(code.get("X"), x)
        y = _float(code.get("Y"), y)
        dx, dy = _deltas(code.get("DeltaX")), _deltas(code.get("DeltaY"))
        for i, ch in enumerate(text):
            natural = _advance(ch, size) * h_scale
            advance = dx[i] if i < len(dx) else natural
            # characters of one TextCode touch (a justified line spreads them a little);
            # an advance well past the glyph's width is a gap, read as a space
            px, py = _apply(matrix, x, y)
            end, _ = _apply(matrix, x + (advance if 0 < advance <= 1.5 * natural else natural), y)
            pt = size * scale
            if ch not in "\r\n\t":
                page.chars.append(Char(ch, min(px, end), max(px, end, px + 0.3 * pt), py - 0.86 * pt,
                                       py + 0.14 * pt, round(pt, 2)))
            x += advance
            y += dy[i] if i < len(dy) else 0.0


def _advance(ch: str, size: float) -> float:
    """The width of a glyph, fonts unread: a full em for CJK, 0.7 em for the rest
    (digits and Latin letters run 0.5-0.65 em)."""
    return size if unicodedata.east_asian_width(ch) in ("W", "F") else 0.7 * size


def _path_object(obj: etree._Element, page: OfdPage, outer: Matrix) -> None:
    if obj.get("Visible", "true") == "false":
        return
    stroked = obj.get("Stroke", "true") != "false"
    filled = obj.get("Fill", "false") == "true"
    if not (stroked or filled):
        return
    matrix = _placement(obj, outer)
    data = _first(obj, "AbbreviatedData")
    if matrix is None or data is None or not data.text:
        return
    for (x0, y0), (x1, y1) in _segments(data.text):
        _edge(page, _apply(matrix, x0, y0), _apply(matrix, x1, y1))


def _segments(path: str) -> list[tuple[tuple[float, float], tuple[float, float]]]:
    """The straight segments of an AbbreviatedData path (M move, L line, C close;
    curves B/Q/A and S start are stepped over with their operands)."""
    operands = {"S": 2, "M": 2, "L": 2, "Q": 4, "B": 6, "A": 7, "C": 0}
    tokens = path.split()
    segments, start, at, i = [], None, None, 0
    while i < len(tokens):
        op = tokens[i]
        count = operands.get(op)
        if count is None:
            i += 1
            continue
        values = [_float(t, 0.0) for t in tokens[i + 1:i + 1 + count]]
        i += 1 + count
        if len(values) < count:
            break
        if op in ("S", "M"):
            start = at = (values[0], values[1])
        elif op == "L" and at is not None:
            segments.append((at, (values[0], values[1])))
            at = (values[0], values[1])
        elif op == "C" and at is not None and start is not None:
            if at != start:
                segments.append((at, start))
            at = start
        elif count:
            at = (values[-2], values[-1])
    return segments


def _edge(page: OfdPage, a: tuple[float, float], b: tuple[float, float]) -> None:
    (x0, y0), (x1, y1) = a, b
    if abs(y0 - y1) < 0.5 and abs(x1 - x0) >= 0.5:
        left, right = sorted((x0, x1))
        page.edges.append(edge(left, y0, right, y0))
    elif abs(x0 - x1) < 0.5 and abs(y1 - y0) >= 0.5:
        top, bottom = sorted((y0, y1))
        page.edges.append(edge(x0, top, x0, bottom))


# --- small helpers ----------------------------------------------------------

def _local(el: etree._Element) -> str:
    tag = el.tag
    return etree.QName(tag).localname if isinstance(tag, str) else ""


def _children(parent: etree._Element | None, name: str) -> list[etree._Element]:
    return [c for c in parent if _local(c) == name] if parent is not None else []


def _first(parent: etree._Element | None, *path: str) -> etree._Element | None:
    for name in path:
        found = _children(parent, name)
        if not found:
            return None
        parent = found[0]
    return parent


def _numbers(text: str | None) -> list[float]:
    return [float(n) for n in _NUMBER.findall(text or "")]


def _box(value) -> tuple[float, float, float, float] | None:
    text = value.text if isinstance(value, etree._Element) else value
    numbers = _numbers(text)
    return tuple(numbers[:4]) if len(numbers) >= 4 else None


def _float(text: str | None, default: float) -> float:
    try:
        value = float(text) if text is not None else default
    except ValueError:
        return default
    return value if math.isfinite(value) else default


def _deltas(text: str | None) -> list[float]:
    """DeltaX/DeltaY with the "g N value" repeats spelled out (capped: a hostile
    count must not build a list of billions)."""
    out: list[float] = []
    tokens = (text or "").split()
    i = 0
    while i < len(tokens) and len(out) < 100_000:
        if tokens[i] == "g" and i + 2 < len(tokens):
            count = min(int(_float(tokens[i + 1], 0)), 100_000 - len(out))
            out += [_float(tokens[i + 2], 0.0)] * max(count, 0)
            i += 3
        else:
            out.append(_float(tokens[i], 0.0))
            i += 1
    return out


def _multiply(m: Matrix, n: Matrix) -> Matrix:
    """m then n (row-vector convention, as PDF and OFD write CTMs)."""
    a, b, c, d, e, f = m
    a2, b2, c2, d2, e2, f2 = n
    return (a * a2 + b * c2, a * b2 + b * d2, c * a2 + d * c2, c * b2 + d * d2, e * a2 + f * c2 + e2,
            e * b2 + f * d2 + f2)


def _apply(m: Matrix, x: float, y: float) -> tuple[float, float]:
    return m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5]
