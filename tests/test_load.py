"""Load stage: warehouse schema, one transaction per file, idempotence, rejects."""
import pytest
from conftest import rows

from minsheng_etl.errors import WarehouseBusy
from minsheng_etl.load import rows as loader
from minsheng_etl.load import warehouse
from minsheng_etl.load.run.ingest import ingest
from minsheng_etl.load.run.rebuild import rebuild

GOOD = ("2024年区民生实事项目\n序号\t任务内容\t主责单位\t协办单位\t完成时限\n"
        "1\t新建3所学校。\t区教委\t\t2024年12月31日\n2\t新增床位200张。\t区民政局\t各街道办事处\t2024年12月底\n")


@pytest.fixture
def paths(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    (src / "good.txt").write_text(GOOD, encoding="utf-8")
    (src / "empty.txt").write_text("", encoding="utf-8")
    (src / "notes.txt").write_text("这里没有任务。\n只是一些说明文字。\n", encoding="utf-8")
    (src / "scan.pdf").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 64)  # a suffix that lies about an image
    return src, tmp_path / "w.duckdb", tmp_path / "raw"


def test_ingest_loads_good_files_and_lists_failures(paths):
    src, db, raw = paths
    summary = ingest([src], db_path=db, raw_root=raw)
    assert summary.count("loaded") == 1 and summary.failed == 3
    assert rows(db, "SELECT count(*) FROM tasks") == [(2,)]
    assert rows(db, "SELECT name, canonical_name FROM task_units WHERE role='lead' ORDER BY task_id, position") == [
        ("区教委", "区教育委员会"), ("区民政局", "区民政局")]
    assert rows(db, "SELECT name FROM task_units WHERE role='co'") == [("各街道办事处",)]
    assert rows(db, "SELECT value, unit FROM targets ORDER BY task_id") == [(3.0, "所"), (200.0, "张")]
    rejects = dict(rows(db, "SELECT source_name, stage || ': ' || reason FROM rejects"))
    assert rejects["empty.txt"].startswith("read: the file is empty")
    assert rejects["notes.txt"].startswith("extract: no numbered task list")
    assert "PNG image" in rejects["scan.pdf"]
    # every file, failed or not, is kept in the raw store
    assert len(list((raw / "objects").rglob("*.*"))) == 4


def test_reingest_of_the_same_file_changes_nothing(paths):
    src, db, raw = paths
    ingest([src / "good.txt"], db_path=db, raw_root=raw)
    before = rows(db, "SELECT task_id, content FROM tasks ORDER BY 1")
    again = ingest([src / "good.txt"], db_path=db, raw_root=raw)
    assert again.count("unchanged") == 1 and again.count("loaded") == 0
    assert rows(db, "SELECT task_id, content FROM tasks ORDER BY 1") == before
    assert rows(db, "SELECT count(*) FROM documents") == [(1,)]
    assert rows(db, "SELECT loaded, unchanged FROM ingest_runs ORDER BY started_at") == [(1, 0), (0, 1)]


def test_each_document_and_task_carries_the_run_that_loaded_it(paths):
    src, db, raw = paths
    first = ingest([src / "good.txt"], db_path=db, raw_root=raw)
    (src / "more.txt").write_text(GOOD.replace("2024年", "2025年"), encoding="utf-8")
    second = ingest([src / "good.txt", src / "more.txt"], db_path=db, raw_root=raw)  # good.txt: unchanged
    assert first.run_id != second.run_id
    expected = [("good.txt", first.run_id), ("more.txt", second.run_id)]
    assert rows(db, "SELECT DISTINCT source_name, t.run_id FROM tasks t JOIN documents USING (doc_id) ORDER BY 1") \
        == expected
    assert rows(db, "SELECT source_name, run_id FROM documents ORDER BY 1") == expected
    assert rows(db, "SELECT count(*) FROM documents d JOIN ingest_runs r USING (run_id)") == [(2,)]
    again = rebuild(db_path=db, raw_root=raw)  # every row loaded again, by the rebuild's run
    assert rows(db, "SELECT DISTINCT run_id FROM tasks") == [(again.summary.run_id,)]


def test_a_failing_load_rolls_back_that_file_only(paths, monkeypatch):
    src, db, raw = paths
    ingest([src / "good.txt"], db_path=db, raw_root=raw)
    (src / "other.txt").write_text(GOOD.replace("区教委", "区体育局"), encoding="utf-8")

    real = loader.write_batch

    def broken(con, batch, index):
        real(con, batch, index)
        raise RuntimeError("disk full")

    monkeypatch.setattr(loader, "write_batch", broken)
    summary = ingest([src / "other.txt"], db_path=db, raw_root=raw)
    assert summary.failed == 1 and summary.outcomes[0].stage == "load"
    assert rows(db, "SELECT count(*) FROM documents") == [(1,)]  # nothing half written
    assert rows(db, "SELECT count(*) FROM tasks") == [(2,)]
    assert rows(db, "SELECT stage, reason FROM rejects") == [("load", "RuntimeError: disk full")]


def test_schema_versions_are_recorded_and_views_exist(tmp_path):
    con = warehouse.connect(tmp_path / "x.duckdb")
    versions = [v for (v,) in con.execute("SELECT version FROM schema_version ORDER BY 1").fetchall()]
    assert versions[-1] == warehouse.schema_head()
    assert con.execute("SELECT count(*) FROM tasks_flat").fetchone() == (0,)
    con.close()


def test_second_writer_gets_a_clear_busy_error(tmp_path):
    import subprocess
    import sys
    import textwrap

    db = tmp_path / "busy.duckdb"
    warehouse.connect(db).close()
    holder = subprocess.Popen([sys.executable, "-c", textwrap.dedent(f"""
        import duckdb, sys, time
        con = duckdb.connect({str(db)!r})
        print("locked", flush=True)
        time.sleep(30)
    """)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        with pytest.raises(WarehouseBusy, match=r"in use by process \d+"):
            warehouse.connect(db, wait=0.5)
    finally:
        holder.kill()
        holder.wait()
