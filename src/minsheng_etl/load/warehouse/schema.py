"""The warehouse's schema: the numbered files of schemas/, applied in order.

Table files (001_core.sql, 005_load_ids.sql…) are applied once and never edited
afterwards: a changed one means the warehouse must be rebuilt. View files (a name
with "view") are re-applied whenever their text changes, after the table files,
so a view can change without a rebuild.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import re
from pathlib import Path

import duckdb

from ...errors import SchemaError
from ...profiles import schemas_dir
from .tables import transaction

_SCHEMA_FILE = re.compile(r"^(\d{3})_([\w-]+)\.sql$")
FIRST = "001_core.sql"  # the file that makes a warehouse: applied alone, it is a new one, not an upgrade


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


def upgrade_note(applied: list[str]) -> str | None:
    """What a user should know when a run applied schema files to an older warehouse:
    new table columns are empty for documents loaded before (views need nothing)."""
    if applied and any("view" not in name for name in applied) and FIRST not in applied:
        return (f"the warehouse schema ({', '.join(applied)}); documents loaded before carry the new columns "
                f"empty until `etl rebuild`")
    return None
