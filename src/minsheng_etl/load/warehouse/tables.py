"""Writing rows: runs, rejects, column-wise bulk inserts, transactions."""
from __future__ import annotations

import datetime as dt
import uuid
from contextlib import contextmanager
from dataclasses import dataclass


@dataclass
class Run:
    run_id: str
    command: str
    parser_version: str


def start_run(con, command: str, parser_version: str) -> Run:
    run = Run(uuid.uuid4().hex[:12], command, parser_version)
    con.execute("INSERT INTO ingest_runs (run_id, command, started_at, parser_version) VALUES (?, ?, ?, ?)",
                [run.run_id, command, dt.datetime.now(), parser_version])
    return run


def finish_run(con, run: Run, *, seen: int, loaded: int, unchanged: int, failed: int) -> None:
    con.execute("""UPDATE ingest_runs SET finished_at = ?, files_seen = ?, loaded = ?, unchanged = ?, failed = ?
                   WHERE run_id = ?""", [dt.datetime.now(), seen, loaded, unchanged, failed, run.run_id])


def loaded_version(con, doc_id: str) -> str | None:
    row = con.execute("SELECT parser_version FROM documents WHERE doc_id = ?", [doc_id]).fetchone()
    return row[0] if row else None


def record_reject(con, run: Run, *, source_name: str, source_path: str | None, raw_path: str | None,
                  sha256: str | None, stage: str, reason: str, record_ref: str | None = None,
                  field: str | None = None, value: str | None = None) -> None:
    con.execute("""INSERT INTO rejects (run_id, rejected_at, source_name, source_path, raw_path, sha256, stage, record_ref,
                   field, value, reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                [run.run_id, dt.datetime.now(), source_name, source_path, raw_path, sha256, stage, record_ref,
                 field, value, reason])


_COLUMN_TYPES: dict[str, dict[str, str]] = {}


def bulk_insert(con, table: str, columns: tuple[str, ...], rows: list[list], *, or_ignore: bool = False) -> None:
    """Insert rows column-wise: each column goes in as one typed list parameter and
    is unnested by DuckDB, one statement per table per batch. (executemany runs a
    statement per row: 20,000 task rows took 13 s that way, 0.2 s this way.)"""
    if not rows:
        return
    types = _COLUMN_TYPES.get(table)
    if types is None:  # the schema files fix the types: looked up once per process
        types = _COLUMN_TYPES[table] = dict(con.execute(
            "SELECT column_name, data_type FROM duckdb_columns() WHERE table_name = ? "
            "AND schema_name = current_schema() AND database_name = current_database()", [table]).fetchall())
    selects = ", ".join(f"unnest(${i}::{types[c]}[])" for i, c in enumerate(columns, start=1))
    verb = "INSERT OR IGNORE INTO" if or_ignore else "INSERT INTO"
    con.execute(f"{verb} {table} ({', '.join(columns)}) SELECT {selects}", [list(col) for col in zip(*rows)])


@contextmanager
def transaction(con):
    con.execute("BEGIN TRANSACTION")
    try:
        yield con
    except BaseException:
        con.execute("ROLLBACK")
        raise
    con.execute("COMMIT")
