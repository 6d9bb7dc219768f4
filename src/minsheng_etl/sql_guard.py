"""What `etl query` lets through: statements that only read.

DuckDB opened read-only with external access off still lets a statement write
the database file and its .wal (COPY … TO 'w.duckdb' turns the warehouse into
two bytes), so read-only is checked here, on DuckDB's own parse of the SQL, not
left to the connection: every statement must be a SELECT (WITH, FROM, VALUES,
DESCRIBE, SHOW, SUMMARIZE, PIVOT parse as SELECT), an EXPLAIN of one, or a
PRAGMA that only reports. With --allow-files a COPY … TO another file is let
through too, never onto the warehouse's own files or a folder holding them.
"""
from __future__ import annotations

import os
from pathlib import Path

import duckdb
import regex

# PRAGMAs that only report (PRAGMA import_database writes; others change settings).
READ_PRAGMAS = frozenset({
    "table_info", "show", "show_tables", "show_tables_expanded", "database_list", "database_size",
    "storage_info", "version", "platform", "functions", "collations", "user_agent", "metadata_info",
})
_EXPLAIN = regex.compile(r"^\s*EXPLAIN\s+(?:ANALY[SZ]E\s+)?(?:\([^)]*\)\s*)?", regex.I)
_PRAGMA_NAME = regex.compile(r"^\s*PRAGMA\s+([A-Za-z_][A-Za-z0-9_]*)", regex.I)
# the target of COPY … TO: a single-quoted literal ('' escapes a quote)
_COPY_TARGET = regex.compile(r"\bTO\s+'((?:[^']|'')*)'", regex.I)


class NotReadOnly(ValueError):
    """A statement that could change something: refused before it runs."""


class BadSql(NotReadOnly):
    """SQL that does not parse: nothing can be said of it, so nothing runs."""


def _statements(sql: str) -> list:
    try:
        return duckdb.extract_statements(sql)
    except duckdb.Error as exc:
        raise BadSql(" ".join(str(exc).split())) from exc


def _warehouse_files(db: Path) -> list[Path]:
    db = db.resolve()
    return [db] + [db.with_name(db.name + s) for s in (".wal", ".wal.recovery", ".wal.checkpoint", ".tmp")]


def _copy_target_ok(text: str, db: Path) -> None:
    targets = _COPY_TARGET.findall(text)
    if len(targets) != 1:
        raise NotReadOnly("COPY needs one quoted target file: COPY (SELECT …) TO 'out.csv'")
    target = Path(os.path.abspath(targets[0].replace("''", "'")))
    for own in _warehouse_files(db):
        if target == own or own.is_relative_to(target):
            raise NotReadOnly(f"COPY … TO {target} would overwrite the warehouse's own files: "
                              "write to another path, or use `etl export`")


def _check_one(statement, db: Path | None, allow_files: bool, depth: int = 0) -> None:
    text = statement.query
    try:
        kind = statement.type
    except ValueError as exc:  # a statement type the Python API cannot name (UPDATE EXTENSIONS)
        raise NotReadOnly(f"unsupported statement ({' '.join(text.split()[:3])} …)") from exc
    if kind == duckdb.StatementType.SELECT:
        return
    if kind == duckdb.StatementType.EXPLAIN and depth == 0:
        # EXPLAIN ANALYZE runs its statement: the statement must pass on its own
        inner = _statements(_EXPLAIN.sub("", text, count=1))
        for stmt in inner:
            _check_one(stmt, db, allow_files, depth + 1)
        return
    if kind == duckdb.StatementType.PRAGMA:
        m = _PRAGMA_NAME.match(text)
        if m and m.group(1).lower() in READ_PRAGMAS:
            return
    if kind == duckdb.StatementType.COPY and allow_files and db is not None and regex.search(r"\bTO\b", text, regex.I):
        _copy_target_ok(text, db)
        return
    words = " ".join(text.split()[:3])
    raise NotReadOnly(f"{kind.name} statement refused ({words} …): etl query is read-only, it never changes "
                      "the warehouse and only reads (SELECT, WITH, EXPLAIN, DESCRIBE, SHOW, SUMMARIZE, PRAGMA table_info …); "
                      "etl ingest and etl rebuild write it, etl export writes files")


def check_read_only(sql: str, db: Path | None = None, allow_files: bool = False) -> None:
    """Raise NotReadOnly unless every statement in sql only reads."""
    statements = _statements(sql)
    if not statements:
        raise NotReadOnly("no SQL statement given")
    for statement in statements:
        _check_one(statement, Path(db) if db is not None else None, allow_files)


def default_memory_limit() -> str:
    """Half the machine's memory: a runaway query cannot take the machine down."""
    try:
        total = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError):
        return "2GB"
    return f"{max(total // 2 // 2**20, 256)}MB"
