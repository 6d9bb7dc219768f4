"""The PDFium engine (pypdfium2): characters with their boxes and font size from
PDFium's text page, ruling lines from the page's path objects. PDFium lays a
page out in C, where pdfminer does it in Python.

Coordinates are turned into the page as displayed (its /Rotate applied), top
left origin, as pdfplumber gives them, so both engines feed the same geometry.
"""
from __future__ import annotations

import ctypes
import math

import pypdfium2 as pdfium
import pypdfium2.raw as raw

from ...errors import ReadError
from .geometry import Char, PageReading
from .tables import edge

_NOT_DRAWN = " \r\n"  # PDFium inserts these between words and lines (generated: not in the file)
DESCENT = 0.12  # share of the font size below the baseline (CJK fonts: about 0.12)
_FLAT = 1e-3  # a segment this close to level or plumb is a ruling line


class PdfiumDocument:
    """A PDF opened with PDFium, read a page at a time (a page is closed before the
    next is loaded: memory stays flat in pages)."""

    engine = "pdfium"

    def __init__(self, data: bytes):
        try:
            self._doc = pdfium.PdfDocument(data)
        except pdfium.PdfiumError as exc:
            raise unreadable(exc) from exc

    def __len__(self) -> int:
        return len(self._doc)

    def page(self, index: int) -> PageReading:
        page = self._doc[index]
        try:
            place = _Placement(*page.get_mediabox(), page.get_rotation())
            textpage = raw.FPDFText_LoadPage(page.raw)
            if not textpage:
                raise ReadError(f"page {index + 1}: PDFium cannot read its text")
            try:
                chars, unmapped = _chars(textpage, place)
            finally:
                raw.FPDFText_ClosePage(textpage)
            edges, images = _ruling_and_images(page.raw, place)
            return PageReading(index + 1, place.width, place.height, chars, edges, images, unmapped, self.engine)
        finally:
            page.close()

    def render(self, index: int, dpi: float):
        """The page as displayed (its /Rotate applied), a grey PIL image at `dpi`: for OCR."""
        page = self._doc[index]
        try:
            return page.render(scale=dpi / 72, grayscale=True).to_pil()
        finally:
            page.close()

    def close(self) -> None:
        self._doc.close()


def unreadable(exc: Exception) -> ReadError:
    """What either engine says of a PDF it cannot open."""
    if "password" in repr(exc).lower():
        return ReadError("the PDF is protected by a password: open it and save an unprotected copy")
    return ReadError(f"not a readable PDF ({type(exc).__name__}: {exc})")


class _Placement:
    """PDF user space (origin bottom left) to the displayed page (origin top left,
    /Rotate applied): X = a·x + c·y + e, Y = b·x + d·y + f."""

    def __init__(self, left: float, bottom: float, right: float, top: float, rotation: int):
        self.rotation = rotation % 360
        self.a, self.b, self.c, self.d, self.e, self.f = {
            0: (1, 0, 0, -1, -left, top),
            90: (0, 1, 1, 0, -bottom, -left),
            180: (-1, 0, 0, 1, right, -bottom),
            270: (0, -1, -1, 0, top, right),
        }[self.rotation]
        wide, high = right - left, top - bottom
        self.width, self.height = (high, wide) if self.rotation in (90, 270) else (wide, high)

    def point(self, x: float, y: float) -> tuple[float, float]:
        return self.a * x + self.c * y + self.e, self.b * x + self.d * y + self.f

    def box(self, left: float, bottom: float, right: float, top: float) -> tuple[float, float, float, float]:
        """(x0, x1, top, bottom) of a user-space rectangle on the displayed page."""
        xa, ya = self.point(left, bottom)
        xb, yb = self.point(right, top)
        return min(xa, xb), max(xa, xb), min(ya, yb), max(ya, yb)


