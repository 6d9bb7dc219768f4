"""One list of tasks reported on through its year: plan → 一季度 → 上半年 → 年底, and a
corrected re-issue. Every view counts each task once, shows its latest report, and
keeps every report in task_history; overdue is told apart (reported late / no news).

The reports are built from the bundled half-year sample (22 tasks of 大兴 2025) by
report_series.py: its tasks, bodies and deadlines, with each report's own status and
progress."""
from __future__ import annotations

import datetime as dt
import subprocess
from pathlib import Path

import duckdb
import pytest
from report_series import ETL, REGION, ROOT, YEAR, page_data, write_reports
from report_series import ingest as _ingest


@pytest.fixture(scope="module")
def reports(tmp_path_factory) -> dict[str, Path]:
    return write_reports(tmp_path_factory.mktemp("reports"))


def _rows(db: Path, sql: str, params=()) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql, list(params)).fetchall()
    finally:
        con.close()


def _one(db: Path, sql: str, params=()):
    (row,) = _rows(db, sql, params)
    return row[0] if len(row) == 1 else row


def _task(db: Path, seq: int, columns: str = "status_now") -> tuple:
    return _one(db, f"SELECT {columns} FROM tasks_flat WHERE region = ? AND year = ? AND seq = ?", [REGION, YEAR, seq])


def _achieved(db: Path, seq: int, target: float):
    return _one(db, """SELECT achieved FROM target_vs_achieved WHERE region = ? AND year = ? AND seq = ?
                       AND target = ?""", [REGION, YEAR, seq, target])


def test_plan_then_each_report_counts_each_task_once(reports, tmp_path):
    db = tmp_path / "w.duckdb"
    steps = [("plan", "not_started", None), ("q1", "in_progress", 100.0), ("h1", "in_progress", 500.0),
             ("year_end", "completed", None)]
    for k, (name, task1_status, beds) in enumerate(steps, start=1):
        _ingest(db, reports[name])
        scope = [REGION, YEAR]
        # every view counts each task once, however many reports are loaded
        assert _one(db, "SELECT count(*), sum(reports) FROM tasks_flat WHERE region = ? AND year = ?", scope) \
            == (22, 22 * k)
        assert _one(db, "SELECT count(*) FROM task_history WHERE region = ? AND year = ?", scope) == 22 * k
        assert _one(db, """SELECT count(*) FROM (SELECT task_id FROM target_vs_achieved WHERE region = ? AND year = ?
                           GROUP BY task_id, target_position HAVING count(*) > 1)""", scope) == 0
        assert _one(db, "SELECT max(tasks) FROM tasks_by_body WHERE region = ? AND year = ? AND body = '区民政局'",
                    scope) == _one(db, """SELECT count(*) FROM tasks_flat WHERE region = ? AND year = ?
                                          AND units_canonical LIKE '%区民政局%'""", scope)
        # the latest report's figures and status
        assert _task(db, 1) == task1_status
        if beds is not None:
            assert _achieved(db, 1, 200.0) == beds
        status = subprocess.run(ETL + ["status", "--db", str(db)], capture_output=True, text=True, cwd=ROOT)
        assert f"22 tasks ({22 * k} report rows)" in status.stdout, status.stdout
        page = tmp_path / "report.html"
        made = subprocess.run(ETL + ["report", "--db", str(db), "--output", str(page)], capture_output=True,
                              text=True, cwd=ROOT)
        assert made.returncode == 0, made.stderr
        assert made.stdout == f"wrote {page}: 22 tasks in 1 regions and years\n"
        shown = page_data(page)["tasks"]  # each task once, with every report on it
        assert len(shown) == 22 and sum(len(t[9]) for t in shown) == 22 * k

    # task 3 (due 2025-09-30) through the year: its history in report order
    history = _rows(db, """SELECT list_kind, period, status_now FROM task_history
                           WHERE region = ? AND year = ? AND seq = 3 ORDER BY chain_pos""", [REGION, YEAR])
    assert [h[0] for h in history] == ["plan", "progress", "progress", "completion"]
    assert [h[2] for h in history] == ["not_started", "in_progress", "in_progress", "in_progress"]
    # overdue, two facts: on 2025-10-01 the latest report (上半年, as of 06-30) predates the
    # deadline: no news; the year-end report says not done after it: reported late
    assert _one(db, """SELECT overdue_kind, days_late FROM overdue_on(DATE '2025-10-01')
                       WHERE region = ? AND year = ? AND seq = 3""", [REGION, YEAR]) == ("no_news", 1)
    assert _one(db, """SELECT overdue_kind, days_late FROM overdue_on(DATE '2026-01-01')
                       WHERE region = ? AND year = ? AND seq = 3""", [REGION, YEAR]) == ("reported_late", 93)
    late_today = (dt.date.today() - dt.date(2025, 9, 30)).days
    assert _task(db, 3, "overdue, overdue_kind, days_late") == (True, "reported_late", late_today)
    # every other task is completed at the year's end: the only one overdue
    assert _one(db, "SELECT list(seq) FROM overdue_tasks WHERE region = ? AND year = ?", [REGION, YEAR]) == [3]
    # as of the half-year, tasks come from the reports up to then
    assert _one(db, """SELECT count(*), count(*) FILTER (WHERE list_kind = 'progress') FROM tasks_as_of(DATE '2025-06-30')
                       WHERE region = ? AND year = ?""", [REGION, YEAR]) == (22, 22)


