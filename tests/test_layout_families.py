"""Issue 14: every layout family, rendered by tests/layoutgen.py, must give back the
records it was rendered from. A failure names the family, the format, the task
and the field, so a rule change that breaks a layout says which one.

Families the extraction does not read yet are listed in KNOWN_GAPS with what is
missing; they run as strict xfails, so a fix that makes one pass fails the run
until its entry is removed.
"""
from __future__ import annotations

import re

import pytest

from layoutgen import FAMILIES, FIELDS, RENDERERS, TABLES, render, render_txt
from minsheng_etl import parse

# Prose families tried beyond txt and html (tables go into txt, html, docx and xlsx).
PDF = ("m_dot", "f_lines", "f_bracket_square", "f_name_report", "d_attachments", "t_header", "t_category")
DOCX = ("m_dunhao", "m_cn_paren", "m_auto_number", "m_bullet_dot", "f_lines", "f_bracket_square",
        "f_check_progress", "f_sections", "d_attachments", "d_requirements", "c_keywork")
GBK = ("m_paren_inline", "m_yishi_inline", "f_fangmian", "d_ranking", "c_two_lists", "t_no_header", "t_header")


def combinations() -> list[tuple[str, str]]:
    """Not the full cross product (PDF is slow): every prose family in txt and html,
    every table in txt, html, docx and xlsx, and each other format over several families."""
    combos = []
    for family in FAMILIES:
        if family in TABLES:  # txt: a viewer's copy, merged cells left empty after their first row
            combos += [(family, fmt) for fmt in ("txt", "html", "docx", "xlsx")]
        else:
            combos += [(family, "txt"), (family, "html")]
            combos += [(family, "docx")] if family in DOCX else []
        combos += [(family, "html-gbk")] if family in GBK else []
        combos += [(family, "pdf")] if family in PDF else []
    return combos


def _keys(family: str, *formats: str) -> list[tuple[str, str]]:
    return [(family, fmt) for fmt in formats]


# (family, format) → what the extraction does not read yet. Empty: every family reads
# right in every format. A new family that does not read yet goes here with what is
# missing; strict, so an entry must go as soon as its parametrisation passes.
KNOWN_GAPS: dict[tuple[str, str], str] = {}


def params():
    for family, fmt in combinations():
        gap = KNOWN_GAPS.get((family, fmt))
        marks = [pytest.mark.xfail(strict=True, reason=f"issue 14: {gap}")] if gap else []
        yield pytest.param(family, fmt, id=f"{family}-{fmt}", marks=marks)


_WS = re.compile(r"\s+")


def squash(value):
    return None if value is None else _WS.sub("", str(value))


def comparable(name: str, value):
    """A field's value as the scorer compares it: text without whitespace, lists
    element-wise, targets as a sorted multiset of (value, unit)."""
    if name in ("units", "co_units", "lead_officials"):
        return [squash(v) for v in value or []]
    if name == "targets":
        return sorted((round(float(t["value"]), 6), squash(t["unit"])) for t in value or [])
    if name == "seq":
        return value
    return squash(value)


def label(key: tuple[int, int]) -> str:
    return f"task {key[1]}" if key[0] == 0 else f"list {key[0]} task {key[1]}"


def differences(expected: list[dict], got: list[dict]) -> list[str]:
    """Every field of every task that differs, then tasks missed and tasks invented
    (tasks are matched by (list, seq), as the scorer matches them)."""
    found = {(t["list"], t["seq"]): t for t in got}
    lines = []
    for want in expected:
        key = (want["list"], want["seq"])
        task = found.pop(key, None)
        if task is None:
            lines.append(f"{label(key)}: missing ({want['content'][:30]}…)")
            continue
        for name in FIELDS:
            if comparable(name, want[name]) != comparable(name, task.get(name)):
                lines.append(f"{label(key)} field {name}: expected {want[name]!r}, got {task.get(name)!r}")
    for key, task in found.items():
        lines.append(f"{label(key)}: spurious ({str(task.get('content'))[:30]}…)")
    return lines


@pytest.mark.parametrize("family,fmt", list(params()))
def test_layout_family_gives_back_its_records(family, fmt):
    data, name, expected = render(family, fmt)
    got = parse(data, name).gold_json()["tasks"]
    diffs = differences(expected, got)
    if diffs:  # pytest.fail: the list itself, without assert's repr of it
        pytest.fail(f"{family} as {fmt}: {len(diffs)} difference(s)\n" + "\n".join(diffs), pytrace=False)


def test_every_family_and_format_is_covered():
    combos = combinations()
    assert {family for family, _ in combos} == set(FAMILIES)
    for fmt in RENDERERS:
        assert sum(1 for _, f in combos if f == fmt) >= 3, f"{fmt} is tried on fewer than 3 families"
    assert all((family, "txt") in combos or (family, "html") in combos for family in FAMILIES)
    stale = set(KNOWN_GAPS) - set(combos)
    assert not stale, f"KNOWN_GAPS names combinations that are not tested: {sorted(stale)}"


@pytest.mark.parametrize("family", list(FAMILIES))
def test_expectations_are_read_from_the_rendered_text(family):
    """The generator's own check: every expected string is printed in the notice,
    and every target's number and unit occur in its content (as in the gold)."""
    doc = FAMILIES[family]()
    text = squash(render_txt(doc).decode("utf-8"))
    assert doc.expected
    for want in doc.expected:
        for name in ("content", "progress", "section", "deadline_text", "status"):
            for part in (want[name] or "").split("\n"):
                assert squash(part) in text, f"{family} seq {want['seq']}: {name} {part!r} is not in the notice"
        for unit in want["units"] + want["co_units"] + want["lead_officials"]:
            assert unit in text, f"{family} seq {want['seq']}: {unit} is not in the notice"
        for target in want["targets"]:
            value, unit = target["value"], target["unit"]  # as printed: 3000个, 3万人次, (人)…2600
            printed = (f"{value:g}{unit}", f"{value / 10000:g}万{unit}", f"({unit}){value:g}")
            assert any(p in squash(want["content"]) for p in printed), \
                f"{family} seq {want['seq']}: {target} is not in the content"