def _page_text(textpage, count: int) -> str:
    """All characters of the text page, one Python character per PDFium character."""
    buffer = ctypes.create_string_buffer(4 * (count + 1))  # room for surrogate pairs
    written = raw.FPDFText_GetText(textpage, 0, count, ctypes.cast(buffer, ctypes.POINTER(ctypes.c_ushort)))
    text = buffer.raw[:2 * max(written - 1, 0)].decode("utf-16-le", errors="replace")
    if len(text) != count:  # not one to one (a lone surrogate): ask character by character
        text = "".join(chr(raw.FPDFText_GetUnicode(textpage, i)) for i in range(count))
    return text


def _own(function, restype, *argtypes):
    """A PDFium function taking plain addresses: a call costs 40% less than through
    pypdfium2's typed pointers, which matters at two calls per character."""
    return ctypes.CFUNCTYPE(restype, *argtypes)(ctypes.cast(function, ctypes.c_void_p).value)


_ADDRESS, _INT = ctypes.c_void_p, ctypes.c_int
_origin_of = _own(raw.FPDFText_GetCharOrigin, _INT, _ADDRESS, _INT, _ADDRESS, _ADDRESS)
_text_object_of = _own(raw.FPDFText_GetTextObject, _ADDRESS, _ADDRESS, _INT)
_font_of = _own(raw.FPDFTextObj_GetFont, _ADDRESS, _ADDRESS)
_advance_of = _own(raw.FPDFFont_GetGlyphWidth, _INT, _ADDRESS, ctypes.c_uint32, ctypes.c_float, _ADDRESS)
_generated = _own(raw.FPDFText_IsGenerated, _INT, _ADDRESS, _INT)
_unmapped_at = _own(raw.FPDFText_HasUnicodeMapError, _INT, _ADDRESS, _INT)
_SAMPLE = 16  # besides each text object's first glyph, every 16th is checked for a Unicode mapping
_new_char = tuple.__new__  # Char(...) without namedtuple's Python-level constructor


def _chars(textpage, place: _Placement) -> tuple[list[Char], int]:
    """The page's drawn characters with their boxes, and how many of them had no
    Unicode mapping.

    The box is pdfminer's: from the origin along the glyph's advance (the font's
    width for it), one font size high standing on the baseline, a share DESCENT
    of it below. (PDFium's own boxes are the ink's, which varies from glyph to
    glyph.) A text object's glyphs share its font, size and matrix: asked once
    per object; advances once per font and character.
    """
    count = raw.FPDFText_CountChars(textpage)
    if count <= 0:
        return [], 0
    text = _page_text(textpage, count)
    tp = ctypes.cast(textpage, ctypes.c_void_p).value
    matrix, width, ox, oy = raw.FS_MATRIX(), ctypes.c_float(), ctypes.c_double(), ctypes.c_double()
    matrix_ref = ctypes.byref(matrix)
    width_at, ox_at, oy_at = ctypes.addressof(width), ctypes.addressof(ox), ctypes.addressof(oy)
    origin_of, object_of, unmapped_at, new_char = _origin_of, _text_object_of, _unmapped_at, _new_char
    upright = place.rotation == 0
    e, f = place.e, place.f
    advances_by_font: dict[int | None, dict[str, float]] = {}
    advances: dict[str, float] = {}
    chars: list[Char] = []
    suspect = False
    current, font, size, stretch, high, low = None, None, 0.0, 1.0, 0.0, 0.0
    for i, ch in enumerate(text):
        if ch in _NOT_DRAWN and _generated(tp, i):
            continue
        if not origin_of(tp, i, ox_at, oy_at):
            continue
        obj = object_of(tp, i)
        if obj != current:  # a new text object: its font, its size as drawn, is its font mapped?
            current = obj
            font = _font_of(obj) if obj else None
            advances = advances_by_font.setdefault(font, {})
            raw.FPDFText_GetMatrix(textpage, i, matrix_ref)
            size = raw.FPDFText_GetFontSize(textpage, i) * math.hypot(matrix.c, matrix.d)
            stretch = size * math.hypot(matrix.a, matrix.b) / (math.hypot(matrix.c, matrix.d) or 1)
            high, low = (1 - DESCENT) * size, DESCENT * size
            suspect = suspect or bool(unmapped_at(tp, i))
        elif not i % _SAMPLE:
            suspect = suspect or bool(unmapped_at(tp, i))
        advance = advances.get(ch)
        if advance is None:
            advance = advances[ch] = width.value if font and _advance_of(font, ord(ch), 1.0, width_at) else 0.0
        if upright:
            x, y = ox.value + e, f - oy.value
        else:
            x, y = place.point(ox.value, oy.value)
        chars.append(new_char(Char, (ch, x, x + advance * stretch, y - high, y + low, size)))
    unmapped = text.count("\ufffd")
    if suspect:  # count them all
        unmapped += sum(1 for i, ch in enumerate(text) if ch != "\ufffd" and unmapped_at(tp, i))
    return chars, unmapped