def test_a_revised_notice_supersedes_the_older_one(reports, tmp_path):
    db = tmp_path / "w.duckdb"
    _ingest(db, reports["h1"])
    summary = _ingest(db, reports["h1_revised"])
    notes = " ".join(summary["notes"])
    assert "h1_revised.html supersedes h1.html" in notes
    assert "#3 deadline: 2025-09-30 → 2025-10-31" in notes and "#1 progress" in notes
    # the newer version is what the views show; both versions stay
    assert _task(db, 3, "deadline") == dt.date(2025, 10, 31)
    assert _achieved(db, 1, 200.0) == 520.0
    assert _one(db, "SELECT count(*) FROM tasks_flat WHERE region = ? AND year = ?", [REGION, YEAR]) == 22
    assert _rows(db, "SELECT version, source_name FROM notice_versions ORDER BY version") == [
        (1, "h1.html"), (2, "h1_revised.html")]
    assert _rows(db, "SELECT seq, field FROM revisions ORDER BY seq, field") == [(1, "progress"), (3, "deadline")]
    assert _one(db, "SELECT count(*) FROM documents") == 2


def test_a_run_of_other_notices_leaves_a_notice_revisions_as_they_are(reports, tmp_path):
    """Revisions are derived again only for the notices a run brings files to."""
    db = tmp_path / "w.duckdb"
    _ingest(db, reports["h1"], reports["h1_revised"])
    before = _rows(db, "SELECT * FROM revisions ORDER BY ALL")
    summary = _ingest(db, ROOT / "data" / "raw" / "samples" / "beijing-civil-affairs-2025-q3.txt")
    assert summary["loaded"] == 1 and not any("supersedes" in n for n in summary["notes"])
    assert before and _rows(db, "SELECT * FROM revisions ORDER BY ALL") == before


def test_the_newer_version_wins_whatever_the_ingest_order(reports, tmp_path):
    db = tmp_path / "w.duckdb"
    _ingest(db, reports["h1_revised"])
    summary = _ingest(db, reports["h1"])  # the older version, arriving late
    assert "h1_revised.html supersedes h1.html" in " ".join(summary["notes"])
    assert _task(db, 3, "deadline") == dt.date(2025, 10, 31)


def test_renderings_of_one_version_are_one_version(tmp_path):
    db = tmp_path / "w.duckdb"
    samples = ROOT / "data" / "raw" / "samples"
    _ingest(db, *sorted(samples.glob("daxing-2025-h1-summary.*")))
    assert _one(db, "SELECT count(*), max(versions) FROM notice_versions") == (1, 1)
    assert _one(db, "SELECT count(*) FROM revisions") == 0
    assert _one(db, "SELECT count(*) FROM tasks_flat") == 22
