"""File names as they may be shown and stored.

On Linux a name is bytes: Python hands a name that is not UTF-8 over with lone
surrogates (surrogateescape), which cannot be written as UTF-8 (the manifest, the
warehouse, the terminal). `printable` turns those bytes into visible \\xNN escapes
and control characters into \\n, \\x1b..., so a name can neither stop a run nor
forge a line of output (a newline in a name would start a fake `failed` line).
The raw store's JSON keeps the exact name (ASCII JSON escapes surrogates losslessly).
"""
from __future__ import annotations

import os
import unicodedata

_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
# categories never printed as themselves: controls, line/paragraph separators, and
# format characters such as U+202E (right-to-left override), which reorder a line
_HIDDEN = {"Cc", "Zl", "Zp", "Cf"}


def printable(name: str | os.PathLike) -> str:
    """A name shown and stored losslessly enough to find the file: undecodable bytes
    as \\xNN, control and format characters as escapes."""
    text = os.fsencode(os.fspath(name)).decode("utf-8", "backslashreplace")
    if text.isprintable():
        return text
    out = []
    for ch in text:
        if ch in _NAMED:
            out.append(_NAMED[ch])
        elif unicodedata.category(ch) in _HIDDEN:
            out.append(f"\\x{ord(ch):02x}" if ord(ch) < 0x100 else f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    return "".join(out)
