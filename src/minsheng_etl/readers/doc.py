"""Word 97-2003 binary documents (.doc, and Kingsoft WPS's .wps, which is the same
format) and Rich Text (.rtf, which older sites publish): converted to .docx by
LibreOffice (readers/soffice.py), then read by the docx reader, so paragraphs,
tables, merged cells and list numbers come out as they would from the .docx the
author might have saved."""
from __future__ import annotations

from ..layout import Layout
from . import soffice
from .docx import read_docx


def read_doc(data: bytes) -> Layout:
    return _through_docx(data, "doc", "a Word 97 document (.doc/.wps)", ".doc", "a Word 97 binary document")


def read_rtf(data: bytes) -> Layout:
    return _through_docx(data, "rtf", "an RTF document (.rtf)", ".rtf", "a Rich Text document")


def _through_docx(data: bytes, fmt: str, what: str, suffix: str, described: str) -> Layout:
    """Converted to .docx by LibreOffice, then read as one; the Layout says it was."""
    layout = read_docx(soffice.convert(data, what, suffix, "docx"))
    layout.source_format = fmt
    layout.notes.append(f"{described}, converted to .docx by LibreOffice to be read")
    return layout
