"""One list of tasks reported on through its year: plan → 一季度 → 上半年 → 年底, and a
corrected re-issue. Every view counts each task once, shows its latest report, and
keeps every report in task_history; overdue is told apart (reported late / no news).

The reports are built here from the bundled half-year sample (22 tasks of 大兴 2025):
its tasks, bodies and deadlines, with each report's own status and progress."""
from __future__ import annotations

import datetime as dt
import html
import json
import subprocess
from pathlib import Path

import duckdb
import pytest

from minsheng_etl.pipeline import parse_file

ROOT = Path(__file__).resolve().parents[1]
ETL = [str(ROOT / ".venv" / "bin" / "etl")] if (ROOT / ".venv" / "bin" / "etl").exists() else ["etl"]
SAMPLE = ROOT / "data" / "raw" / "samples" / "daxing-2025-h1-summary.txt"
REGION, YEAR = "北京市大兴区", 2025
HEADER = ["序号", "任务内容", "主责单位", "完成时限", "任务进度", "进展情况"]


def _page(title: str, header: list[str], rows: list[list], date: str) -> str:
    cells = lambda row, tag: "".join(f"<{tag}>{html.escape(str(c or ''))}</{tag}>" for c in row)
    body = "".join(f"<tr>{cells(r, 'td')}</tr>" for r in rows)
    return (f"<html><head><meta charset='utf-8'><title>{title}</title></head><body><h1>{title}</h1>"
            f"<table><tr>{cells(header, 'th')}</tr>{body}</table>"
            f"<p>北京市大兴区人民政府办公室</p><p>{date}</p></body></html>")


@pytest.fixture(scope="module")
def reports(tmp_path_factory) -> dict[str, Path]:
    """The year's four reports of one list, and a corrected re-issue of the half-year one."""
    tasks = parse_file(SAMPLE).notice.tasks
    assert len(tasks) == 22
    folder = tmp_path_factory.mktemp("reports")
    base = lambda t: [t.seq, t.content, "、".join(t.units), t.deadline_text]

    def q1(t):
        return ["正在推进", "已完成100张养老家庭照护床位建设。" if t.seq == 1 else "按计划推进前期工作。"]

    def year_end(t):
        if t.seq == 3:  # due 2025-09-30, still not done at the year's end: reported late
            return ["正在推进", "枣园小学扩建正在组织竣工验收。"]
        return ["已完成", "全面完成年度任务。"]

    def revised(t):
        row = base(t) + [t.status, t.progress]
        if t.seq == 3:
            row[3] = "2025年10月31日"
        if t.seq == 1:
            row[5] = row[5].replace("已完成500张", "已完成520张")
        return row

    pages = {
        "plan": _page("北京市大兴区2025年民生实事任务清单", HEADER[:4], [base(t) for t in tasks], "2025年1月20日"),
        "q1": _page("北京市大兴区2025年民生实事任务一季度进展情况", HEADER, [base(t) + q1(t) for t in tasks],
                    "2025年4月10日"),
        "h1": _page("北京市大兴区2025年民生实事任务进展情况（截至6月底）", HEADER,
                    [base(t) + [t.status, t.progress] for t in tasks], "2025年7月10日"),
        "year_end": _page("北京市大兴区2025年民生实事任务完成情况", HEADER, [base(t) + year_end(t) for t in tasks],
                          "2026年1月15日"),
        "h1_revised": _page("北京市大兴区2025年民生实事任务进展情况（截至6月底）", HEADER,
                            [revised(t) for t in tasks], "2025年7月20日"),
    }
    out = {}
    for name, text in pages.items():
        out[name] = folder / f"{name}.html"
        out[name].write_text(text, encoding="utf-8")
    return out


def _ingest(db: Path, *files: Path) -> dict:
    run = subprocess.run(ETL + ["ingest", *map(str, files), "--db", str(db), "--raw", str(db.parent / "raw"),
                                "--json"], capture_output=True, text=True, cwd=ROOT)
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout)


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
        assert "<b>22</b> tasks" in page.read_text(encoding="utf-8")

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
