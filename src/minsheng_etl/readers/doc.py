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
    converted = soffice.convert(data, "a Word 97 document (.doc/.wps)", ".doc", "docx")
    layout = read_docx(converted)
    layout.source_format = "doc"
    layout.notes.append("a Word 97 binary document, converted to .docx by LibreOffice to be read")
    return layout


def read_rtf(data: bytes) -> Layout:
    converted = soffice.convert(data, "an RTF document (.rtf)", ".rtf", "docx")
    layout = read_docx(converted)
    layout.source_format = "rtf"
    layout.notes.append("a Rich Text document, converted to .docx by LibreOffice to be read")
    return layout
