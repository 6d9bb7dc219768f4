"""The parse cache and the parallel path: correctness, not speed (speed is `make bench`)."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, SAMPLES, rows

from minsheng_etl import pipeline, profiles
from minsheng_etl.load.run.ingest import ingest
from minsheng_etl.load.store import RawStore
from minsheng_etl.load.store import ParseCache
from minsheng_etl.pipeline import parse_record
from minsheng_etl.load.run.rebuild import rebuild

ETL = [str(Path(sys.executable).parent / "etl")]
TABLES = {  # every loaded row, without run times and ids
    "documents": "SELECT doc_id, source_name, format, title, region, published, period, pages, task_count, notice_id "
                 "FROM documents ORDER BY doc_id",
    "tasks": "SELECT * EXCLUDE (doc_id, run_id) FROM tasks ORDER BY task_id",
    "task_units": "SELECT * FROM task_units ORDER BY ALL",
    "targets": "SELECT * FROM targets ORDER BY ALL",
    "achievements": "SELECT * FROM achievements ORDER BY ALL",
    "task_chains": "SELECT * FROM task_chains ORDER BY ALL",
    "task_links": "SELECT * FROM task_links ORDER BY ALL",
    "notices": "SELECT notice_id, title, region, period, doc_number FROM notices ORDER BY ALL",
    "rejects": "SELECT source_name, stage, record_ref, field, reason FROM rejects ORDER BY ALL",
}


def snapshot(db: Path) -> dict:
    return {name: rows(db, sql) for name, sql in TABLES.items()}


@pytest.fixture
def inputs(tmp_path) -> Path:
    """The bundled samples plus a file that fails, so both paths are compared."""
    src = tmp_path / "in"
    shutil.copytree(SAMPLES, src)
    (src / "empty.txt").write_bytes(b"")
    return src


def test_parallel_parsing_loads_exactly_what_serial_parsing_loads(inputs, tmp_path):
    serial = ingest([inputs], db_path=tmp_path / "s.duckdb", raw_root=tmp_path / "raw-s", workers=0)
    parallel = ingest([inputs], db_path=tmp_path / "p.duckdb", raw_root=tmp_path / "raw-p", workers=2)
    assert [(o.path.name, o.status, o.tasks) for o in serial.outcomes] == \
           [(o.path.name, o.status, o.tasks) for o in parallel.outcomes]
    assert serial.failed == parallel.failed == 1 and serial.tasks == parallel.tasks == 666
    assert snapshot(tmp_path / "s.duckdb") == snapshot(tmp_path / "p.duckdb")


def test_a_rebuild_with_nothing_changed_parses_nothing_and_changes_nothing(inputs, tmp_path):
    db, raw = tmp_path / "m.duckdb", tmp_path / "raw"
    first = ingest([inputs], db_path=db, raw_root=raw)
    assert first.to_json()["parsed"] == 14 and first.to_json()["from_cache"] == 0
    before = snapshot(db)
    result = rebuild(db_path=db, raw_root=raw)
    data = result.summary.to_json()
    assert data["parsed"] == 0 and data["from_cache"] == 15  # the failed file failed from the cache too
    assert result.diff.unchanged and snapshot(db) == before


def test_the_cache_is_keyed_by_content_and_parser_version(tmp_path):
    cache = ParseCache(tmp_path / "parsed")
    data = (SAMPLES / "daxing-2024-q1-progress.txt").read_bytes()
    record = parse_record(data, "q1.txt")
    cache.put(record)
    assert cache.get(record.sha256, record.parser_version) == record
    assert cache.get(record.sha256, record.parser_version + "x") is None  # another parser version: a miss
    assert cache.get("0" * 64, record.parser_version) is None
    cache.path_for(record.sha256).write_bytes(b"torn")  # a torn entry is a miss, not an error
    assert cache.get(record.sha256, record.parser_version) is None


@pytest.fixture
def edited_parsers(tmp_path, monkeypatch):
    """A copy of parsers/ in use (MINSHENG_PARSERS), for the test to edit; the
    process's cached profiles are dropped on the way in and out."""
    from minsheng_etl.load.derive import canonical

    edited = tmp_path / "parsers"
    shutil.copytree(profiles.parsers_dir(), edited)
    caches = (profiles.fingerprint, profiles.load, canonical.load)

    def edit(name: str, text: str) -> None:
        with open(edited / name, "a", encoding="utf-8") as fh:
            fh.write(text)
        for cached in caches:
            cached.cache_clear()

    monkeypatch.setenv("MINSHENG_PARSERS", str(edited))
    yield edit
    monkeypatch.delenv("MINSHENG_PARSERS")
    for cached in caches:
        cached.cache_clear()


