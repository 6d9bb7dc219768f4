"""The DuckDB warehouse: schema from schemas/*.sql, one transaction per file,
idempotent by content hash, a run log and a rejects table.

DuckDB lets one process write a file at a time; a second writer gets a lock
error, which we turn into a clear message (and wait for, when asked).
"""
from __future__ import annotations

import datetime as dt
import hashlib
import re
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import duckdb

from .errors import SchemaError, WarehouseBusy
from .models import Notice
from .profiles import schemas_dir

DEFAULT_DB = Path("data/curated/minsheng.duckdb")
_SCHEMA_FILE = re.compile(r"^(\d{3})_([\w-]+)\.sql$")


def _schema_files() -> list[tuple[int, str, Path]]:
    files = []
    for path in sorted(schemas_dir().glob("*.sql")):
        m = _SCHEMA_FILE.match(path.name)
        if m:
            files.append((int(m.group(1)), m.group(2), path))
    return files


def schema_head() -> int:
    files = _schema_files()
    return files[-1][0] if files else 0


def _lock_holder(message: str) -> str:
    m = re.search(r"\(PID (\d+)\)", message)
    return f"process {m.group(1)}" if m else "another process"


def connect(db_path: Path | str, *, read_only: bool = False, wait: float = 0.0) -> duckdb.DuckDBPyConnection:
    """Open the warehouse; a lock held by another writer is waited for up to `wait`
    seconds, then reported as WarehouseBusy naming the holder."""
    db_path = Path(db_path)
    if read_only and not db_path.exists():
        raise FileNotFoundError(f"no warehouse at {db_path}: run `etl ingest` first")
    db_path.parent.mkdir(parents=True, exist_ok=True)
    deadline = time.monotonic() + max(wait, 0.0)
    while True:
        try:
            con = duckdb.connect(str(db_path), read_only=read_only)
            break
        except duckdb.IOException as exc:
            if "lock" not in str(exc).lower():
                raise
            if time.monotonic() >= deadline:
                raise WarehouseBusy(
                    f"the warehouse {db_path} is in use by {_lock_holder(str(exc))} (an ingest or rebuild); "
                    f"try again when it finishes, or pass --wait SECONDS") from exc
            time.sleep(0.5)
    if not read_only:
        migrate(con)
    return con


def migrate(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Apply schema files not yet applied; re-apply view files whose text changed.
    A changed table file means the warehouse must be rebuilt."""
    con.execute("""CREATE TABLE IF NOT EXISTS schema_version (
        version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, checksum VARCHAR NOT NULL, applied_at TIMESTAMP NOT NULL)""")
    applied = {v: (n, c) for v, n, c in con.execute("SELECT version, name, checksum FROM schema_version").fetchall()}
    known = {v for v, _, _ in _schema_files()}
    newer = sorted(set(applied) - known)
    if newer and max(newer) > max(known, default=0):
        raise SchemaError(f"this warehouse has schema version {max(newer)}, newer than this etl knows "
                           f"({max(known, default=0)}): upgrade minsheng-etl")
    done = []
    for version, name, path in _schema_files():
        sql = path.read_text(encoding="utf-8")
        checksum = hashlib.sha256(sql.encode()).hexdigest()[:16]
        if version in applied and applied[version][1] == checksum:
            continue
        if version in applied and "view" not in name:
            raise SchemaError(f"schema file {path.name} changed since this warehouse was built: run `etl rebuild`")
        with transaction(con):
            con.execute(sql)
            con.execute("INSERT OR REPLACE INTO schema_version VALUES (?, ?, ?, ?)",
                        [version, name, checksum, dt.datetime.now()])
        done.append(path.name)
    return done


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


@contextmanager
def transaction(con):
    con.execute("BEGIN TRANSACTION")
    try:
        yield con
    except BaseException:
        con.execute("ROLLBACK")
        raise
    con.execute("COMMIT")


def _delete_document(con, doc_id: str) -> None:
    con.execute("DELETE FROM task_units WHERE task_id IN (SELECT task_id FROM tasks WHERE doc_id = ?)", [doc_id])
    con.execute("DELETE FROM targets WHERE task_id IN (SELECT task_id FROM tasks WHERE doc_id = ?)", [doc_id])
    con.execute("DELETE FROM tasks WHERE doc_id = ?", [doc_id])
    con.execute("DELETE FROM documents WHERE doc_id = ?", [doc_id])


def load_notice(con, *, doc_id: str, notice: Notice, source_name: str, source_path: str | None, raw_path: str,
                fmt: str, pages: int | None, parser_version: str, canonical=lambda name: name) -> int:
    """Replace a document's rows with this notice's, inside the caller's transaction.
    Returns the number of tasks loaded."""
    _delete_document(con, doc_id)
    doc = notice.document
    con.execute("""INSERT INTO documents VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                [doc_id, source_name, source_path, raw_path, fmt, doc.title, doc.issuer, doc.doc_number, doc.region,
                 doc.published, doc.period, parser_version, pages, len(notice.tasks), dt.datetime.now()])
    task_rows, unit_rows, target_rows = [], [], []
    for task in notice.tasks:
        task_id = f"{doc_id[:16]}:{task.list}:{task.seq}"
        ref = task.ref
        task_rows.append([task_id, doc_id, task.list, task.year, task.list_kind, task.section, task.seq,
                          task.source_ref, task.content, task.deadline, task.deadline_text, task.status, task.progress,
                          ref.label if ref else None, ref.page if ref else None, ref.table if ref else None,
                          ref.row if ref else None, ref.line if ref else None])
        for role, names in (("lead", task.units), ("co", task.co_units), ("official", task.lead_officials)):
            for position, name in enumerate(names, start=1):
                unit_rows.append([task_id, role, position, name, canonical(name) if role != "official" else name])
        for position, target in enumerate(task.targets, start=1):
            target_rows.append([task_id, position, target.value, target.unit])
    if task_rows:
        con.executemany("INSERT OR REPLACE INTO tasks VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        task_rows)
    if unit_rows:
        con.executemany("INSERT INTO task_units VALUES (?, ?, ?, ?, ?)", unit_rows)
    if target_rows:
        con.executemany("INSERT INTO targets VALUES (?, ?, ?, ?)", target_rows)
    return len(task_rows)
