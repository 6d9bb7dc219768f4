"""The one label grammar: 牵头单位：X wherever it stands (line start, inside a
line, in brackets) maps to its field through the synonyms in parsers/labels.toml.
Labels are matched on the simplified form of the text (責任單位 is 责任单位); the
simplified text has the same length, so positions cut the printed text."""
from __future__ import annotations

from functools import lru_cache

import regex

from .. import profiles
from ..script import to_simplified


@lru_cache(maxsize=1)
def label_pattern() -> regex.Pattern:
    pairs = profiles.load().label_synonyms
    names = "|".join(regex.escape(s) for s, _ in pairs)
    # a level or degree before the label (主要协作单位, 市级牵头单位) belongs to it
    return regex.compile(rf"(?P<label>(?:主要|市级|区级|县级|省级)?(?P<name>{names}))"
                         rf"(?:\s*[：:]|\t+|\s+(?=\S)|(?=\d{{4}}\s*年))")


@lru_cache(maxsize=1)
def _label_fields() -> dict[str, str]:
    return dict(profiles.load().label_synonyms)


def label_field(label: str) -> str:
    return _label_fields()[to_simplified(label)]


def label_names(text: str) -> list[tuple[regex.Match, str]]:
    """Field labels in text, matched on its simplified form (責任單位 is 责任单位), each
    with the label as printed."""
    return [(m, text[m.start("name"):m.end("name")]) for m in label_pattern().finditer(to_simplified(text))]


# a bracket group: round, square or 【】, no nested brackets of its own kind
_BRACKETS = regex.compile(r"[（(]((?:[^（()）]|[（(][^（()）]*[）)])*)[）)]|[\[【]([^\]】]*)[\]】]")
_RESPONSIBLE = regex.compile(r"^\s*(?:由)?(?P<body>[^，,。；;：:（()）]{2,40}?)(?:牵头)?负责\s*$")


def bracket_fields(text: str) -> tuple[str, list[tuple[str, str]]]:
    """Labelled fields inside brackets in a task's text, "(牵头单位:X;责任单位:A、B)",
    "[责任单位:X]", "(X负责)": the text without them, and (label, value) pairs in order."""
    found: list[tuple[str, str]] = []
    spans = []
    for m in _BRACKETS.finditer(text):
        inner = m.group(1) if m.group(1) is not None else m.group(2)
        pairs = _labelled(inner)
        if pairs:
            found += pairs
            spans.append(m.span())
            continue
        who = _RESPONSIBLE.match(to_simplified(inner))
        if who:
            found.append(("负责", inner[who.start("body"):who.end("body")]))
            spans.append(m.span())
    for start, end in reversed(spans):
        text = text[:start] + text[end:]
    return text, found


def _labelled(inner: str) -> list[tuple[str, str]]:
    """(label, value) pairs when a bracket's text opens with a label."""
    names = label_names(inner)
    if not names or inner[: names[0][0].start()].strip():
        return []
    pairs = []
    for k, (m, label) in enumerate(names):
        end = names[k + 1][0].start() if k + 1 < len(names) else len(inner)
        value = inner[m.end():end].strip().strip("；;，,。").strip()
        pairs.append((label, value))
    return pairs


def field_of(label: str) -> str:
    """The draft field a label fills; a 责任单位 is held apart (resp_units) until the
    task's other labels are known: beside a 牵头单位 it names co-organisers."""
    if label == "负责":
        return "units"
    name = label_field(label)
    if name == "units" and to_simplified(label) in profiles.load().co_when_beside_units:
        return "resp_units"
    return name
