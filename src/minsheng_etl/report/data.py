"""What the report shows, read from the warehouse views as one compact JSON-able dict.

Each task once (tasks_flat), with every report on it in order (task_history), each
report's figures against the targets, its source (file, page, row; a URL when the
warehouse has one) and the task's lead bodies (task_units, collective names marked).

The page holds this data once and a small script renders it, so the file grows with
the data, not with pre-rendered rows. Strings are stored once in a table (`s`) and
referred to by index: a body, a date, a title or a file name recurs in thousands of
rows; what one list of one report says of all its tasks (its date, title, file) is
stored once in `lists`. Layout (indices into `s` unless said otherwise; null for
none; trailing nulls left out):

    list:   [as_of, period, list kind, label (the report's title, and which list when
             it holds several), source file, url, all files of the notice]
    task:   [region, year (int), seq (int), content, units as written, deadline,
             overdue kind, days late (int), bodies [..], reports [..]]
    report: [list (index into lists), status code, status words, stated share
             (number), progress, page (int), ref, targets [..]]
    target: [value, unit, counted noun, achieved, achieved unit if not the target's,
             ratio]
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from .. import wording

_SCOPE = "($region IS NULL OR f.region = $region) AND ($year IS NULL OR f.year = $year)"

_TASKS = f"""
SELECT f.chain_id, f.region, f.year, f.seq, f.content, f.units, f.deadline, f.overdue_kind, f.days_late
FROM tasks_flat f WHERE {_SCOPE}
ORDER BY f.region NULLS LAST, f.year NULLS LAST, f.title, f.list, f.seq, f.chain_id
"""

_REPORTS = """
SELECT h.chain_id, h.task_id, h.as_of, h.period, h.list_kind, h.title, h.status_now, h.status, h.stated_share,
       h.progress, r.source_name, r.page, r.ref, {url} AS url, r.sources, r.doc_id, r.list,
       count(DISTINCT r.list) OVER (PARTITION BY r.notice_id) AS lists
FROM task_history h JOIN task_reports r USING (task_id) {url_join}
WHERE h.chain_id IN (SELECT f.chain_id FROM tasks_flat f WHERE {scope})
ORDER BY h.chain_id, h.chain_pos
"""

_TARGETS = """
SELECT g.task_id, g.value, g.unit, g.noun, a.value, a.unit, a.ratio
FROM targets g JOIN task_history h USING (task_id)
LEFT JOIN achievements a ON a.task_id = g.task_id AND a.target_position = g.position
WHERE h.chain_id IN (SELECT f.chain_id FROM tasks_flat f WHERE {scope})
ORDER BY g.task_id, g.position
"""

_BODIES = f"""
SELECT f.chain_id, u.canonical_name, coalesce(u.collective, false)
FROM task_units u JOIN tasks_flat f USING (task_id)
WHERE u.role = 'lead' AND {_SCOPE}
ORDER BY f.chain_id, u.position
"""


class Strings:
    """Each distinct string once; rows refer to it by index."""

    def __init__(self):
        self.items: list[str] = []
        self._index: dict[str, int] = {}

    def __call__(self, value) -> int | None:
        if value is None or value == "":
            return None
        text = value.isoformat() if isinstance(value, dt.date) else str(value)
        found = self._index.get(text)
        if found is None:
            found = self._index[text] = len(self.items)
            self.items.append(text)
        return found


def number(value):
    """2809.0 → 2809 (no spurious ".0"); other numbers as they are, rounded for the page."""
    if value is None:
        return None
    value = float(value)
    return int(value) if value.is_integer() else round(value, 4)


@dataclass
class ReportData:
    data: dict
    tasks: int
    groups: int  # regions and years


def has_column(con, table: str, column: str) -> bool:
    return bool(con.execute("SELECT count(*) FROM information_schema.columns WHERE table_name = ? AND column_name = ?",
                            [table, column]).fetchone()[0])


def trimmed(row: list) -> list:
    """A row without its trailing nulls (the script reads a missing field as null)."""
    end = len(row)
    while end and row[end - 1] is None:
        end -= 1
    return row[:end]


def gather(con, *, region: str | None = None, year: int | None = None, lang: str = "zh") -> ReportData:
    """Every task of the scope with its reports, targets and bodies."""
    params = {"region": region, "year": year}
    s = Strings()
    url = has_column(con, "documents", "source_url")  # added with fetching notices from the web
    reports_sql = _REPORTS.format(scope=_SCOPE, url="d.source_url" if url else "NULL",
                                  url_join="LEFT JOIN documents d ON d.doc_id = r.doc_id" if url else "")

    targets: dict[str, list] = {}
    for task_id, value, unit, noun, achieved, achieved_unit, ratio in con.execute(
            _TARGETS.format(scope=_SCOPE), params).fetchall():
        targets.setdefault(task_id, []).append(trimmed([
            number(value), s(unit), s(noun), number(achieved), s(achieved_unit) if achieved_unit != unit else None,
            number(ratio)]))

    lists: dict[tuple, int] = {}
    list_rows: list[list] = []
    reports: dict[str, list] = {}
    for (chain_id, task_id, as_of, period, kind, title, status_now, status, share, progress, source, page, ref, link,
         sources, doc_id, list_no, lists_in_notice) in con.execute(reports_sql, params).fetchall():
        key = (doc_id, list_no)
        if key not in lists:
            label = f"{title} · {wording.list_kind(kind, lang)}" if lists_in_notice > 1 and kind else title
            lists[key] = len(list_rows)
            list_rows.append(trimmed([s(as_of), s(period), s(kind), s(label), s(source), s(link),
                                      s(sources) if sources != source else None]))
        goals = targets.get(task_id)
        reports.setdefault(chain_id, []).append(trimmed([
            lists[key], s(status_now), s(status) if status else None, number(share), s(progress), page, s(ref),
            goals]))

    bodies: dict[str, list] = {}
    collective: set[int] = set()
    for chain_id, body, is_group in con.execute(_BODIES, params).fetchall():
        i = s(body)
        if i is None:
            continue
        bodies.setdefault(chain_id, []).append(i)
        if is_group:
            collective.add(i)

    tasks = []
    groups = set()
    for chain_id, reg, yr, seq, content, units, deadline, overdue_kind, days_late in con.execute(
            _TASKS, params).fetchall():
        groups.add((reg, yr))
        tasks.append([s(reg), yr, seq, s(content), s(units), s(deadline), s(overdue_kind), days_late,
                      bodies.get(chain_id, []), reports.get(chain_id, [])])
    data = {"s": s.items, "lists": list_rows, "tasks": tasks, "collective": sorted(collective)}
    return ReportData(data, len(tasks), len(groups))