def _ruling_and_images(page_raw, place: _Placement) -> tuple[list[dict], int]:
    """The straight level and plumb segments of every painted path (in forms too),
    as table edges, and the number of images."""
    edges: list[dict] = []
    images = 0
    matrix = raw.FS_MATRIX()
    stack = [(page_raw, None, (1.0, 0.0, 0.0, 1.0, 0.0, 0.0))]
    while stack:
        container, form, outer = stack.pop()
        count = raw.FPDFFormObj_CountObjects(form) if form else raw.FPDFPage_CountObjects(container)
        for i in range(count):
            obj = raw.FPDFFormObj_GetObject(form, i) if form else raw.FPDFPage_GetObject(container, i)
            kind = raw.FPDFPageObj_GetType(obj)
            if kind == raw.FPDF_PAGEOBJ_IMAGE:
                images += 1
            elif kind in (raw.FPDF_PAGEOBJ_PATH, raw.FPDF_PAGEOBJ_FORM):
                if not raw.FPDFPageObj_GetMatrix(obj, ctypes.byref(matrix)):
                    continue
                m = _compose((matrix.a, matrix.b, matrix.c, matrix.d, matrix.e, matrix.f), outer)
                if kind == raw.FPDF_PAGEOBJ_FORM:
                    stack.append((container, obj, m))
                else:
                    _path_edges(obj, m, place, edges)
    return edges, images


def _compose(inner: tuple, outer: tuple) -> tuple:
    """The matrix that applies `inner`, then `outer` (PDF row-vector convention)."""
    a, b, c, d, e, f = inner
    A, B, C, D, E, F = outer
    return (a * A + b * C, a * B + b * D, c * A + d * C, c * B + d * D, e * A + f * C + E, e * B + f * D + F)


def _path_edges(path, m: tuple, place: _Placement, out: list[dict]) -> None:
    a, b, c, d, e, f = m
    x, y = ctypes.c_float(), ctypes.c_float()
    x_ref, y_ref = ctypes.byref(x), ctypes.byref(y)
    start = current = None
    for i in range(raw.FPDFPath_CountSegments(path)):
        segment = raw.FPDFPath_GetPathSegment(path, i)
        if not raw.FPDFPathSegment_GetPoint(segment, x_ref, y_ref):
            continue
        px, py = x.value, y.value
        point = place.point(a * px + c * py + e, b * px + d * py + f)
        kind = raw.FPDFPathSegment_GetType(segment)
        if kind == raw.FPDF_SEGMENT_MOVETO:
            start = point
        elif kind == raw.FPDF_SEGMENT_LINETO and current is not None:
            _add_segment(current, point, out)
        current = point  # a curve is no ruling line: its end is where the next segment starts
        if raw.FPDFPathSegment_GetClose(segment) and start is not None:
            _add_segment(current, start, out)
            current = start


def _add_segment(p: tuple[float, float], q: tuple[float, float], out: list[dict]) -> None:
    (x0, y0), (x1, y1) = p, q
    if abs(y0 - y1) <= _FLAT:
        out.append(edge(min(x0, x1), y0, max(x0, x1), y0))
    elif abs(x0 - x1) <= _FLAT:
        out.append(edge(x0, min(y0, y1), x0, max(y0, y1)))
