"""Broken and hostile input (tests/hostile.py builds the files): nothing crashes,
nothing is lost, nothing gets in. Real processes, real files, real kills."""
from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import rows

sys.path.insert(0, str(Path(__file__).parent))
import hostile

ETL = [str(Path(sys.executable).parent / "etl")]


def etl(*args, env=None, timeout=600) -> subprocess.CompletedProcess:
    return subprocess.run(ETL + [str(a) for a in args], capture_output=True, text=True, timeout=timeout,
                          env={**os.environ, **(env or {})})


@pytest.fixture(scope="module")
def hostile_run(tmp_path_factory):
    """One ingest (two parser processes) of every hostile case beside good notices."""
    base = tmp_path_factory.mktemp("hostile")
    cases = hostile.build_all(base / "in")
    started = time.monotonic()
    proc = etl("ingest", base / "in", "--db", base / "m.duckdb", "--raw", base / "raw", "-j", "2", "--json")
    seconds = time.monotonic() - started
    summary = json.loads(proc.stdout)
    by_name = {Path(o["path"]).name: o for o in summary["outcomes"]}
    return base, cases, proc, summary, by_name, seconds


def test_the_run_finishes_with_status_1_and_every_file_accounted_for(hostile_run):
    base, cases, proc, summary, by_name, seconds = hostile_run
    assert proc.returncode == 1, proc.stderr
    assert set(by_name) == set(cases) | {"good.txt", "inside.txt"}  # the link loop was walked once, not forever
    assert seconds < 300


@pytest.mark.parametrize("case", hostile.CASES, ids=lambda c: c.name)
def test_each_case_is_loaded_or_rejected_with_its_reason(hostile_run, case):
    base, cases, proc, summary, by_name, seconds = hostile_run
    outcome = by_name[case.name]
    assert outcome["status"] == case.expect, outcome
    if case.expect == "failed":
        assert outcome["stage"] == case.stage, outcome
        assert all(w in outcome["reason"].lower() for w in case.words), outcome["reason"]
        reject = rows(base / "m.duckdb", "SELECT stage, reason, raw_path FROM rejects WHERE source_name = ?",
                      [case.name])
        assert reject and reject[0][0] == case.stage and reject[0][1] == outcome["reason"]
    else:
        assert outcome["tasks"] >= 2


@pytest.mark.parametrize("case", hostile.CASES, ids=lambda c: c.name)
def test_every_file_is_kept_in_the_raw_store(hostile_run, case):
    base = hostile_run[0]
    sha = hashlib.sha256((base / "in" / case.name).read_bytes()).hexdigest()
    assert list((base / "raw" / "objects" / sha[:2]).glob(f"{sha}*")), case.name


def test_each_failure_is_one_line_naming_the_file(hostile_run):
    base, cases, proc, summary, by_name, seconds = hostile_run
    failed = [c.name for c in hostile.CASES if c.expect == "failed"]
    proc = etl("ingest", base / "in", "--db", base / "again.duckdb", "--raw", base / "raw", "-j", "2")
    lines = [ln for ln in proc.stderr.splitlines() if ln.startswith("failed")]
    assert len(lines) == len(failed)
    for name in failed:
        assert sum(name in ln for ln in lines) == 1, name
    assert "Traceback" not in proc.stderr


def test_good_notices_beside_the_hostile_ones_are_loaded(hostile_run):
    base = hostile_run[0]
    loaded = dict(rows(base / "m.duckdb", "SELECT source_name, task_count FROM documents"))
    assert loaded["good.txt"] == 2 and loaded["inside.txt"] == 2
    assert loaded["民生实事 通知（第1期）.txt"] == 2 and loaded["quote\"s and 'apostrophes'.txt"] == 2
    # the wrong charset declaration did not garble the text
    assert rows(base / "m.duckdb", """SELECT count(*) FROM tasks t JOIN documents d USING (doc_id)
                                      WHERE d.source_name = 'wrong-charset.html' AND t.content LIKE '新增%床位%'""") \
        == [(2,)]
    # the XLSX: formulas read as their values, the merged title is the title, a million empty rows skipped
    assert rows(base / "m.duckdb", """SELECT d.title, list(t.seq ORDER BY t.seq) FROM tasks t JOIN documents d
                                      USING (doc_id) WHERE d.source_name LIKE 'formulas%' GROUP BY 1""") \
        == [("北京市大兴区2025年重要民生实事项目进展情况汇总表", [1, 2, 3])]


def test_no_external_entity_is_resolved(hostile_run):
    base = hostile_run[0]
    passwd = Path("/etc/passwd").read_text(errors="ignore").splitlines()[0][:10]
    assert rows(base / "m.duckdb", "SELECT count(*) FROM tasks WHERE content LIKE ?", [f"%{passwd}%"]) == [(0,)]


