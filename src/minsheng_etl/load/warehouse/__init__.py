"""The DuckDB warehouse file: schema from schemas/*.sql, writers, runs and rejects.

Writers never open the warehouse in place. `writer()` takes the writer lock
(<db>.lock; a second writer waits up to --wait, then is told who holds it), works
on a copy, and moves the copy over the warehouse in one atomic rename when it is
done. So readers (`etl query`) keep reading the last complete state while an
ingest or rebuild runs, and a writer killed mid-way leaves the warehouse as it was.
"""
from __future__ import annotations

import datetime as dt
import fcntl
import glob
import hashlib
import os
import re
import shutil
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import duckdb

from ...errors import DiskFull, SchemaError, WarehouseBusy, WarehouseDamaged, is_disk_full
from ...profiles import schemas_dir

DEFAULT_DB = Path("data/curated/minsheng.duckdb")
_LOCKED = re.compile(r"\block\b", re.IGNORECASE)
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


def damaged(db_path: Path, exc: BaseException) -> WarehouseDamaged:
    """The one line every command prints for a warehouse it cannot read."""
    reason = " ".join(str(exc).split())[:200]
    damage = WarehouseDamaged(f"the warehouse {db_path} is damaged ({reason}): `etl rebuild` restores it from the "
                              f"raw store")
    damage.reason = reason
    return damage


def verify(con, db_path: Path) -> None:
    """Read every block of every table, so a truncated or garbled file is found now
    (DuckDB opens a truncated file and fails only on the block that is missing).
    One aggregate per column: a full scan, which DuckDB does at memory speed."""
    try:
        tables = [t for (t,) in con.execute("SELECT table_name FROM duckdb_tables() WHERE database_name = "
                                            "current_database() AND schema_name = 'main'").fetchall()]
        for table in tables:
            con.execute(f'SELECT count(*), max(hash(COLUMNS(*))) FROM "{table}"').fetchall()
    except duckdb.Error as exc:
        raise damaged(db_path, exc) from exc


def connect(db_path: Path | str, *, read_only: bool = False, wait: float = 0.0, sandbox: bool = False,
            memory_limit: str | None = None, on_migrate=None) -> duckdb.DuckDBPyConnection:
    """Open the warehouse; a lock held by another writer is waited for up to `wait`
    seconds, then reported as WarehouseBusy naming the holder. A sandboxed
    connection can reach no file but the warehouse (no read_csv, COPY, ATTACH or
    extension downloads), and cannot lift that itself. memory_limit caps DuckDB's
    memory (a reader's query spills or fails instead of taking the machine)."""
    db_path = Path(db_path)
    if read_only and not db_path.exists():
        raise FileNotFoundError(f"no warehouse at {db_path}: run `etl ingest` first")
    db_path.parent.mkdir(parents=True, exist_ok=True)
    deadline = time.monotonic() + max(wait, 0.0)
    while True:
        try:
            config = {"enable_external_access": False} if sandbox else {}
            if memory_limit:
                config["memory_limit"] = memory_limit
            if sandbox:
                config["lock_configuration"] = True
            con = duckdb.connect(str(db_path), read_only=read_only, config=config)
            break
        except duckdb.Error as exc:
            if is_disk_full(exc):
                raise DiskFull(f"no space left on the disk of {db_path}") from exc
            if not _LOCKED.search(str(exc)):  # (not "block", which a checksum error names)
                if db_path.exists():  # it exists but DuckDB cannot open it: truncated, garbled, not DuckDB
                    raise damaged(db_path, exc) from exc
                raise
            if time.monotonic() >= deadline:
                raise WarehouseBusy(
                    f"the warehouse {db_path} is in use by {_lock_holder(str(exc))} (an ingest or rebuild); "
                    f"try again when it finishes, or pass --wait SECONDS") from exc
            time.sleep(0.5)
    if not read_only:
        applied = migrate(con)
        if applied and on_migrate:
            on_migrate(applied)
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
    # table files in order, then view files: views may use columns a later table file adds
    ordered = sorted(_schema_files(), key=lambda f: ("view" in f[1], f[0]))
    for version, name, path in ordered:
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


# --- writers ------------------------------------------------------------------

def _lock_path(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + ".lock")


