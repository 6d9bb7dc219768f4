"""What each analyst view holds, in one line, with a query to start from (`etl views`).

A view or table macro the warehouse has and this list lacks is still listed, marked
undescribed (and a test fails): the list cannot silently fall behind the schema."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class View:
    name: str
    kind: str  # view / table macro
    what: str
    example: str | None


# name → (what it holds, an example that runs on the sample warehouse)
VIEWS: dict[str, tuple[str, str]] = {
    "tasks_flat": (
        "one row per task as its latest report says: content, bodies, deadline, status_now, overdue "
        "(overdue_kind, days_late as of today), targets, progress, source; the table to start from",
        "SELECT region, year, seq, left(content, 20) AS task, status_now, days_late FROM tasks_flat "
        "ORDER BY region, year, seq LIMIT 5"),
    "tasks_as_of": (
        "tasks_flat as it stood on a day: each task as its latest report up to that day says, overdue on it",
        "SELECT region, year, status_now, count(*) AS tasks FROM tasks_as_of(DATE '2025-06-30') GROUP BY ALL "
        "ORDER BY ALL"),
    "overdue_tasks": (
        "the tasks overdue today, each once: reported_late (a report after the deadline says not done) "
        "or no_news (no report since the deadline), with days_late",
        "SELECT region, year, seq, deadline, overdue_kind, days_late FROM overdue_tasks "
        "ORDER BY days_late DESC LIMIT 5"),
    "overdue_on": (
        "the tasks overdue on a given day, as the reports up to that day say",
        "SELECT region, seq, deadline, overdue_kind, days_late FROM overdue_on(DATE '2025-12-01') LIMIT 5"),
    "task_history": (
        "every report's row of every task in report order (chain_id, chain_pos): status and what was "
        "achieved of each target at each report",
        "SELECT chain_pos, period, as_of, status_now, achieved_of_target FROM task_history "
        "WHERE region = '北京市大兴区' AND year = 2025 AND seq = 5"),
    "task_reports": (
        "every report's row of every task with all of tasks_flat's columns (is_latest marks the one shown); "
        "late_at_report: overdue on the report's own date",
        "SELECT chain_id, count(*) AS reports FROM task_reports GROUP BY chain_id ORDER BY reports DESC LIMIT 5"),
    "task_standing": (
        "the macro behind tasks_flat and tasks_as_of: task_standing(reports up to DATE, overdue on DATE)",
        "SELECT count(*) FROM task_standing(DATE '2025-06-30', DATE '2025-12-31')"),
    "tasks_by_body": (
        "tasks per canonical lead body, region and year, each task once, with counts by status and overdue; "
        "collective marks a group's name (各单位): leave it out of rankings",
        "SELECT body, sum(tasks) AS tasks, sum(completed) AS completed FROM tasks_by_body WHERE NOT collective "
        "GROUP BY body ORDER BY tasks DESC LIMIT 5"),
    "targets_flat": (
        "every target of every task (value, unit, comparator, the noun counted, the text as printed)",
        "SELECT seq, value, unit, comparator, noun FROM targets_flat ORDER BY region, year, seq LIMIT 5"),
    "target_vs_achieved": (
        "each target beside what the latest report achieved of it, and the ratio",
        "SELECT seq, target, unit, achieved, ratio FROM target_vs_achieved WHERE achieved IS NOT NULL "
        "ORDER BY region, year, seq LIMIT 5"),
    "recurring_tasks": (
        "the same body and nearly the same task in consecutive years of a region",
        "SELECT region, year, seq, next_year, next_seq, similarity FROM recurring_tasks ORDER BY ALL LIMIT 5"),
    "notice_versions": (
        "each notice's versions (a corrected re-issue is a newer one; a PDF and DOCX of one version are one)",
        "SELECT notice_id, version, versions, published, documents, source_name FROM notice_versions LIMIT 5"),
    "notice_documents": (
        "each notice's files, with the best file of each version and the primary one the views read",
        "SELECT source_name, format, task_count, version, is_primary FROM notice_documents "
        "ORDER BY source_name LIMIT 5"),
    "primary_tasks": (
        "the task_ids of each notice's primary file (each notice once)",
        "SELECT count(*) FROM primary_tasks"),
}


def views(con) -> list[View]:
    """Every view and table macro of the warehouse, described where this list knows it."""
    found = con.execute("""
        SELECT view_name, 'view' FROM duckdb_views() WHERE NOT internal AND schema_name = 'main'
        UNION
        SELECT DISTINCT function_name, 'table macro' FROM duckdb_functions()
        WHERE NOT internal AND schema_name = 'main' AND function_type = 'table_macro'
        ORDER BY 1""").fetchall()
    order = list(VIEWS)
    rows = sorted(found, key=lambda r: (order.index(r[0]) if r[0] in VIEWS else len(order), r[0]))
    return [View(name, kind, *(VIEWS.get(name) or ("(not described: see schemas/*.sql)", None)))
            for name, kind in rows]
