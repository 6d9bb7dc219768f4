"""OCR: a page image read into the same PageReading a text layer gives, so lines,
paragraphs and ruled tables come out of the one geometry (page_content, assemble).

- text: RapidOCR (PP-OCRv4 Chinese detection and recognition models, shipped in
  its wheel, run by onnxruntime on the CPU: nothing is downloaded at run time).
  Each character it reads is placed where the recogniser saw it in its text
  box (the box's height, the recogniser's column); when it cannot say, the
  characters are spread over the box, a CJK character a full width, others half;
- ruling lines: long thin runs of dark pixels (a morphological opening of the
  inked image with a long flat or tall kernel), each an edge for the table finder.

Coordinates are page points, top left origin: pixels ÷ (dpi / 72).
Installed with the `ocr` extra; without it a scan is refused with the command
that installs it, as a setup failure (not remembered by the parse cache).
"""
from __future__ import annotations

import importlib.util
import logging
import math
import os
import time
import unicodedata
from collections.abc import Callable

from ... import limits as file_limits
from ...errors import ToolMissing
from .geometry import Char, PageReading
from .tables import edge

DPI = 200  # a PDF page is rendered at this resolution for OCR (scanned notices are 150-300 dpi)
MAX_PIXELS = 40_000_000  # a page image larger than this is read at a lower resolution (A4 at 200 dpi: 3.9 M)
SIZE_SHARE = 0.85  # font size as a share of a text box's height (the detector's box has a margin)
SAME_SIZE = 1.15  # text box heights this close are one font size (what a heading exceeds the body by)
RULE_PT = 24.0  # a ruling line is at least this long (points): longer than any stroke of a character
RULE_THICK_PT = 4.0  # and at most this thick
MIN_SCORE = 0.5  # recognised text below this confidence is dropped (RapidOCR's own default)
INSTALL = "pip install 'minsheng-etl[ocr]'"

log = logging.getLogger(__name__)
_engine = None


def available() -> bool:
    """Is the OCR engine installed (the `ocr` extra)?"""
    return importlib.util.find_spec("rapidocr_onnxruntime") is not None


def _ocr():
    """The RapidOCR engine of this process (its models load once, about a second).
    Threads: MINSHENG_OCR_THREADS (a parser process gets its share of the cores),
    else onnxruntime's default, every core."""
    global _engine
    if _engine is None:
        try:
            from rapidocr_onnxruntime import RapidOCR
        except ImportError as exc:
            raise ToolMissing(f"reading a scan needs OCR, which is not installed: {INSTALL}") from exc
        threads = int(os.environ.get("MINSHENG_OCR_THREADS") or -1)
        settings = {f"{part}_intra_op_num_threads": threads for part in ("det", "cls", "rec")}
        _engine = RapidOCR(**settings)
    return _engine


def dpi_for(width: float, height: float) -> float:
    """The resolution to render a page of this size (points) at: DPI, less for a
    page so large its image would pass MAX_PIXELS."""
    return min(DPI, 72 * math.sqrt(MAX_PIXELS / max(width * height, 1.0)))


def read_scan(why: str, number: int, pages: int, image_at: Callable[[float], object], dpi: float) -> PageReading:
    """A page without a text layer, read by OCR: its image is image_at(dpi). `why`
    starts the refusal when OCR is switched off or not installed. The file is
    granted max_ocr_page_seconds more for the page."""
    settings = file_limits.current()
    if not settings.ocr:
        raise file_limits.LimitExceeded(f"{why}: OCR is switched off (--no-ocr or MINSHENG_OCR=0)")
    if not available():
        raise ToolMissing(f"{why}: reading it needs OCR, which is not installed ({INSTALL})")
    file_limits.grant(settings.max_ocr_page_seconds)
    started = time.perf_counter()
    reading = read_image(image_at(dpi), number, dpi)
    log.info("page %d of %d read by OCR: %d characters in %.1f s", number, pages, len(reading.chars),
             time.perf_counter() - started)
    return reading


def read_image(image, number: int, dpi: float) -> PageReading:
    """One page image (a PIL image) as a PageReading (engine "ocr")."""
    import numpy as np

    rgb = np.asarray(image.convert("RGB"))
    scale = dpi / 72  # pixels per point
    edges, lines = ruling_lines(rgb, scale)
    # upright pages: the angle classifier is skipped (it costs time and can turn a line over)
    found, _elapsed = _ocr()(without_lines(rgb, lines, scale), use_cls=False, text_score=MIN_SCORE,
                             return_word_box=True)
    found = [(_bounds(box), _quotes(text), places) for box, text, _score, places, *_ in found or () if text.strip()]
    sizes = _snapped([(bottom - top) / scale * SIZE_SHARE for (_x0, _x1, top, bottom), _text, _ in found],
                     [len(text) for _box, text, _ in found])
    chars: list[Char] = []
    for ((x0, x1, top, bottom), text, places), size in zip(found, sizes):
        for start, end in _pieces(text, places, x0, x1, top, bottom, edges, scale):
            chars += [Char(ch, left / scale, right / scale, top / scale, bottom / scale, size)
                      for ch, (left, right) in zip(text[start:end], _spread(text[start:end], *_extent(
                          places, start, end, x0, x1))) if not ch.isspace()]
    height, width = rgb.shape[:2]
    return PageReading(number, width / scale, height / scale, chars, edges, 1, 0, "ocr")


