"""A task's number inside its list: 第1项, 区民生实事17项, 1., 1, （一）, 一、."""
from __future__ import annotations

import regex

from ..textnorm import nfkc_digits
from .numerals import to_int

_PATTERNS = [
    regex.compile(r"^\s*第\s*(\d{1,4})\s*[项条个号]?"),
    regex.compile(r"^\s*(\d{1,4})\s*(?:[.．、，,)）]|$|(?=\D))"),
    regex.compile(r"^\s*[（(]\s*(\d{1,4})\s*[）)]"),
    regex.compile(r"^\s*第\s*([一二三四五六七八九十百两〇零]{1,6})\s*[项条个]?"),
    regex.compile(r"^\s*[（(]\s*([一二三四五六七八九十百]{1,5})\s*[）)]"),
    regex.compile(r"^\s*([一二三四五六七八九十百]{1,5})\s*[、.．]"),
    regex.compile(r"(\d{1,4})\s*项\s*$"),  # 区民生实事17项
]


def parse_seq(text: str | None) -> int | None:
    """The positive integer a number cell or a numbered line starts with."""
    if not text:
        return None
    text = nfkc_digits(text.strip())
    for pattern in _PATTERNS:
        m = pattern.search(text)
        if m:
            value = to_int(m.group(1))
            if value and value > 0:
                return value
    return None


_LEADING_NUMBER = regex.compile(r"^\s*(?:(\d{1,3})\s*[.．、)）]|[（(]\s*(\d{1,3})\s*[)）])\s*(?=\D)")


def split_leading_number(text: str) -> tuple[int | None, str]:
    """A number inside a name cell ("14.改扩建…", "3、…", "(2)…") is the seq;
    returns (seq, rest)."""
    m = _LEADING_NUMBER.match(nfkc_digits(text or ""))
    if not m:
        return None, text
    return int(m.group(1) or m.group(2)), text[m.end():]