def test_editing_a_profile_changes_the_version_and_reparses(inputs, tmp_path, edited_parsers):
    db, raw = tmp_path / "m.duckdb", tmp_path / "raw"
    ingest([inputs], db_path=db, raw_root=raw)
    old = pipeline.parser_version()
    edited_parsers("columns.toml", "\n# a new synonym would go here\n")
    assert pipeline.parser_version() != old
    result = rebuild(db_path=db, raw_root=raw)
    assert result.summary.to_json()["parsed"] == 14
    again = ingest([inputs], db_path=db, raw_root=raw)  # loaded by this version now: hash lookups
    assert again.count("unchanged") == 14 or again.count("unchanged") + again.failed == 15


def test_editing_the_alias_table_reparses_nothing(inputs, tmp_path, edited_parsers):
    db, raw = tmp_path / "m.duckdb", tmp_path / "raw"
    ingest([inputs], db_path=db, raw_root=raw)
    old = pipeline.parser_version()
    edited_parsers("body_aliases.toml", '\n[[body]]\ncanonical = "区新机构"\naliases = ["区民政局"]\n')
    assert pipeline.parser_version() == old
    result = rebuild(db_path=db, raw_root=raw)
    assert result.summary.to_json()["parsed"] == 0
    assert rows(db, "SELECT DISTINCT canonical_name FROM task_units WHERE name = '区民政局'") == [("区新机构",)]


def test_after_an_alias_edit_the_next_ingest_renames_the_rows_it_did_not_load(inputs, tmp_path, edited_parsers):
    """Rows are written resolved; an edit of the alias table reaches the rows already
    in the warehouse at the next run, whatever it loads (here: nothing)."""
    db, raw = tmp_path / "m.duckdb", tmp_path / "raw"
    ingest([inputs], db_path=db, raw_root=raw)
    chains = rows(db, "SELECT count(*) FROM task_chains")
    edited_parsers("body_aliases.toml", '\n[[body]]\ncanonical = "区新机构"\naliases = ["区民政局"]\n')
    again = ingest([inputs], db_path=db, raw_root=raw)
    assert again.count("loaded") == 0 and again.count("unchanged") == 14
    assert rows(db, "SELECT DISTINCT canonical_name, known FROM task_units WHERE name = '区民政局'") == [
        ("区新机构", True)]
    assert rows(db, "SELECT count(*) FROM task_chains") == chains  # links derived again, all of them


def test_changing_the_parse_code_changes_the_version(monkeypatch):
    old = pipeline.parser_version()
    pipeline._code_fingerprint.cache_clear()
    real = Path.read_bytes

    def edited(self):
        data = real(self)
        return data + b"\n# edited" if self.name == "repair.py" else data

    monkeypatch.setattr(Path, "read_bytes", edited)
    try:
        assert pipeline.parser_version() != old
    finally:
        monkeypatch.undo()
        pipeline._code_fingerprint.cache_clear()
    assert pipeline.parser_version() == old


def test_a_limit_failure_is_not_cached_but_a_lasting_failure_is(tmp_path):
    store = RawStore(tmp_path / "raw")
    (tmp_path / "empty.txt").write_bytes(b"")
    ingest([tmp_path / "empty.txt"], db_path=tmp_path / "m.duckdb", raw_root=store.root)
    sha = next(store.root.glob("objects/*/*")).stem
    cached = store.parse_cache.get(sha, pipeline.parser_version())
    assert cached is not None and cached.error.stage == "read"


# --- what a run prints ---------------------------------------------------------------

