"""`etl query` only reads: every writing statement form is refused before it runs,
on a real warehouse whose bytes must not change; a runaway query is stopped."""
from __future__ import annotations

import hashlib
import shutil

import pytest
from typer.testing import CliRunner

from minsheng_etl.cli import app
from minsheng_etl.sql_guard import NotReadOnly, check_read_only

READS = [
    "SELECT count(*) FROM tasks",
    "WITH t AS (SELECT 1 AS a) SELECT * FROM t",
    "FROM tasks LIMIT 1",
    "VALUES (1), (2)",
    "DESCRIBE tasks",
    "SHOW TABLES",
    "SUMMARIZE SELECT 1 AS a",
    "EXPLAIN SELECT * FROM tasks",
    "EXPLAIN ANALYZE SELECT count(*) FROM tasks",
    "PRAGMA table_info('tasks')",
    "PRAGMA show_tables",
    "PRAGMA database_size",
    "SELECT 1; SELECT 2",
]


def _writes(db) -> list[str]:
    """Every way a statement can write: the warehouse file and its .wal first."""
    return [
        f"COPY (SELECT 'x') TO '{db}' (HEADER false, USE_TMP_FILE false)",
        f"COPY (SELECT 'x') TO '{db}.wal' (HEADER false)",
        f"EXPLAIN ANALYZE COPY (SELECT 'x') TO '{db}' (HEADER false, USE_TMP_FILE false)",
        f"EXPLAIN ANALYZE COPY (SELECT 'x') TO '{db}.wal' (HEADER false)",
        "EXPLAIN ANALYZE DELETE FROM tasks",
        f"SELECT 1; COPY (SELECT 'x') TO '{db}' (HEADER false)",
        "INSERT INTO notices SELECT * FROM notices",
        "UPDATE tasks SET content = 'x'",
        "DELETE FROM tasks",
        "TRUNCATE tasks",
        "MERGE INTO tasks USING tasks AS s ON false WHEN NOT MATCHED THEN INSERT DEFAULT VALUES",
        "CREATE TABLE t AS SELECT 1",
        "CREATE OR REPLACE VIEW tasks_flat AS SELECT 1",
        "CREATE MACRO m(a) AS a",
        "DROP VIEW tasks_flat",
        "ALTER TABLE tasks ADD COLUMN x INT",
        "COMMENT ON TABLE tasks IS 'x'",
        f"ATTACH '{db}.other' AS o",
        "DETACH m",
        "USE memory",
        "SET memory_limit = '100TB'",
        "RESET memory_limit",
        "PRAGMA enable_profiling",
        f"PRAGMA import_database('{db.parent}')",
        f"IMPORT DATABASE '{db.parent}'",
        f"EXPORT DATABASE '{db.parent / 'exp'}'",
        "CHECKPOINT",
        "FORCE CHECKPOINT",
        "VACUUM",
        "CALL pragma_version()",
        "INSTALL httpfs",
        "LOAD httpfs",
        "BEGIN TRANSACTION",
        "PREPARE p AS SELECT 1",
        "EXECUTE p",
        "UPDATE EXTENSIONS",
        "CREATE SECRET (TYPE s3, KEY_ID 'x', SECRET 'y')",
    ]


def test_reading_statements_pass():
    for sql in READS:
        check_read_only(sql)


def test_every_writing_form_is_refused_on_the_parsed_statement(tmp_path):
    db = tmp_path / "w.duckdb"
    for sql in _writes(db):
        with pytest.raises(NotReadOnly):
            check_read_only(sql, db)


def test_allow_files_lets_copy_out_but_never_onto_the_warehouse(tmp_path):
    db = tmp_path / "w.duckdb"
    check_read_only(f"COPY (SELECT 1) TO '{tmp_path / 'out.csv'}'", db, allow_files=True)
    for target in (db, f"{db}.wal", f"{db}.wal.recovery", tmp_path, tmp_path.parent):
        with pytest.raises(NotReadOnly, match="warehouse"):
            check_read_only(f"COPY (SELECT 1) TO '{target}' (FORMAT parquet, PARTITION_BY (a), OVERWRITE)",
                            db, allow_files=True)
    with pytest.raises(NotReadOnly):
        check_read_only("DELETE FROM tasks", db, allow_files=True)


@pytest.fixture()
def warehouse_copy(sample_warehouse, tmp_path):
    db = tmp_path / "m.duckdb"
    shutil.copy(sample_warehouse, db)
    return db


def _digest(folder) -> dict:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir()) if p.is_file()}


def test_cli_refuses_every_writing_form_and_the_warehouse_keeps_its_bytes(warehouse_copy, monkeypatch):
    db = warehouse_copy
    monkeypatch.chdir(db.parent)
    runner = CliRunner()
    before = _digest(db.parent)
    for sql in _writes(db):
        for extra in ([], ["--allow-files"]):
            result = runner.invoke(app, ["query", sql, "--db", str(db), *extra])
            assert result.exit_code == 2, (sql, extra, result.output)
            assert "refused" in result.output and "Traceback" not in result.output, (sql, result.output)
            assert _digest(db.parent) == before, sql
    for sql in READS:
        result = runner.invoke(app, ["query", sql, "--db", str(db), "--format", "csv"])
        assert result.exit_code == 0, (sql, result.output)
    assert _digest(db.parent) == before


def test_a_query_over_its_time_limit_is_stopped(warehouse_copy):
    result = CliRunner().invoke(app, ["query", "SELECT count(*) FROM range(100000000000) a, range(1000) b",
                                      "--db", str(warehouse_copy), "--timeout", "1"])
    assert result.exit_code == 2 and "stopped after 1 s" in result.output
    bad = CliRunner().invoke(app, ["query", "SELECT 1", "--db", str(warehouse_copy), "--timeout", "-1"])
    assert bad.exit_code == 2 and "--timeout" in bad.output


def test_a_query_over_its_memory_limit_fails_with_a_hint(warehouse_copy):
    result = CliRunner().invoke(app, ["query", "SELECT list(range) FROM range(30000000)",
                                      "--db", str(warehouse_copy), "--memory-limit", "64MB"])
    assert result.exit_code == 2 and "memory" in result.output.lower()
