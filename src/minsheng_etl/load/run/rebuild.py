"""`etl rebuild`: re-derive the whole warehouse from the raw store.

Every file the warehouse took (its record, taken.py: not every file in the shared
raw store) is re-read into a new warehouse file; the old one is replaced in one
atomic rename only when that worked, so a failed or killed rebuild leaves it
untouched (warehouse.writer). Before the swap the new tasks are compared with
the old: added, removed, changed. The raw store is the source of truth, so a
damaged warehouse (truncated, garbled) is no obstacle: it is kept aside under
another name, named in the output, and the rebuild makes the warehouse anew.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ...errors import LoadError
from .. import warehouse
from ..store import RawStore
from . import taken
from .ingest import load_files
from .summary import FileOutcome, RunSummary

_SIGNATURE = """
SELECT t.task_id, t.content,
       md5(concat_ws('|', t.content, t.year, t.list_kind, t.section, t.deadline, t.deadline_text, t.status, t.progress,
           (SELECT string_agg(u.role || ':' || u.name, ',' ORDER BY u.role, u.position)
              FROM {db}task_units u WHERE u.task_id = t.task_id),
           (SELECT string_agg(g.value::VARCHAR || g.unit, ',' ORDER BY g.position)
              FROM {db}targets g WHERE g.task_id = t.task_id))) AS signature
FROM {db}tasks t
"""


@dataclass
class TaskDiff:
    added: list[tuple[str, str]] = field(default_factory=list)  # (task_id, content)
    removed: list[tuple[str, str]] = field(default_factory=list)
    changed: list[tuple[str, str]] = field(default_factory=list)
    documents_before: int = 0
    documents_after: int = 0

    @property
    def unchanged(self) -> bool:
        return not (self.added or self.removed or self.changed)


@dataclass
class RebuildResult:
    summary: RunSummary
    diff: TaskDiff
    damaged: str | None = None  # why the old warehouse could not be read
    set_aside: Path | None = None  # where the damaged warehouse was kept
    took: int = 0  # files taken: the ones ingested into this warehouse
    not_taken: int = 0  # files in the raw store that other warehouses took
    missing: int = 0  # files the warehouse took that the raw store no longer holds
    whole_store: bool = False  # no record of what it took: every file in the raw store

    def to_json(self) -> dict:
        """The rebuild as data (`etl rebuild --json`): the run, then the diff and what it took."""
        diff = self.diff
        return self.summary.to_json() | {
            "documents_before": diff.documents_before, "documents_after": diff.documents_after,
            "added": len(diff.added), "removed": len(diff.removed), "changed": len(diff.changed),
            "took": self.took, "not_taken": self.not_taken, "missing": self.missing, "whole_store": self.whole_store,
            "damaged": self.damaged, "set_aside": str(self.set_aside) if self.set_aside else None}


def diff_against(con, old_db: Path | None) -> TaskDiff:
    """Compare the tasks of the connection's warehouse with those of `old_db` (None:
    there is none to compare with)."""
    diff = TaskDiff(documents_after=con.execute("SELECT count(*) FROM documents").fetchone()[0])
    new = {tid: (content, sig) for tid, content, sig in con.execute(_SIGNATURE.format(db="")).fetchall()}
    if old_db is None or not old_db.exists():
        diff.added = sorted((tid, c) for tid, (c, _) in new.items())
        return diff
    quoted = str(old_db).replace("'", "''")
    con.execute(f"ATTACH '{quoted}' AS previous (READ_ONLY)")
    try:
        old = {tid: (content, sig) for tid, content, sig in
               con.execute(_SIGNATURE.format(db="previous.")).fetchall()}
        diff.documents_before = con.execute("SELECT count(*) FROM previous.documents").fetchone()[0]
        # the run log is history, not derived: it carries over
        con.execute("""INSERT INTO ingest_runs BY NAME SELECT * FROM previous.ingest_runs
                       WHERE run_id NOT IN (SELECT run_id FROM ingest_runs)""")
    finally:
        con.execute("DETACH previous")
    diff.added = sorted((tid, new[tid][0]) for tid in new.keys() - old.keys())
    diff.removed = sorted((tid, old[tid][0]) for tid in old.keys() - new.keys())
    diff.changed = sorted((tid, new[tid][0]) for tid in new.keys() & old.keys() if new[tid][1] != old[tid][1])
    return diff


class NothingToRebuild(LoadError):
    """No warehouse and no record of the files taken into one."""


def rebuild(*, db_path: Path, raw_root: Path, wait: float = 0.0, workers: int = 0, use_cache: bool = True,
            all_raw: bool = False, on_file: Callable[[FileOutcome], None] | None = None,
            on_note: Callable[[str, str], None] | None = None, parse: Callable | None = None) -> RebuildResult:
    """The files this warehouse took (all_raw: every file in the raw store) into a
    new warehouse; files whose parse the cache holds for this parser version are
    not parsed again (unless use_cache is False)."""
    db_path = Path(db_path)
    store = RawStore(raw_root)
    in_store = {obj.stem: obj for obj in store.objects()}
    with warehouse.writer(db_path, wait=wait, fresh=True, command="etl rebuild") as con:
        problem = warehouse.health(db_path)  # under the writer lock: nobody changes it meanwhile
        record = taken.read(db_path)
        for sha, item in (taken.from_warehouse(db_path) if problem is None else {}).items():
            record.setdefault(sha, item)
        whole_store = all_raw or (not record and db_path.exists())  # a damaged warehouse older than its record
        if not record and not whole_store:
            raise NothingToRebuild(f"there is no warehouse at {db_path} and no record of files taken into one "
                                   f"({taken.record_path(db_path).name}): `etl ingest` files into it, or "
                                   f"`etl rebuild --all-raw` takes every file in the raw store {raw_root}")
        if whole_store:
            manifest = store.names()  # the names the files came in under, where the store knows them
            record |= {sha: taken.entry(sha, obj, manifest.get(sha, {}).get("name", obj.name),
                                        manifest.get(sha, {}).get("path", str(obj)))
                       for sha, obj in in_store.items() if sha not in record}
        shas = list(record)  # in the order first taken: a notice's versions undated are told apart by it
        objects = [in_store[sha] for sha in shas if sha in in_store]
        names = {sha: record[sha] for sha in shas}
        summary = load_files(con, objects, store, command="rebuild", force=True, workers=workers, on_file=on_file,
                             on_note=on_note, names=names, use_cache=use_cache, parse=parse)
        diff = diff_against(con, None if problem else db_path)
        aside = warehouse.set_aside(db_path) if problem else None
    result = RebuildResult(summary, diff, damaged=problem.reason if problem else None, set_aside=aside,
                           took=len(objects), not_taken=len(in_store.keys() - record.keys()),
                           missing=len(record.keys() - in_store.keys()), whole_store=whole_store)
    try:
        taken.replace(db_path, [record[o.sha256] for o in summary.outcomes if o.sha256 in record])
    except OSError as exc:
        summary.notes.append(f"could not write {taken.record_path(db_path)} ({exc.strerror or exc})")
    return result
