"""Is a page's text layer usable? Two ways it is not: there is no text at all (a
scan, a blank page), or its fonts map glyphs to no Unicode (pdfminer writes
(cid:N), PDFium raw character codes that it flags as unmapped). And is a page with
no text blank (the back of a sheet in a duplex scan, an empty page a converter
put first), so that it is passed over rather than read by OCR or refused?"""
from __future__ import annotations

from dataclasses import dataclass

from .geometry import PageReading

BROKEN_SHARE = 0.02  # more unmapped glyphs than this and the page's text is not worth reading
# A page is blank when less than this share of it is ink (darker than mid-grey) at
# INK_DPI. Measured at 50 dpi: an empty page 0; a page holding only "附件2" in 10 pt
# 0.00006; a line of a title 0.001; text pages 0.01–0.07. Bleed-through and the grey
# of a scanned sheet are lighter than mid-grey and do not count; a speck of dust is a
# few pixels of the 230,000 of an A4 page.
INK_DPI = 50
BLANK_INK = 0.00005


@dataclass(frozen=True)
class Problem:
    kind: str  # "no text" or "font map"
    message: str


def has_no_text(page: PageReading) -> bool:
    """The one decision that a page carries no text to read (a scanned image or a
    blank page): where OCR would step in."""
    return not any(not c.text.isspace() for c in page.chars if c.text)


def problem(page: PageReading) -> Problem | None:
    """None when the page's text is usable; else what is wrong with it."""
    if has_no_text(page):
        if page.engine == "ocr":
            return Problem("no text", f"page {page.number} has no text layer and OCR recognised no characters on "
                                      f"it (a blank page, or a picture without writing)")
        what = "scanned image" if page.images else "blank or image-only page"
        return Problem("no text", f"page {page.number} has no text layer ({what})")
    glyphs = sum(len(c.text) for c in page.chars)
    if page.unmapped and page.unmapped / max(glyphs, 1) > BROKEN_SHARE:
        return Problem("font map", f"page {page.number} has a broken font map ({page.unmapped} unreadable glyphs "
                                   f"such as (cid:N))")
    return None


def is_blank(image) -> bool:
    """Does this picture of a page (a PIL image at about INK_DPI) hold next to no ink?"""
    counts = image.convert("L").histogram()
    return sum(counts[:128]) < BLANK_INK * max(sum(counts), 1)


def passed_over(numbers: list[int]) -> str:
    """The note for blank pages read past."""
    listed = ", ".join(map(str, numbers[:10])) + (" …" if len(numbers) > 10 else "")
    return f"{'page' if len(numbers) == 1 else 'pages'} {listed} blank (no text, next to no ink): passed over"
