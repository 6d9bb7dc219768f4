"""The warehouse analysts query: one notice per notice, canonical bodies, overdue,
task chains across reports, recurring tasks, rebuild, status and export."""
from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest
from conftest import ROOT, SAMPLES, rows

from minsheng_etl.load import warehouse
from minsheng_etl.load.derive import canonical
from minsheng_etl.errors import SchemaError, WarehouseBusy
from minsheng_etl.load.run.ingest import ingest
from minsheng_etl.load.run.rebuild import rebuild

ETL = [sys.executable, "-m", "minsheng_etl.cli"]


# --- one notice, several files ------------------------------------------------

def test_each_notice_appears_once_whatever_its_formats(sample_warehouse):
    assert rows(sample_warehouse, "SELECT count(*), count(DISTINCT notice_id) FROM documents") == [(14, 5)]
    assert rows(sample_warehouse, """SELECT notice_id, list, seq FROM tasks_flat GROUP BY ALL
                                     HAVING count(*) > 1""") == []
    per_notice = dict(rows(sample_warehouse, """SELECT title, count(*) FROM tasks_flat GROUP BY 1"""))
    assert per_notice["北京市大兴区人民政府办公室关于印发《2023年区政府工作报告重点工作分工方案》的通知"] == 121
    assert per_notice["2025年区民生实事任务进展情况汇总表"] == 22
    # every file of a notice is listed beside its tasks
    sources = rows(sample_warehouse, "SELECT DISTINCT sources FROM tasks_flat WHERE title LIKE '2025年区民生实事%'")
    assert sources == [("daxing-2025-h1-summary.docx, daxing-2025-h1-summary.pdf, daxing-2025-h1-summary.txt, "
                        "daxing-2025-h1-summary.xlsx",)]


# --- canonical bodies ---------------------------------------------------------

@pytest.mark.parametrize("written, region, expected", [
    ("区人保局", "北京市大兴区", "区人力资源和社会保障局"),
    ("区人力资源社会保障局", "北京市大兴区", "区人力资源和社会保障局"),
    ("区人力资源和社会保障局", "北京市东城区", "区人力资源和社会保障局"),
    ("区住建委", "北京市大兴区", "区住房和城乡建设委员会"),
    ("区住房城乡建设委", "北京市大兴区", "区住房和城乡建设委员会"),
    ("区住房城市建设委", "北京市东城区", "区住房和城乡建设委员会"),
    ("区文旅局", "北京市大兴区", "区文化和旅游局"),
    ("区文化和旅游局", "北京市东城区", "区文化和旅游局"),
    ("区卫健委", "北京市大兴区", "区卫生健康委员会"),
    ("区卫生健康委", "北京市东城区", "区卫生健康委员会"),
    ("县人社局", "四川省达州市大竹县", "县人力资源和社会保障局"),
    ("兴创公司", "北京市大兴区", "北京兴创投资有限公司"),  # scoped to 大兴区
    ("兴创公司", "北京市东城区", "兴创公司"),  # ... and not elsewhere
    ("各街道办事处", "北京市东城区", "各街道办事处"),  # unknown: unchanged
])
def test_canonical_names(written, region, expected):
    assert canonical.load().resolve(written, region).canonical == expected


def test_body_view_groups_the_aliases_per_region(sample_warehouse):
    grouped = dict(rows(sample_warehouse, """
        SELECT region || ' ' || body, string_agg(DISTINCT written_as, '|' ORDER BY written_as)
        FROM tasks_by_body GROUP BY ALL"""))
    assert set(grouped["北京市大兴区 区人力资源和社会保障局"].split("|")) == {"区人保局", "区人力资源社会保障局"}
    assert set(grouped["北京市大兴区 区住房和城乡建设委员会"].split("|")) == {"区住建委", "区住房城乡建设委"}
    assert set(grouped["北京市大兴区 区文化和旅游局"].split("|")) == {"区文旅局", "区文化和旅游局"}
    # 东城区's 区教委 is its own body, not 大兴区's
    assert "北京市东城区 区教育委员会" in grouped and "北京市大兴区 区教育委员会" in grouped


def test_unknown_names_are_listed(sample_warehouse):
    out = subprocess.run(ETL + ["units", "--unknown", "--db", str(sample_warehouse), "--format", "csv"],
                         capture_output=True, text=True, check=True, cwd=ROOT)
    names = {line.split(",")[1] for line in out.stdout.splitlines()[1:]}
    assert "各街道办事处" in names and "区人保局" not in names


# --- overdue ------------------------------------------------------------------

def overdue(db: Path, day: str, region: str, year: int) -> list[int]:
    return [s for (s,) in rows(db, f"""SELECT seq FROM overdue_on(DATE '{day}')
                                      WHERE region = '{region}' AND year = {year} ORDER BY seq""")]


