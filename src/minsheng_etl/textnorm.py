"""Small, pure text helpers shared by repair and extraction."""
from __future__ import annotations

import unicodedata
from functools import lru_cache

import regex

_SPACES = regex.compile(r"[ \t\u3000\u00a0\u2002\u2003\u2009\u200b]+")
_SPACES_NO_TAB = regex.compile(r"[ \u3000\u00a0\u2002\u2003\u2009\u200b]+")
_BLANK_LINES = regex.compile(r"\n\s*\n+")
_WHITESPACE = regex.compile(r"\s+")  # compiled once: regex.sub(pattern) pays a cache lookup per call


def _is_ascii_word(ch: str) -> bool:
    return ch.isascii() and (ch.isalnum() or ch in "_")


def squash_layout_spaces(text: str, keep_tabs: bool = False) -> str:
    """Remove spaces a layout put between Chinese and digits or punctuation.

    A space survives only between two ASCII word characters ("APP 小程序" loses
    its space, "Word Excel" keeps it). Line breaks are kept; tabs too when asked
    (a tab in a text dump separates a label from its value).
    """
    if not text:
        return text

    def repl(m: regex.Match) -> str:
        s, e = m.start(), m.end()
        before = text[s - 1] if s > 0 else ""
        after = text[e] if e < len(text) else ""
        if before and after and _is_ascii_word(before) and _is_ascii_word(after):
            # digits glued to digits across a space are a layout artefact too ("100 %")
            return " "
        return ""

    return (_SPACES_NO_TAB if keep_tabs else _SPACES).sub(repl, text)


def squash_all(text: str | None) -> str:
    """All whitespace removed: for comparing and for one-line values (dates, names)."""
    return _WHITESPACE.sub("", text or "")


def clean_lines(text: str) -> str:
    """Trim each line, drop empty ones, squash layout spaces."""
    lines = [squash_layout_spaces(line).strip() for line in text.split("\n")]
    return "\n".join(line for line in lines if line)


def nfkc_digits(text: str) -> str:
    """Full-width digits and Latin letters to ASCII, leaving CJK punctuation alone."""
    out = []
    for ch in text:
        if "０" <= ch <= "９" or "Ａ" <= ch <= "Ｚ" or "ａ" <= ch <= "ｚ":
            out.append(unicodedata.normalize("NFKC", ch))
        else:
            out.append(ch)
    return "".join(out)


TERMINAL_PUNCT = "。；！？;!?"


_NUMBERS = regex.compile(r"[\d.]+")


@lru_cache(maxsize=1 << 15)
def bigrams(text: str | None) -> frozenset[str]:
    """Character bigrams, whitespace dropped and every number one symbol: the unit of
    text similarity here (Chinese has no word boundaries; 500个 and 800个 agree).
    Memoised: callers compare each text with many others (every target of a task
    with every figure of its progress text, a task with its candidate matches), so
    without it the bigrams of one text were computed once per pair: 16 million
    times for a notice of 12,000 numbered rows. The sets are immutable, so sharing
    them is safe."""
    text = _NUMBERS.sub("#", squash_all(text))
    return frozenset(text[i:i + 2] for i in range(len(text) - 1))


def dice(a: frozenset[str], b: frozenset[str]) -> float:
    """Dice coefficient of two bigram sets: 1.0 the same, 0.0 nothing shared."""
    return 2 * len(a & b) / (len(a) + len(b)) if a and b else 0.0


def similarity(a: str | None, b: str | None) -> float:
    return dice(bigrams(a), bigrams(b))
