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
from minsheng_etl.pipeline import parse_bytes

PDF = ("m_dot", "f_lines", "f_name_report", "t_header", "t_category")
DOCX = ("m_dunhao", "m_cn_paren", "m_bullet_dot", "f_lines", "f_bracket_square", "f_check_progress", "f_sections",
        "d_attachments", "d_requirements")
GBK = ("m_paren_inline", "m_yishi_inline", "f_fangmian", "d_ranking", "t_no_header", "t_header")
TABLE_TXT = ("t_header", "t_no_header", "t_num_in_name", "t_remark_status", "t_target_col")


def combinations() -> list[tuple[str, str]]:
    """Not the full cross product (PDF is slow): every prose family in txt and html,
    every table in html, docx and xlsx, and each other format over several families."""
    combos = []
    for family in FAMILIES:
        if family in TABLES:
            combos += [(family, fmt) for fmt in ("html", "docx", "xlsx")]
            combos += [(family, "txt")] if family in TABLE_TXT else []
        else:
            combos += [(family, "txt"), (family, "html")]
            combos += [(family, "docx")] if family in DOCX else []
        combos += [(family, "html-gbk")] if family in GBK else []
        combos += [(family, "pdf")] if family in PDF else []
    return combos


# (family, format) → what the extraction does not read yet. Remove an entry when it passes.
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


def differences(expected: list[dict], got: list[dict]) -> list[str]:
    """Every field of every task that differs, then tasks missed and tasks invented."""
    found = {(t["list"], t["seq"]): t for t in got}
    lines = []
    for want in expected:
        key = (want["list"], want["seq"])
        task = found.pop(key, None)
        if task is None:
            lines.append(f"task list {key[0]} seq {key[1]}: missing ({want['content'][:30]}…)")
            continue
        for name in FIELDS:
            if comparable(name, want[name]) != comparable(name, task.get(name)):
                lines.append(f"task seq {key[1]} field {name}: expected {want[name]!r}, got {task.get(name)!r}")
    for (lst, seq), task in found.items():
        lines.append(f"task list {lst} seq {seq}: spurious ({str(task.get('content'))[:30]}…)")
    return lines


@pytest.mark.parametrize("family,fmt", list(params()))
def test_layout_family_gives_back_its_records(family, fmt):
    data, name, expected = render(family, fmt)
    got = parse_bytes(data, name).notice.gold_json()["tasks"]
    diffs = differences(expected, got)
    assert not diffs, f"{family} as {fmt}: {len(diffs)} difference(s)\n" + "\n".join(diffs)


def test_every_family_and_format_is_covered():
    combos = combinations()
    assert {family for family, _ in combos} == set(FAMILIES)
    for fmt in RENDERERS:
        assert sum(1 for _, f in combos if f == fmt) >= 3, f"{fmt} is tried on fewer than 3 families"
    assert all((family, "txt") in combos or (family, "html") in combos for family in FAMILIES)


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
            assert target["unit"] in want["content"], f"{family} seq {want['seq']}: {target} not in the content"
