"""Opening the warehouse: waiting for a writer's lock, sandboxing readers, and
telling a damaged file from a busy one."""
from __future__ import annotations

import re
import time
from pathlib import Path

import duckdb

from ...errors import DiskFull, WarehouseBusy, WarehouseDamaged, is_disk_full
from .schema import migrate

DEFAULT_DB = Path("data/curated/minsheng.duckdb")
_LOCKED = re.compile(r"\block\b", re.IGNORECASE)


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


def open_warehouse(db_path: Path | str = DEFAULT_DB, *, sandbox: bool = False,
                   memory_limit: str | None = None) -> duckdb.DuckDBPyConnection:
    """The warehouse, read-only, read through first: a damaged file raises
    WarehouseDamaged now rather than half way through a query. (The public entry
    point: `minsheng_etl.open_warehouse`.) sandbox: no other file is reachable."""
    con = connect(db_path, read_only=True, sandbox=sandbox, memory_limit=memory_limit)
    try:
        verify(con, Path(db_path))
    except WarehouseDamaged:
        con.close()
        raise
    return con


def explain(exc: BaseException, *, timeout: float, timed_out: bool) -> str:
    """A failed reader's query in one line, with what to do about it."""
    message = " ".join(str(exc).split())
    if "disabled by configuration" in message:
        message += " (etl query reads only the warehouse: --allow-files lets it reach other files)"
    elif "read-only mode" in message:
        message += " (etl query never changes the warehouse: etl ingest and etl rebuild do)"
    elif "INTERRUPT" in message.upper() and timed_out:
        message = f"stopped after {timeout:g} s (--timeout raises the limit)"
    elif "memory" in message.lower() and "limit" in message.lower():
        message += " (--memory-limit raises the limit)"
    return message