def test_nothing_is_written_outside_the_raw_store_and_the_warehouse(tmp_path):
    src = tmp_path / "in"
    hostile.build(next(c for c in hostile.CASES if c.name == "xxe.docx"), src)
    (src / "good.txt").write_text(hostile.good_text(), encoding="utf-8")
    before = {p for p in tmp_path.rglob("*")}
    proc = etl("ingest", src, "--db", tmp_path / "wh" / "m.duckdb", "--raw", tmp_path / "raw", "-j", "1")
    assert proc.returncode == 1
    new = {p for p in tmp_path.rglob("*")} - before
    outside = [p for p in new if not (p.is_relative_to(tmp_path / "raw") or p.is_relative_to(tmp_path / "wh"))]
    assert outside == []
    assert not list((tmp_path / "wh").glob("*.tmp")) and not list((tmp_path / "raw" / "tmp").glob("*"))


def test_limits_are_settings_and_a_limit_failure_is_retried_once_raised(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    (src / "two-pages.pdf").write_bytes(hostile.pdf_notice())
    db, raw = tmp_path / "m.duckdb", tmp_path / "raw"
    proc = etl("ingest", src, "--db", db, "--raw", raw, "--json", env={"MINSHENG_MAX_FILE_MB": "0.001"})
    outcome = json.loads(proc.stdout)["outcomes"][0]
    assert proc.returncode == 1 and outcome["stage"] == "limits" and "MINSHENG_MAX_FILE_MB" in outcome["reason"]
    proc = etl("ingest", src, "--db", db, "--raw", raw, "--json")  # default limits: not taken from the cache
    assert proc.returncode == 0 and json.loads(proc.stdout)["loaded"] == 1


def test_a_time_limit_stops_a_slow_file(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    (src / "slow.html").write_bytes(hostile.html_table(rows=20_000))
    (src / "good.txt").write_text(hostile.good_text(), encoding="utf-8")
    started = time.monotonic()
    proc = etl("ingest", src, "--db", tmp_path / "m.duckdb", "--raw", tmp_path / "raw", "--json", "-j", "1",
               env={"MINSHENG_MAX_SECONDS": "1"})
    outcomes = {Path(o["path"]).name: o for o in json.loads(proc.stdout)["outcomes"]}
    assert outcomes["slow.html"]["stage"] == "limits" and "longer than 1 s" in outcomes["slow.html"]["reason"]
    assert outcomes["good.txt"]["status"] == "loaded"
    assert time.monotonic() - started < 60


def test_bad_limit_setting_is_a_usage_error(tmp_path):
    (tmp_path / "good.txt").write_text(hostile.good_text(), encoding="utf-8")
    proc = etl("ingest", tmp_path / "good.txt", "--db", tmp_path / "m.duckdb", "--raw", tmp_path / "raw",
               env={"MINSHENG_MAX_PAGES": "lots"})
    assert proc.returncode == 2 and "MINSHENG_MAX_PAGES" in proc.stderr and "Traceback" not in proc.stderr


def test_an_unreadable_file_is_rejected(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    (src / "good.txt").write_text(hostile.good_text(), encoding="utf-8")
    fifo = src / "pipe.txt"
    os.mkfifo(fifo)  # not a regular file: opening it would block forever
    secret = src / "secret.txt"
    secret.write_text(hostile.good_text(206), encoding="utf-8")
    secret.chmod(0)
    db, raw = tmp_path / "m.duckdb", tmp_path / "raw"
    proc = etl("ingest", fifo, secret, src / "good.txt", "--db", db, "--raw", raw, "--json", timeout=60)
    outcomes = {Path(o["path"]).name: o for o in json.loads(proc.stdout)["outcomes"]}
    assert outcomes["pipe.txt"]["status"] == "failed" and "not a regular file" in outcomes["pipe.txt"]["reason"]
    if os.geteuid() != 0:  # root reads any file: chmod 000 stops only others
        assert outcomes["secret.txt"]["status"] == "failed" and "permission" in outcomes["secret.txt"]["reason"].lower()
    assert outcomes["good.txt"]["status"] == "loaded" and proc.returncode == 1


# --- etl query is read-only and sandboxed -------------------------------------------

def test_query_cannot_change_the_warehouse_or_touch_other_files(sample_warehouse, tmp_path):
    db = sample_warehouse
    before = rows(db, "SELECT count(*) FROM tasks")
    for sql in ("DELETE FROM tasks", "INSERT INTO notices SELECT * FROM notices", "DROP VIEW tasks_flat"):
        proc = etl("query", sql, "--db", db)
        assert proc.returncode == 2 and "never changes the warehouse" in proc.stderr, sql
    outside = tmp_path / "out.csv"
    for sql in ("SELECT * FROM read_csv('/etc/passwd')", f"COPY (SELECT 1) TO '{outside}'",
                f"ATTACH '{tmp_path / 'x.duckdb'}' AS x", "SET enable_external_access = true",
                "INSTALL httpfs"):
        proc = etl("query", sql, "--db", db)
        assert proc.returncode == 2 and "Traceback" not in proc.stderr, sql
    assert not outside.exists() and not (tmp_path / "x.duckdb").exists()
    assert rows(db, "SELECT count(*) FROM tasks") == before
    proc = etl("query", f"COPY (SELECT count(*) AS n FROM tasks_flat) TO '{outside}'", "--db", db, "--allow-files")
    assert proc.returncode == 0 and outside.read_text().splitlines() == ["n", "227"]


# --- crash safety: real processes, real kills ---------------------------------------

def _notices(folder: Path, n: int, start: int = 0) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(start, start + n):
        (folder / f"n{i:03d}.txt").write_text(hostile.good_text(300 + i), encoding="utf-8")


def test_kill_9_mid_ingest_leaves_the_warehouse_whole_and_a_rerun_completes_it(tmp_path):
    db, raw = tmp_path / "m.duckdb", tmp_path / "raw"
    _notices(tmp_path / "first", 2)
    assert etl("ingest", tmp_path / "first", "--db", db, "--raw", raw).returncode == 0
    before = rows(db, "SELECT doc_id, task_count FROM documents ORDER BY 1")
    _notices(tmp_path / "many", 60, start=100)
    proc = subprocess.Popen(ETL + ["ingest", str(tmp_path / "many"), "--db", str(db), "--raw", str(raw), "-j", "1"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    manifest = raw / "manifest.jsonl"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and len(manifest.read_text().splitlines()) < 2 + 10:
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGKILL)  # the ingest and its parser processes, as a power cut would
    proc.wait()
    assert rows(db, "SELECT doc_id, task_count FROM documents ORDER BY 1") == before  # whole: the old state
    again = etl("ingest", tmp_path / "many", "--db", db, "--raw", raw, "--json")
    assert again.returncode == 0, again.stderr
    assert rows(db, "SELECT count(*) FROM documents") == [(62,)]
    assert not list(tmp_path.glob("*.tmp")) and not list((raw / "tmp").glob("*.part"))


def test_two_ingests_at_once_both_finish(tmp_path):
    db, raw = tmp_path / "m.duckdb", tmp_path / "raw"
    _notices(tmp_path / "a", 15)
    _notices(tmp_path / "b", 15, start=100)
    procs = [subprocess.Popen(ETL + ["ingest", str(tmp_path / name), "--db", str(db), "--raw", str(raw),
                                     "--wait", "300", "-j", "1"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True) for name in ("a", "b")]
    results = [p.communicate(timeout=600) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], results
    assert rows(db, "SELECT count(*) FROM documents") == [(30,)]


def test_a_killed_parser_process_costs_nothing(tmp_path):
    """A worker killed mid-file (as the OOM killer would) is replaced; the file is
    parsed again alone and the run loads everything."""
    src = tmp_path / "in"
    (src).mkdir()
    (src / "a-slow.html").write_bytes(hostile.html_table(rows=3000))
    _notices(src, 5)
    proc = subprocess.Popen(ETL + ["ingest", str(src), "--db", str(tmp_path / "m.duckdb"), "--raw",
                                   str(tmp_path / "raw"), "-j", "1", "--json"], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    killed = _kill_a_worker(proc.pid)
    out, errs = proc.communicate(timeout=600)
    assert killed, "no parser process found to kill"
    summary = json.loads(out)
    assert proc.returncode == 0 and summary["loaded"] == 6, (summary, errs)


def _kill_a_worker(parent: int, wait: float = 60.0) -> bool:
    """SIGKILL the first grandchild of `parent` (fork server → worker) seen busy."""
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        for pid in _descendants(parent):
            try:
                with open(f"/proc/{pid}/stat") as fh:
                    fields = fh.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if fields[0] == "R" and _descendants(pid) == []:  # running, and no children: a worker at work
                os.kill(pid, signal.SIGKILL)
                return True
        time.sleep(0.02)
    return False


def _descendants(pid: int) -> list[int]:
    kids = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as fh:
                    ppid = int(fh.read().rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
            if ppid == pid:
                kids.append(int(entry))
    return kids + [d for k in kids for d in _descendants(k)]
