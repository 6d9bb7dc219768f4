"""Writers never open the warehouse in place. `writer()` takes the writer lock
(<db>.lock; a second writer waits up to --wait, then is told who holds it), works
on a copy, and moves the copy over the warehouse in one atomic rename when it is
done. So readers (`etl query`) keep reading the last complete state while an
ingest or rebuild runs, and a writer killed mid-way leaves the warehouse as it was.
"""
from __future__ import annotations

import datetime as dt
import fcntl
import glob
import os
import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from ...errors import DiskFull, WarehouseBusy, WarehouseDamaged, is_disk_full
from .connection import connect, damaged, verify


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
