"""Which kind of OLE compound file (the container of Office 97-2003 and of
Kingsoft WPS's .wps/.et): told by the names of its top-level streams, never by
the file's suffix. A Word document has a WordDocument stream (.doc, and .wps,
which WPS writes in Word's binary format); a workbook has Workbook (Excel 97,
WPS's .et) or Book (Excel 5/95)."""
from __future__ import annotations

import io
import struct

import olefile

from ..errors import ReadError

MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_F_ENCRYPTED = 0x0100  # FibBase flags (offset 0x0A of WordDocument): fEncrypted


def ole_format(data: bytes) -> str:
    """'doc' or 'xls' for an OLE compound file; ReadError for any other kind."""
    try:
        ole = olefile.OleFileIO(io.BytesIO(data))
    except (OSError, ValueError, struct.error, IndexError) as exc:  # olefile raises these on a broken header
        # (olefile's own words are about its internals: a huge sector number, a bad FAT)
        raise ReadError("a damaged OLE compound file (the container of .doc/.xls/.wps/.et): its header or "
                        "sector tables cannot be read") from exc
    with ole:
        try:
            streams = {entry[0] for entry in ole.listdir(streams=True, storages=True) if len(entry) == 1}
        except (OSError, ValueError, struct.error, IndexError, RecursionError) as exc:
            raise ReadError("a damaged OLE compound file (the container of .doc/.xls/.wps/.et): its directory "
                            "cannot be read") from exc
        if "EncryptedPackage" in streams:
            raise ReadError("a password-protected Office file: open it and save an unprotected copy")
        if "WordDocument" in streams:
            if _word_encrypted(ole):
                raise ReadError("a password-protected Word document: open it and save an unprotected copy")
            return "doc"
        if "Workbook" in streams or "Book" in streams:
            return "xls"
    shown = ", ".join(sorted(s for s in streams if s.isprintable())[:6]) or "none"
    raise ReadError(f"an OLE compound file that is neither a Word (.doc/.wps) document nor an Excel (.xls/.et) "
                    f"workbook (its streams: {shown})")


def _word_encrypted(ole: olefile.OleFileIO) -> bool:
    try:
        with ole.openstream("WordDocument") as stream:
            fib = stream.read(12)
    except (OSError, ValueError, struct.error, IndexError):
        return False  # LibreOffice will say what is wrong with it
    return len(fib) >= 12 and bool(struct.unpack_from("<H", fib, 0x0A)[0] & _F_ENCRYPTED)
