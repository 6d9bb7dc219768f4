"""Traditional → Simplified characters, for matching only.

Notices from Taiwan-facing mirrors or Hong Kong style pages print 項目名稱 /
責任單位 / 進展情況. Labels, headers, gazetteer names and period words are
matched on the simplified form; what is stored stays as printed. The mapping is
OpenCC's (the maintained conversion data), applied so that the result has the
same length as the input: an index into the simplified text is an index into
the original, so a match can be cut out of the printed text.
"""
from __future__ import annotations

from functools import lru_cache

import opencc


@lru_cache(maxsize=1)
def _converter() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


@lru_cache(maxsize=8192)
def _char(ch: str) -> str:
    out = _converter().convert(ch)
    return out if len(out) == 1 else ch


@lru_cache(maxsize=4096)  # paragraphs are matched several times in a row; a bounded cache
def to_simplified(text: str) -> str:
    """The text in simplified characters, same length (for matching, not for output)."""
    if not text or text.isascii():
        return text
    out = _converter().convert(text)
    if len(out) == len(text):
        return out
    return "".join(_char(ch) for ch in text)  # a phrase rule changed the length: char by char
