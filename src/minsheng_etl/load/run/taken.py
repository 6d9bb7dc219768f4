"""The raw objects a warehouse took: its own record, beside it (<db>.raw.jsonl).

The raw store is shared by every warehouse that uses it, so "every file in the
raw store" is not what a warehouse holds: a rebuild of one would pull in the
files of another (a test run's, into production). Each ingest appends the files
it took (loaded or rejected) once its warehouse is published, and a rebuild
reads this record, not the store's listing. The record lives outside the
warehouse file so that it survives the warehouse being damaged; a warehouse
made before the record existed is read for its documents and rejects instead.
Names are kept exactly: ASCII JSON escapes a non-UTF-8 name's surrogates.
"""
from __future__ import annotations

import json
import os
from pathlib import Path

import duckdb


def record_path(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + ".raw.jsonl")


def entry(sha256: str, raw: Path, name: str, path: str, *, url: str | None = None, page: str | None = None) -> dict:
    """A file taken: its content hash, and the name and path (or URL, and the page
    that linked to it) it came in under, which a rebuild gives it again."""
    item = {"sha256": sha256, "suffix": Path(raw).suffix, "name": name, "path": path}
    return item | {k: v for k, v in (("url", url), ("page", page)) if v}


def read(db_path: Path) -> dict[str, dict]:
    """sha256 → entry (the latest); a torn last line from a crash is skipped."""
    entries: dict[str, dict] = {}
    try:
        text = record_path(db_path).read_text(encoding="ascii", errors="replace")
    except FileNotFoundError:
        return entries
    for line in text.splitlines():
        try:
            item = json.loads(line)
            entries[item["sha256"]] = item
        except (ValueError, KeyError, TypeError):
            continue
    return entries


def _lines(entries) -> str:
    return "".join(json.dumps(e, ensure_ascii=True) + "\n" for e in entries)


def append(db_path: Path, entries: list[dict]) -> None:
    if entries:
        with open(record_path(db_path), "a", encoding="ascii") as fh:
            fh.write(_lines(entries))


def replace(db_path: Path, entries: list[dict]) -> None:
    """Write the whole record anew (after a rebuild), atomically."""
    target = record_path(db_path)
    tmp = target.with_name(f"{target.name}.{os.getpid()}.part")
    try:
        tmp.write_text(_lines(entries), encoding="ascii")
        tmp.replace(target)
    finally:
        tmp.unlink(missing_ok=True)


def from_warehouse(db_path: Path) -> dict[str, dict]:
    """What a readable warehouse shows it took: its documents and rejected files.
    Covers a warehouse older than the record, and an ingest killed after it
    published its warehouse but before it appended to the record."""
    entries: dict[str, dict] = {}
    if not db_path.exists():
        return entries
    try:
        con = duckdb.connect(str(db_path), read_only=True)
    except duckdb.Error:
        return entries
    try:
        fetched = "source_url, source_page" if con.execute(  # columns of 006_source_url.sql
            "SELECT count(*) FROM duckdb_columns() WHERE table_name = 'documents' AND column_name = 'source_url'"
        ).fetchone()[0] else "NULL, NULL"
        rows = con.execute(f"""SELECT doc_id, raw_path, source_name, source_path, {fetched} FROM documents
                               UNION ALL
                               SELECT sha256, raw_path, source_name, source_path, NULL, NULL FROM rejects
                               WHERE record_ref IS NULL AND sha256 IS NOT NULL AND raw_path IS NOT NULL""").fetchall()
    except duckdb.Error:
        return entries
    finally:
        con.close()
    for sha, raw, name, path, url, page in rows:
        entries.setdefault(sha, entry(sha, Path(raw), name, path or raw, url=url, page=page))
    return entries