def test_overdue_on_a_given_day(sample_warehouse):
    # 2025 half-year report: task 3 is due 2025-09-30, task 20 2025-11-30, task 12 (due 05-31) is 已完成
    assert overdue(sample_warehouse, "2025-06-30", "北京市大兴区", 2025) == []
    assert overdue(sample_warehouse, "2025-10-01", "北京市大兴区", 2025) == [3]
    assert overdue(sample_warehouse, "2025-12-01", "北京市大兴区", 2025) == [3, 20]
    # the 2023 task division: only task 25 is due before July
    assert overdue(sample_warehouse, "2023-07-01", "北京市大兴区", 2023) == [25]
    assert rows(sample_warehouse, """SELECT overdue_kind, days_late FROM overdue_on(DATE '2025-10-01')
                                     WHERE region = '北京市大兴区' AND year = 2025""") == [("no_news", 1)]
    # as the reports themselves say: nothing in the corpus is late at its own as-of date
    assert rows(sample_warehouse, "SELECT count(*) FROM task_reports WHERE late_at_report") == [(0,)]
    # today, every overdue task is one with no report since its deadline, and overdue_tasks is overdue_on(today)
    assert rows(sample_warehouse, "SELECT count(*) FROM overdue_tasks WHERE overdue_kind <> 'no_news'") == [(0,)]
    assert rows(sample_warehouse, "SELECT count(*) FROM overdue_tasks") == rows(
        sample_warehouse, "SELECT count(*) FROM overdue_on(current_date)") != [(0,)]


# --- one task across reports; recurring tasks ------------------------------------

def test_recurring_task_links_the_parking_task_of_2024_and_2025(sample_warehouse):
    links = rows(sample_warehouse, """SELECT year, seq, next_year, next_seq FROM recurring_tasks
                                      WHERE region = '北京市大兴区' AND content LIKE '%人防工程%停车位%'""")
    assert links == [(2024, 9, 2025, 10)]


def test_two_reports_of_one_year_form_one_history_per_task(tmp_path):
    seed = (SAMPLES / "daxing-2025-h1-summary.txt").read_text(encoding="utf-8")
    later = seed.replace("截至6月底", "截至9月底").replace("2809套", "3600套").replace("450个", "500个")
    (tmp_path / "h1.txt").write_text(seed, encoding="utf-8")
    (tmp_path / "q3.txt").write_text(later, encoding="utf-8")
    db = tmp_path / "m.duckdb"
    ingest([tmp_path / "h1.txt", tmp_path / "q3.txt"], db_path=db, raw_root=tmp_path / "raw")
    assert rows(db, "SELECT count(DISTINCT notice_id) FROM documents") == [(2,)]
    chains = rows(db, """SELECT chain_id, list(period ORDER BY chain_pos), list(seq ORDER BY chain_pos)
                         FROM task_history GROUP BY 1""")
    assert len(chains) == 22
    assert all(periods == ["截至6月底", "截至9月底"] and a == b for _, periods, (a, b) in chains)
    housing = rows(db, """SELECT as_of, achieved_of_target FROM task_history WHERE seq = 5 ORDER BY chain_pos""")
    assert [(str(d), t) for d, t in housing] == [("2025-06-30", "2809套/4000套"), ("2025-09-30", "3600套/4000套")]


# --- rebuild --------------------------------------------------------------------

def copy_warehouse(src: Path, dst: Path) -> tuple[Path, Path]:
    shutil.copytree(src.parent, dst)
    return dst / src.name, dst / "raw"


def test_rebuild_with_nothing_changed_reports_no_change(sample_warehouse, tmp_path):
    db, raw = copy_warehouse(sample_warehouse, tmp_path / "w")
    before = rows(db, "SELECT task_id, content, status_now FROM tasks_flat ORDER BY 1")
    result = rebuild(db_path=db, raw_root=raw)
    assert result.summary.failed == 0 and result.diff.unchanged
    assert result.diff.documents_before == result.diff.documents_after == 14
    assert rows(db, "SELECT task_id, content, status_now FROM tasks_flat ORDER BY 1") == before
    # the run log is history: it carries over
    assert [c for (c,) in rows(db, "SELECT command FROM ingest_runs ORDER BY started_at")] == ["ingest", "rebuild"]