def _quotes(text: str) -> str:
    """The recogniser reads a closing ” as ": after an opening “ it is put back."""
    out, open_ = [], False
    for ch in text:
        if ch == '"' and open_:
            ch = "”"
        open_ = ch == "“" or (open_ and ch != "”")
        out.append(ch)
    return "".join(out)


def _bounds(points) -> tuple[float, float, float, float]:
    xs = [float(p[0]) for p in points]
    ys = [float(p[1]) for p in points]
    return min(xs), max(xs), min(ys), max(ys)


def _snapped(sizes: list[float], weights: list[int]) -> list[float]:
    """Sizes told apart only where they differ as fonts do: the commonest size (by
    characters, to half a point) and all within SAME_SIZE of it become one, their
    median; then the same for the sizes left. The detector's box height varies
    with what a line holds (digits, brackets), and a text layer gives a paragraph's
    lines one size: paragraphs and headings are told by size."""
    out = list(sizes)
    left = set(range(len(sizes)))
    while left:
        counts: dict[float, int] = {}
        for i in left:
            key = round(sizes[i] * 2) / 2
            counts[key] = counts.get(key, 0) + weights[i]
        mode = max(sorted(counts), key=counts.__getitem__)
        group = sorted((i for i in left if mode / SAME_SIZE <= sizes[i] <= mode * SAME_SIZE), key=sizes.__getitem__)
        middle = round(sizes[group[len(group) // 2]], 1)
        for i in group:
            out[i] = middle
        left.difference_update(group)
    return out


def _width(ch: str) -> float:
    return 1.0 if unicodedata.east_asian_width(ch) in "WF" else 0.5


def _pieces(text: str, places, x0: float, x1: float, top: float, bottom: float, edges: list[dict],
            scale: float) -> list[tuple[int, int]]:
    """A text box cut where its text runs over a vertical ruling line or across a
    gap wider than the box is high (the detector joins the text of neighbouring
    cells on one baseline): (start, end) ranges of its characters."""
    if len(places) != len(text) or len(text) < 2:  # the recogniser's places are not the characters'
        return [(0, len(text))]
    middle = (top + bottom) / 2 / scale
    rules = [e["x0"] * scale for e in edges if e["orientation"] == "v" and e["top"] <= middle <= e["bottom"]
             and x0 < e["x0"] * scale < x1]
    spans = [_span(place) for place in places]
    cuts = [i for i in range(1, len(text))
            if spans[i][0] - spans[i - 1][1] > bottom - top
            or any(spans[i - 1][1] <= x <= spans[i][0] or (spans[i - 1][0] + spans[i - 1][1]) / 2 < x
                   < (spans[i][0] + spans[i][1]) / 2 for x in rules)]
    bounds = [0, *cuts, len(text)]
    return list(zip(bounds, bounds[1:]))


def _span(place) -> tuple[float, float]:
    xs = [float(p[0]) for p in place]
    return min(xs), max(xs)


def _extent(places, start: int, end: int, x0: float, x1: float) -> tuple[float, float]:
    """The span of characters start..end of a box: from the recogniser's places, or
    the whole box."""
    if len(places) <= start or len(places) < end:
        return x0, x1
    return _span(places[start])[0], _span(places[end - 1])[1]


def _spread(text: str, x0: float, x1: float) -> list[tuple[float, float]]:
    """Each character's span when the characters stand side by side across a box,
    each as wide as its share."""
    total = sum(map(_width, text)) or 1.0
    step = (x1 - x0) / total
    out, x = [], x0
    for ch in text:
        w = _width(ch) * step
        out.append((x, x + w))
        x += w
    return out


def ruling_lines(rgb, scale: float):
    """The horizontal and vertical ruling lines of a page image: table edges (in
    points) and their pixels (a mask)."""
    import cv2

    gray = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
    _, ink = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    length = max(8, round(RULE_PT * scale))
    thick = RULE_THICK_PT * scale
    edges: list[dict] = []
    mask = None
    for kernel, flat in ((cv2.getStructuringElement(cv2.MORPH_RECT, (length, 1)), True),
                         (cv2.getStructuringElement(cv2.MORPH_RECT, (1, length)), False)):
        lines = cv2.morphologyEx(ink, cv2.MORPH_OPEN, kernel)
        count, _labels, stats, _centroids = cv2.connectedComponentsWithStats(lines, connectivity=8)
        for label in range(1, count):
            left, top, w, h, _area = stats[label]
            if flat and h <= thick:
                y = (top + h / 2) / scale
                edges.append(edge(left / scale, y, (left + w) / scale, y))
            elif not flat and w <= thick:
                x = (left + w / 2) / scale
                edges.append(edge(x, top / scale, x, (top + h) / scale))
        drawn = lines > 0  # every long run of ink: a thick bar is no rule, but no text either
        mask = drawn if mask is None else mask | drawn
    return edges, mask


def without_lines(rgb, mask, scale: float):
    """The image with its ruling lines painted white (and a pixel around them): the
    detector then keeps the text of two cells apart, and no rule is read as 丨 or 「."""
    import cv2
    import numpy as np

    grown = cv2.dilate(mask.astype(np.uint8), np.ones((3, 3), np.uint8), iterations=max(1, round(scale / 2)))
    out = rgb.copy()
    out[grown > 0] = 255
    return out
