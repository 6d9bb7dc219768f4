"""PDF: a page at a time, characters with their boxes and the page's ruling lines
read by an engine, then the same geometry whichever engine read them.

- engine: PDFium (pypdfium2) reads every page; a page whose fonts PDFium cannot
  map to Unicode is read again with pdfplumber, used when its reading is clean
  (pdfminer knows some CMaps PDFium does not); otherwise the page is refused;
- geometry (geometry.py, tables.py): lines clustered from characters, ruled
  tables from the edges by pdfplumber's table finder, cells laid out from their
  own characters;
- document (assembly.py): page furniture dropped, paragraphs from the geometry,
  tables stitched across page breaks;
- pages with no text (scans, text drawn as outlines) are rendered and read by
  OCR (ocr.py) when it is on and installed;
- refused with a reason (textlayer.py): pages with no text that OCR cannot read
  either, and broken font maps.
"""
from __future__ import annotations

from ... import limits as file_limits
from ...errors import ReadError
from ...layout import Layout
from . import ocr, textlayer
from .assembly import assemble, drop_furniture
from .geometry import PageContent, PageReading, page_content
from .pdfium import PdfiumDocument
from .plumber import PlumberDocument

ENGINES = {"pdfium": PdfiumDocument, "pdfplumber": PlumberDocument}


def read_pdf(data: bytes, engine: str = "pdfium") -> Layout:
    """A PDF's Layout. `engine` reads every page ("pdfium", falling back to
    pdfplumber page by page as above; "pdfplumber" alone, the reference)."""
    doc = ENGINES[engine](data)
    fallback: PlumberDocument | None = None
    renderer: PdfiumDocument | None = None
    notes: list[str] = []
    pages: list[PageContent] = []
    try:
        if not len(doc):
            raise ReadError("the PDF has no pages")
        limit = file_limits.current().max_pages
        if len(doc) > limit:
            raise file_limits.LimitExceeded(f"{len(doc):,} pages, over the limit of {limit:,} (MINSHENG_MAX_PAGES)")
        blank: list[int] = []
        for index in range(len(doc)):
            reading = doc.page(index)
            problem = textlayer.problem(reading)
            if problem and problem.kind == "font map" and engine == "pdfium":
                fallback = fallback or PlumberDocument(data)
                reading, problem = _second_opinion(fallback, index, problem, notes) or (reading, problem)
            if problem and problem.kind == "no text":
                renderer = renderer or (doc if isinstance(doc, PdfiumDocument) else PdfiumDocument(data))
                if textlayer.is_blank(renderer.render(index, textlayer.INK_DPI)):
                    blank.append(index + 1)  # nothing to read: no OCR, no refusal
                    continue
                reading = ocr.read_scan(problem.message, index + 1, len(doc), lambda dpi: renderer.render(index, dpi),
                                        ocr.dpi_for(reading.width, reading.height))
                problem = textlayer.problem(reading)
            if problem:
                raise ReadError(problem.message)
            pages.append(page_content(reading))
        if blank:
            if not pages:
                raise ReadError(f"every page is blank (no text, next to no ink: {len(blank)} of {len(doc)})")
            notes.append(textlayer.passed_over(blank))
    finally:
        doc.close()
        if fallback is not None:
            fallback.close()
        if renderer is not None and renderer is not doc:
            renderer.close()
    drop_furniture(pages)
    return Layout(assemble(pages), source_format="pdf", pages=len(pages), notes=notes)


def _second_opinion(fallback: PlumberDocument, index: int, problem: textlayer.Problem,
                    notes: list[str]) -> tuple[PageReading, None] | None:
    """pdfplumber's reading of a page PDFium found a broken font map on, when clean."""
    reading = fallback.page(index)
    if textlayer.problem(reading) is not None:
        return None
    notes.append(f"{problem.message}; read with pdfplumber instead")
    return reading, None