def test_ingest_summary_lists_counts_rejects_and_warnings(inputs, tmp_path):
    proc = subprocess.run(ETL + ["ingest", str(inputs), "--db", str(tmp_path / "m.duckdb"), "--raw",
                                 str(tmp_path / "raw")], capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 1
    out = proc.stdout
    assert "15 files" in out and "14 loaded (666 tasks)" in out and "1 failed" in out
    assert "rejected  empty.txt: read: the file is empty" in out
    assert "warning   41 unknown body names:" in out and "etl units --unknown" in out
    assert "tasks with no deadline" in out
    # not a terminal: no progress bar, no per-file lines; the failure is one line on stderr
    assert "━" not in proc.stderr and proc.stderr.count("\n") == 1 and proc.stderr.startswith("failed")


def test_quiet_and_json_modes(inputs, tmp_path):
    db, raw = tmp_path / "m.duckdb", tmp_path / "raw"
    proc = subprocess.run(ETL + ["ingest", str(inputs), "--db", str(db), "--raw", str(raw), "--json"],
                          capture_output=True, text=True, cwd=ROOT)
    data = json.loads(proc.stdout)  # stdout is the JSON and nothing else
    assert proc.returncode == 1 and proc.stderr == ""
    assert (data["files"], data["loaded"], data["failed"], data["tasks"]) == (15, 14, 1, 666)
    assert data["warnings"]["unknown body names"]["count"] == 41
    failed = [o for o in data["outcomes"] if o["status"] == "failed"]
    assert failed == [dict(failed[0], stage="read", reason="the file is empty")]
    proc = subprocess.run(ETL + ["ingest", str(inputs), "--db", str(db), "--raw", str(raw), "--quiet"],
                          capture_output=True, text=True, cwd=ROOT)
    assert "14 unchanged (already loaded, nothing changed)" in proc.stdout
    proc = subprocess.run(ETL + ["rebuild", "--db", str(db), "--raw", str(raw), "--json"],
                          capture_output=True, text=True, cwd=ROOT)
    data = json.loads(proc.stdout)
    assert (data["added"], data["removed"], data["changed"], data["from_cache"]) == (0, 0, 0, 15)


def test_a_terminal_gets_a_progress_bar(inputs, tmp_path):
    """Under a pseudo-terminal the run draws its bar (files, tasks, elapsed) on stderr."""
    import pty

    master, slave = pty.openpty()
    proc = subprocess.Popen(ETL + ["ingest", str(inputs), "--db", str(tmp_path / "m.duckdb"), "--raw",
                                   str(tmp_path / "raw")], stdout=subprocess.PIPE, stderr=slave, cwd=ROOT,
                            env={**os.environ, "COLUMNS": "120", "TERM": "xterm"})
    os.close(slave)
    drawn = b""
    while True:
        try:
            chunk = os.read(master, 4096)
        except OSError:
            break
        if not chunk:
            break
        drawn += chunk
    proc.wait()
    os.close(master)
    text = drawn.decode(errors="ignore")
    assert "ingest" in text and "/15" in text and "tasks" in text


def test_links_are_derived_region_by_region_and_the_same_as_all_at_once(sample_warehouse, tmp_path):
    from minsheng_etl.load import warehouse
    from minsheng_etl.load.derive import refresh as derive

    db = tmp_path / "m.duckdb"
    shutil.copy(sample_warehouse, db)
    before = {name: rows(db, TABLES[name]) for name in ("task_chains", "task_links")}
    with warehouse.writer(db) as con:
        blocks = list(derive._tasks_by_region(con, None, chunk=7))  # chunk edges inside regions
        regions = [b[0].region for b in blocks]
        assert len(regions) == len(set(regions)) and all({t.region for t in b} == {b[0].region} for b in blocks)
        assert sum(len(b) for b in blocks) == con.execute("SELECT count(*) FROM primary_tasks").fetchone()[0]
        derive.refresh_links(con, {"北京市大兴区"})  # one region again, the others kept
    assert {name: rows(db, TABLES[name]) for name in ("task_chains", "task_links")} == before


def test_ingest_force_parses_again_instead_of_taking_the_cache(inputs, tmp_path):
    db, raw = tmp_path / "m.duckdb", tmp_path / "raw"
    first = ingest([inputs], db_path=db, raw_root=raw)
    assert first.to_json()["parsed"] == 14
    again = ingest([inputs], db_path=db, raw_root=raw)
    assert again.to_json()["parsed"] == 0  # unchanged: nothing to do
    forced = ingest([inputs], db_path=db, raw_root=raw, force=True).to_json()
    assert forced["parsed"] == 14 and forced["from_cache"] == 0
