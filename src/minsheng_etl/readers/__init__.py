"""Format readers: bytes in, Layout out. The reader is chosen by sniffing the
bytes, never by trusting the file's suffix."""
from __future__ import annotations

import codecs
import importlib
import io
import zipfile

import regex

from .. import limits as file_limits
from ..errors import ReadError
from ..layout import Layout
from .image import kind as image_kind
from .ole import MAGIC as OLE_MAGIC
from .ole import ole_format

FORMATS = ("pdf", "docx", "xlsx", "doc", "xls", "rtf", "ofd", "html", "text", "image")
# what a folder's files are taken by (the bytes decide the reader, the suffix only the pick)
IMAGE_SUFFIXES = frozenset({".png", ".jpg", ".jpeg", ".tif", ".tiff"})  # scans and photos of pages, by OCR
PAGE_SUFFIXES = frozenset({".html", ".htm", ".shtml", ".xhtml"})
SUFFIXES = frozenset({".pdf", ".docx", ".xlsx", ".doc", ".xls", ".wps", ".et", ".rtf", ".ofd", ".txt", ".text"}) \
    | PAGE_SUFFIXES | IMAGE_SUFFIXES


def sniff(data: bytes) -> str:
    """The format of a file from its bytes: pdf, docx, xlsx, doc (Word 97, WPS .wps),
    xls (Excel 97, WPS .et), rtf, ofd, html, text or image (PNG, JPEG, TIFF: read by OCR).

    Raises ReadError for a format we cannot read (GIF, archives...).
    """
    head = data[:2048]
    if head.lstrip()[:5] == b"%PDF-" or b"%PDF-" in data[:1024]:
        return "pdf"
    if head[:4] == b"PK\x03\x04":
        names = check_zip(data)
        if any(n.startswith("word/") for n in names):
            return "docx"
        if any(n.startswith("xl/") for n in names):
            return "xlsx"
        if "OFD.xml" in names:
            return "ofd"
        raise ReadError("a ZIP archive that is neither a Word (.docx) nor an Excel (.xlsx) file nor an OFD document")
    if head[:8] == OLE_MAGIC:
        return ole_format(data)
    if image_kind(head):
        return "image"
    if head.startswith(b"{\\rtf"):
        return "rtf"
    for magic, name in ((b"GIF8", "a GIF image"),
                        (b"\x1f\x8b", "a gzip archive"), (b"Rar!", "a RAR archive"), (b"7z\xbc\xaf", "a 7z archive")):
        if head.startswith(magic):
            raise ReadError(f"{name}, not a notice we can read (a scan is read from PNG, JPEG or TIFF)")
    # UTF-16 text is half NUL bytes: its byte order mark says so before the NUL check
    # would call it binary (Notepad's "Unicode" is UTF-16 LE with a BOM)
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) and not head.startswith(codecs.BOM_UTF32_LE):
        head = head[:len(head) - len(head) % 2].decode("utf-16", errors="replace").encode("utf-8")
    lowered = head.lower()
    if b"<html" in lowered or b"<!doctype html" in lowered or (b"<body" in lowered) or (
            b"<table" in lowered and b"</" in lowered) or b"<meta" in lowered:
        return "html"
    if b"\x00" in head:
        raise ReadError("a binary file of unknown format")
    return "text"


_DTD = regex.compile(rb"<!(?:DOCTYPE|ENTITY)", regex.IGNORECASE)


def check_zip(data: bytes) -> list[str]:
    """The part names of an Office or OFD file, after the checks that keep a hostile
    one out: its parts' total uncompressed size (a ZIP bomb) and any DTD in its XML
    (an entity expansion or an external entity: Word, Excel and OFD writers never
    write one)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, ValueError) as exc:
        raise ReadError(f"a damaged ZIP container ({exc})") from exc
    limits = file_limits.current()
    unzipped = sum(i.file_size for i in infos)
    if unzipped > limits.max_unzipped_mb * 2**20:
        raise file_limits.LimitExceeded(
            f"its parts unpack to {unzipped / 2**20:,.0f} MB, over the limit of {limits.max_unzipped_mb:g} MB "
            f"(a ZIP bomb? MINSHENG_MAX_UNZIPPED_MB raises the limit)")
    writers = "OFD writers" if any(i.filename == "OFD.xml" for i in infos) else "Word and Excel"
    for info in infos:
        if info.filename.endswith((".xml", ".rels")):
            try:
                with archive.open(info) as part:
                    start = part.read(4096)  # a DTD comes before the root element
            except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
                raise ReadError(f"a damaged ZIP container ({info.filename}: {exc})") from exc
            if _DTD.search(start):
                raise ReadError(f"{info.filename} declares a DTD or XML entities, which {writers} never "
                                f"write: refused as unsafe")
    return [i.filename for i in infos]


# format → (module, function): each reader is imported only when a file needs it (a
# text-only run never loads PDFium, LibreOffice glue or OCR models).
READERS = {
    "text": ("text", "read_text"), "pdf": ("pdf", "read_pdf"), "docx": ("docx", "read_docx"),
    "html": ("html", "read_html"), "xlsx": ("xlsx", "read_xlsx"), "doc": ("doc", "read_doc"),
    "xls": ("xls", "read_xls"), "rtf": ("doc", "read_rtf"), "ofd": ("ofd", "read_ofd"), "image": ("image", "read_image"),
}


def read(data: bytes, fmt: str | None = None) -> Layout:
    """Read bytes into a Layout with the reader the bytes call for."""
    fmt = fmt or sniff(data)
    if fmt not in READERS:
        raise ReadError(f"no reader for format {fmt!r}")
    module, function = READERS[fmt]
    return getattr(importlib.import_module(f".{module}", __name__), function)(data)
