"""Text blocks (content, progress): layout whitespace out, numbered points apart."""
from __future__ import annotations

import regex

from ..textnorm import clean_lines

_FIRST_POINT = regex.compile(r"^\s*(?:1\s*[.．、]|[（(]\s*1\s*[）)])")


def split_glued_points(text: str) -> str:
    """Numbered points glued into one line ("…方案。2.关于…") are put on lines of
    their own, when the text itself starts with point 1 and the numbers follow on."""
    lines = []
    for line in text.split("\n"):
        if not _FIRST_POINT.match(line):
            lines.append(line)
            continue
        expected, start, pieces = 2, 0, []
        while True:
            m = regex.compile(rf"(?<=[。；;！!])\s*(?:{expected}\s*[.．、](?!\d)|[（(]{expected}[）)])").search(line, start)
            if not m:
                break
            pieces.append(line[start:m.start()])
            start = m.start()
            while start < len(line) and line[start].isspace():
                start += 1
            expected += 1
        pieces.append(line[start:])
        lines += [p for p in pieces if p.strip()]
    return "\n".join(lines)


def normalize_block(text: str | None) -> str | None:
    """One content or progress value: clean lines, points apart, None if empty."""
    if text is None:
        return None
    text = split_glued_points(clean_lines(text))
    return text or None