def test_rebuild_reports_what_changed(sample_warehouse, tmp_path):
    db, raw = copy_warehouse(sample_warehouse, tmp_path / "w")
    gone = next(p for p in (raw / "objects").rglob("*.txt")
                if "2024年重要民生实事项目一季度" in p.read_text(encoding="utf-8"))
    gone.unlink()  # the q1 report's text file leaves the raw store; its HTML stays
    result = rebuild(db_path=db, raw_root=raw)
    assert len(result.diff.removed) == 22 and not result.diff.added and not result.diff.changed
    assert rows(db, "SELECT count(*) FROM tasks_flat WHERE title LIKE '%一季度%'") == [(22,)]  # from the HTML now


def test_killed_rebuild_leaves_the_previous_warehouse(sample_warehouse, tmp_path):
    db, raw = copy_warehouse(sample_warehouse, tmp_path / "w")
    before = rows(db, "SELECT count(*) FROM tasks")
    proc = subprocess.Popen(ETL + ["rebuild", "--db", str(db), "--raw", str(raw), "--verbose", "--no-cache"],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)
    # kill it (and its parser processes) once it is loading files into its copy
    line = proc.stderr.readline()
    assert line.startswith("parsed"), line  # a file parsed: the run is under way, on its copy
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    assert rows(db, "SELECT count(*) FROM tasks") == before
    assert rows(db, "SELECT count(*) FROM tasks_flat") == [(227,)]
    leftovers = list(db.parent.glob(f"{db.name}.*.tmp*"))
    assert leftovers, "the killed rebuild's copy should still be there for this test to mean anything"
    result = subprocess.run(ETL + ["rebuild", "--db", str(db), "--raw", str(raw), "-q"], cwd=ROOT,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "0 added, 0 removed, 0 changed" in result.stdout
    assert not list(db.parent.glob(f"{db.name}.*.tmp*"))


# --- writers and readers ----------------------------------------------------------

def hold_writer_lock(db: Path) -> subprocess.Popen:
    proc = subprocess.Popen([sys.executable, "-c", (
        "import sys, time\nfrom pathlib import Path\nfrom minsheng_etl.load import warehouse\n"
        f"with warehouse.writer_lock(Path({str(db)!r}), command='etl ingest'):\n"
        "    print('locked', flush=True)\n    time.sleep(30)\n")], stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "locked"
    return proc


def test_second_writer_waits_then_is_told_who_writes(sample_warehouse, tmp_path):
    db, raw = copy_warehouse(sample_warehouse, tmp_path / "w")
    holder = hold_writer_lock(db)
    try:
        start = time.monotonic()
        with pytest.raises(WarehouseBusy, match=r"being written by process \d+ \(etl ingest"):
            ingest([SAMPLES / "daxing-2025-h1-summary.txt"], db_path=db, raw_root=raw, wait=1.0)
        assert time.monotonic() - start >= 1.0
        out = subprocess.run(ETL + ["ingest", str(SAMPLES / "daxing-2025-h1-summary.txt"), "--db", str(db),
                                    "--raw", str(raw)], capture_output=True, text=True, cwd=ROOT)
        assert out.returncode == 2 and "being written by process" in out.stderr and "Traceback" not in out.stderr
        # readers keep working on the last complete state
        q = subprocess.run(ETL + ["query", "SELECT count(*) AS n FROM tasks_flat", "--db", str(db), "-f", "csv"],
                           capture_output=True, text=True, cwd=ROOT)
        assert q.stdout.split() == ["n", "227"]
    finally:
        holder.kill()
        holder.wait()
    # once the holder is gone, the writer gets through
    summary = ingest([SAMPLES / "daxing-2025-h1-summary.txt"], db_path=db, raw_root=raw, wait=5.0)
    assert summary.count("unchanged") == 1


# --- schema upgrades ----------------------------------------------------------------

def test_an_older_warehouse_is_upgraded_in_place(tmp_path, monkeypatch):
    old_schemas = tmp_path / "schemas-0.1"
    old_schemas.mkdir()
    shutil.copy(ROOT / "schemas" / "001_core.sql", old_schemas)
    db = tmp_path / "old.duckdb"
    monkeypatch.setenv("MINSHENG_SCHEMAS", str(old_schemas))
    con = warehouse.connect(db)
    con.execute("""INSERT INTO documents VALUES ('abc', 'old.txt', NULL, 'raw/abc.txt', 'text', '旧通知', NULL, NULL,
                   NULL, NULL, NULL, '0.1.0', NULL, 0, now())""")
    con.close()
    monkeypatch.delenv("MINSHENG_SCHEMAS")
    applied: list[str] = []
    con = warehouse.connect(db, on_migrate=applied.extend)
    assert applied == ["003_notices_progress.sql", "004_versions_groups.sql", "005_load_ids.sql",
                       "006_source_url.sql", "002_views.sql"]
    assert con.execute("SELECT title, notice_id, run_id, source_url FROM documents").fetchall() == [
        ("旧通知", None, None, None)]
    assert con.execute("SELECT count(*) FROM tasks_flat").fetchone() == (0,)
    con.close()


def test_a_changed_table_file_asks_for_a_rebuild(tmp_path, monkeypatch):
    schemas = tmp_path / "schemas"
    shutil.copytree(ROOT / "schemas", schemas)
    monkeypatch.setenv("MINSHENG_SCHEMAS", str(schemas))
    db = tmp_path / "x.duckdb"
    warehouse.connect(db).close()
    core = schemas / "001_core.sql"
    core.write_text(core.read_text(encoding="utf-8") + "\n-- edited\n", encoding="utf-8")
    with pytest.raises(SchemaError, match="run `etl rebuild`"):
        warehouse.connect(db)


# --- status and export -----------------------------------------------------------------

def test_status_summarises_the_warehouse(sample_warehouse):
    out = subprocess.run(ETL + ["status", "--db", str(sample_warehouse)], capture_output=True, text=True,
                         cwd=ROOT, env={**os.environ, "COLUMNS": "200"})
    assert out.returncode == 0, out.stderr
    assert re.search(r"5 notices in 14 documents, 227 tasks", out.stdout)
    assert "recent runs" in out.stdout and "ingest" in out.stdout


@pytest.mark.parametrize("fmt", ["csv", "parquet", "xlsx"])
def test_export(sample_warehouse, tmp_path, fmt):
    target = tmp_path / f"tasks.{fmt}"
    out = subprocess.run(ETL + ["export", "tasks_flat", "--output", str(target), "--db", str(sample_warehouse)],
                         capture_output=True, text=True, cwd=ROOT)
    assert out.returncode == 0, out.stderr
    assert "wrote 227 rows" in out.stdout
    if fmt == "csv":
        text = target.read_text(encoding="utf-8-sig")
        assert text.startswith("task_id,notice_id,title") and "区民政局" in text
    elif fmt == "parquet":
        assert duckdb.sql(f"SELECT count(*) FROM '{target}'").fetchall() == [(227,)]
    else:
        from openpyxl import load_workbook
        ws = load_workbook(target).active
        assert ws.max_row == 228 and ws["C1"].value == "title"


def test_export_names_an_unknown_view(sample_warehouse, tmp_path):
    out = subprocess.run(ETL + ["export", "nope", "-o", str(tmp_path / "x.csv"), "--db", str(sample_warehouse)],
                         capture_output=True, text=True, cwd=ROOT)
    assert out.returncode == 2 and "no table or view 'nope'" in out.stderr and "tasks_flat" in out.stderr


# --- the README's examples -------------------------------------------------------------

def readme_examples() -> list[tuple[str, str]]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    examples = []
    for block in re.findall(r"```sh\n(.*?)```", text, flags=re.DOTALL):
        if block.startswith("$ etl query"):
            command, _, output = block.partition("\n")
            examples.append((command[2:], output))
    return examples


def test_readme_has_examples():
    assert len(readme_examples()) >= 7


@pytest.mark.parametrize("command, expected", readme_examples())
def test_readme_examples_run_as_printed(sample_warehouse, command, expected):
    import shlex

    args = shlex.split(command)[1:]
    out = subprocess.run(ETL + args + ["--db", str(sample_warehouse)], capture_output=True, text=True, cwd=ROOT)
    assert out.returncode == 0, out.stderr
    assert out.stdout == expected


# --- collective names -------------------------------------------------------------

@pytest.mark.parametrize("name, collective", [
    ("各单位", True), ("各部门", True), ("各街道办事处", True), ("各乡镇人民政府", True), ("相关属地", True),
    ("区有关部门", True), ("全市各相关单位", True), ("县政府有关部门", True), ("区食安委成员单位", True),
    ("区民政局", False), ("市场监管局", False), ("区委宣传部", False), ("各", True), ("属地街道", True),
])
def test_collective_names_by_the_word_list(name, collective):
    from minsheng_etl import profiles
    assert bool(profiles.load().body_collective.search(name)) is collective


def test_collective_names_are_flagged_in_rankings_not_dropped(sample_warehouse):
    got = dict(rows(sample_warehouse, """SELECT body, bool_or(collective) FROM tasks_by_body
                                         WHERE body IN ('各单位', '各部门', '相关属地', '区民政局') GROUP BY body"""))
    assert got == {"各单位": True, "各部门": True, "相关属地": True, "区民政局": False}
    # a ranking of single bodies leaves the groups out
    top = rows(sample_warehouse, """SELECT body FROM tasks_by_body WHERE NOT collective
                                    GROUP BY body ORDER BY sum(tasks) DESC LIMIT 10""")
    assert not {b for (b,) in top} & {"各单位", "各部门", "相关属地"}
