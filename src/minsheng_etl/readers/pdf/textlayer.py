"""Is a page's text layer usable? Two ways it is not: there is no text at all (a
scan, a blank page), or its fonts map glyphs to no Unicode (pdfminer writes
(cid:N), PDFium raw character codes that it flags as unmapped)."""
from __future__ import annotations

from dataclasses import dataclass

from .geometry import PageReading

BROKEN_SHARE = 0.02  # more unmapped glyphs than this and the page's text is not worth reading


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
