"""The pdfplumber engine (pdfminer.six underneath): the fallback for a page whose
fonts PDFium cannot map to Unicode, and the reference the PDFium engine is
tested against. About 15x slower than PDFium: pdfminer lays out every
character in Python."""
from __future__ import annotations

import io

import pdfplumber
import regex

from .pdfium import unreadable
from .geometry import Char, PageReading

_BROKEN = regex.compile(r"\(cid:\d+\)|\ufffd")


class PlumberDocument:
    """A PDF opened with pdfplumber, read a page at a time."""

    engine = "pdfplumber"

    def __init__(self, data: bytes):
        try:
            self._pdf = pdfplumber.open(io.BytesIO(data))
            self._pages = self._pdf.pages
        except Exception as exc:
            raise unreadable(exc) from exc

    def __len__(self) -> int:
        return len(self._pages)

    def page(self, index: int) -> PageReading:
        page = self._pages[index]
        try:
            chars = [Char(c["text"], c["x0"], c["x1"], c["top"], c["bottom"], c.get("size", 10))
                     for c in page.chars]
            text = "".join(c.text for c in chars)
            return PageReading(index + 1, float(page.width), float(page.height), chars, list(page.edges),
                               len(page.images), len(_BROKEN.findall(text)), self.engine)
        finally:
            page.close()  # frees the page's parsed objects: memory stays one page deep

    def close(self) -> None:
        self._pdf.close()
