"""Decoding bytes whose charset nobody declared, or declared wrongly."""
from __future__ import annotations

import codecs

from charset_normalizer import from_bytes

# Pages declared gb2312/gbk use characters outside it (朱镕基 fails as gb2312):
# the superset gb18030 reads them all.
_SUPERSETS = {"gb2312": "gb18030", "gbk": "gb18030", "cp936": "gb18030", "x-gbk": "gb18030",
              "iso-8859-1": "cp1252", "ascii": "utf-8"}


def canonical(name: str | None) -> str | None:
    if not name:
        return None
    try:
        name = codecs.lookup(name.strip().strip("\"'")).name
    except LookupError:
        return None
    return _SUPERSETS.get(name, name)


def decode_text(data: bytes, declared: str | None = None) -> tuple[str, str]:
    """Decode bytes: BOM first, then UTF-8 if it is valid, then the declared charset,
    then charset-normalizer's best guess. Returns (text, encoding used)."""
    for bom, name in ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            return data.decode(name), name
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    declared = canonical(declared)
    if declared:
        try:
            return data.decode(declared), declared
        except UnicodeDecodeError:
            pass
    best = from_bytes(data).best()
    if best is not None and best.encoding:
        name = canonical(best.encoding) or best.encoding
        try:
            return data.decode(name), name
        except UnicodeDecodeError:
            return str(best), best.encoding
    return data.decode("gb18030", errors="replace"), "gb18030"
