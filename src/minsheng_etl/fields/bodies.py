"""Responsible bodies (责任单位) and lead officials (牵头领导) as lists of names.

- names split on 、，, ； and line breaks;
- a line that does not end like a body's name (局, 委, 人民政府, 中心…) is the first
  half of a name broken over two lines and is joined with the next line;
- names whose parts share one suffix stay one entry (各乡、镇人民政府);
- a trailing 等 or 。 is dropped.
"""
from __future__ import annotations

import regex

from .. import profiles
from ..script import to_simplified
from ..textnorm import squash_all

_ADMIN_PART = regex.compile(r"^各?[乡镇县市区村]$")


def ends_like_body(name: str) -> bool:
    """Does the name end like a body's (局, 委员会, 人民政府…)? Traditional names
    (委員會, 辦) are read in simplified characters."""
    return to_simplified(name).endswith(profiles.load().body_suffixes)


_OPEN, _CLOSE = "（([【", "）)]】"


def _split_line(line: str) -> list[str]:
    """Split on the separators outside brackets: 相关县(市、区)政府 is one name."""
    separators = profiles.load().body_separators
    parts, depth, start, i = [], 0, 0, 0
    while i < len(line):
        ch = line[i]
        if ch in _OPEN:
            depth += 1
        elif ch in _CLOSE:
            depth = max(depth - 1, 0)
        elif depth == 0:
            sep = next((s for s in separators if line.startswith(s, i)), None)
            if sep:
                parts.append(line[start:i])
                i += len(sep)
                start = i
                continue
        i += 1
    parts.append(line[start:])
    return parts


_CONTROL = regex.compile(r"[\p{Cc}\p{Cf}]")  # control and format characters: never part of a name


def _clean(name: str) -> str:
    name = _CONTROL.sub("", squash_all(name)).strip().strip("：:")
    changed = True
    while changed and name:
        changed = False
        for tail in profiles.load().body_trailing:
            if name.endswith(tail) and len(name) > len(tail):
                name, changed = name[: -len(tail)], True
    return name


def _broken_across(prev: str, line: str) -> bool:
    """Is `line` the rest of a name that `prev` began (区人力资源 / 社会保障局,
    林校路街道办 / 事处)?"""
    if prev.endswith(("、", "，", ",")):
        return False
    tail = _clean(_split_line(prev)[-1])
    head = _clean(_split_line(line)[0])
    if not tail or not head:
        return False
    if not ends_like_body(tail):
        return True
    # a suffix that spans the break: 办 + 事处 → 办事处
    suffixes = profiles.load().body_suffixes
    return any((tail + head).endswith(s) and len(s) > len(head) for s in suffixes)


def split_bodies(text: str | None) -> list[str]:
    """A 主责单位 / 协办单位 cell or field value → one entry per body, in order."""
    if not text:
        return []
    lines = [line for line in (squash_all(x) for x in text.split("\n")) if line]
    # join the halves of a name broken over two lines
    joined: list[str] = []
    for line in lines:
        if joined and _broken_across(joined[-1], line):
            joined[-1] += line
            continue
        joined.append(line)
    names: list[str] = []
    for line in joined:
        parts = [p for p in _split_line(line)]
        merged: list[str] = []
        for part in parts:
            part = _clean(part)
            if not part:
                continue
            if merged and _ADMIN_PART.match(merged[-1].split("、")[-1]):
                merged[-1] += "、" + part
            else:
                merged.append(part)
        names += merged
    return names


def split_people(text: str | None) -> list[str]:
    """牵头领导: one entry per person or post."""
    if not text:
        return []
    names = []
    for line in text.split("\n"):
        for part in regex.split(r"[、，,；;/]|\s{2,}", line):
            part = _clean(part)
            if part:
                names.append(part)
    return names