@contextmanager
def writer_lock(db_path: Path, *, wait: float = 0.0, command: str = "etl") -> Iterator[None]:
    """One writer at a time per warehouse. The lock file names the holder."""
    db_path.parent.mkdir(parents=True, exist_ok=True)
    fh = open(_lock_path(db_path), "a+", encoding="utf-8")
    deadline = time.monotonic() + max(wait, 0.0)
    try:
        while True:
            try:
                fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    fh.seek(0)
                    holder = fh.read().strip() or "another process"
                    raise WarehouseBusy(
                        f"the warehouse {db_path} is being written by {holder}; it stays readable meanwhile "
                        f"(etl query). Try again when it finishes, or pass --wait SECONDS") from None
                time.sleep(0.2)
        fh.seek(0)
        fh.truncate()
        fh.write(f"process {os.getpid()} ({command}, since {dt.datetime.now():%Y-%m-%d %H:%M:%S})")
        fh.flush()
        yield
    finally:
        fh.close()  # closing releases the lock


def _scratch_path(db_path: Path) -> Path:
    return db_path.with_name(f"{db_path.name}.{os.getpid()}.tmp")


def _remove_scratch(db_path: Path) -> None:
    """Copies left by a writer that was killed (we hold the lock: none is live)."""
    for leftover in db_path.parent.glob(f"{glob.escape(db_path.name)}.*.tmp*"):
        leftover.unlink(missing_ok=True)


def health(db_path: Path) -> WarehouseDamaged | None:
    """None when the warehouse is absent or whole; the damage otherwise (caller holds the lock)."""
    if not db_path.exists():
        return None
    try:
        con = duckdb.connect(str(db_path), read_only=True)
    except duckdb.Error as exc:
        return damaged(db_path, exc)
    try:
        verify(con, db_path)
    except WarehouseDamaged as exc:
        return exc
    finally:
        con.close()
    return None


def set_aside(db_path: Path) -> Path:
    """Keep a damaged warehouse under another name before a rebuild replaces it: a
    hard link, so the warehouse stays in place until the new one is renamed over it."""
    aside = db_path.with_name(f"{db_path.name}.damaged-{dt.datetime.now():%Y%m%d-%H%M%S}")
    try:
        os.link(db_path, aside)
    except OSError:  # a file system without hard links: a copy
        shutil.copyfile(db_path, aside)
    return aside


def publish(scratch: Path, db_path: Path) -> None:
    """Move a finished copy over the warehouse: atomic on POSIX, durable after fsync."""
    with open(scratch, "rb") as fh:
        os.fsync(fh.fileno())
    os.replace(scratch, db_path)
    dir_fd = os.open(db_path.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


WRITER_MEMORY = "256MB"


@contextmanager
def writer(db_path: Path | str, *, wait: float = 0.0, fresh: bool = False, command: str = "etl",
           on_migrate=None) -> Iterator[duckdb.DuckDBPyConnection]:
    """A connection to a copy of the warehouse (an empty one when `fresh`), published
    over it when the block ends without error, thrown away otherwise."""
    db_path = Path(db_path)
    with writer_lock(db_path, wait=wait, command=command):
        _remove_scratch(db_path)
        scratch = _scratch_path(db_path)
        con = None
        try:  # whatever fails from here on (a full disk mid-copy included), the scratch copy goes
            if db_path.exists() and not fresh:
                problem = health(db_path)  # an ingest cannot add to what it cannot read
                if problem:
                    raise problem
                shutil.copyfile(db_path, scratch)
            try:
                con = connect(scratch, on_migrate=on_migrate)
            except WarehouseDamaged as exc:  # the copy is the warehouse: name the warehouse
                raise WarehouseDamaged(str(exc).replace(str(scratch), str(db_path))) from exc
            # DuckDB's buffer pool would otherwise grow toward 80% of RAM with the warehouse;
            # a writer's statements are batch inserts and per-region reads, which fit well in this
            con.execute(f"SET memory_limit = '{WRITER_MEMORY}'")
            yield con
            con.execute("CHECKPOINT")
            con.close()
            con = None
            publish(scratch, db_path)
        except BaseException as exc:
            if con is not None:
                try:
                    con.close()
                except duckdb.Error:
                    pass
            _remove_scratch(db_path)
            if is_disk_full(exc) and not isinstance(exc, DiskFull):
                raise DiskFull(f"no space left on the disk of {db_path} (writing its working copy)") from exc
            raise
