"""Table headers → record fields, through the synonyms in parsers/columns.toml."""
from __future__ import annotations

import regex

from .. import profiles
from ..profiles import field_for_header
from ..textnorm import squash_all

_PERIOD = regex.compile(r"(\d{1,2})\s*(?:[-—至~]\s*(\d{1,2}))?\s*月|([一二三四1-4])季度|([上下])半年|全年|年度")


def period_rank(header: str) -> int:
    """How late a progress column's period is (1-10月推进情况 < 1-11月推进情况);
    0 when the header names no period."""
    m = _PERIOD.search(squash_all(header))
    if not m:
        return 0
    if m.group(1):
        return int(m.group(2) or m.group(1))
    if m.group(3):
        q = m.group(3)
        return 3 * ("一二三四".find(q) + 1 if not q.isdecimal() else int(q))
    if m.group(4):
        return 6 if m.group(4) == "上" else 12
    return 12


def map_header(cells: list[str]) -> dict[int, str]:
    """Column index → field for one header row. Several progress columns: the
    latest period wins; a 责任单位 beside a 牵头单位 holds co-organisers."""
    prof = profiles.load()
    mapping: dict[int, str] = {}
    for i, cell in enumerate(cells):
        field = field_for_header(cell)
        if field and field != "ignore":
            mapping[i] = field
    # 牵头单位 + 责任单位 → the second is co_units
    unit_cols = [i for i, f in mapping.items() if f == "units"]
    if len(unit_cols) > 1:
        for i in unit_cols:
            if squash_all(cells[i]) in prof.co_when_beside_units:
                mapping[i] = "co_units"
    # several progress columns: keep the latest period
    progress_cols = [i for i, f in mapping.items() if f == "progress"]
    if len(progress_cols) > 1:
        latest = max(progress_cols, key=lambda i: (period_rank(cells[i]), i))
        for i in progress_cols:
            if i != latest:
                del mapping[i]
    # a name column and a description column: content is both
    fields = set(mapping.values())
    if "name" in fields and "content" in fields:
        for i, f in list(mapping.items()):
            if f == "content":
                mapping[i] = "description"
    if "description" in fields and "name" not in fields and "content" not in fields:
        for i, f in list(mapping.items()):
            if f == "description":
                mapping[i] = "content"
    for field in ("seq", "content", "name", "description", "source_ref", "status", "deadline", "section"):
        cols = [i for i, f in mapping.items() if f == field]
        for extra in cols[1:]:
            del mapping[extra]
    return mapping


def is_header(cells: list[str]) -> bool:
    """A row is a header when at least two cells map to fields and one is the task text."""
    mapping = map_header(cells)
    fields = set(mapping.values())
    return len(mapping) >= 2 and bool(fields & {"content", "name", "description"}) and \
        all(len(squash_all(c)) <= 20 for c in cells if c)
