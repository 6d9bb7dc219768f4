"""`etl rebuild`: re-derive the whole warehouse from the raw store.

Every file in the raw store is re-read into a new warehouse file; the old one is
replaced in one atomic rename only when that worked, so a failed or killed
rebuild leaves it untouched (warehouse.writer). Before the swap the new tasks
are compared with the old: added, removed, changed.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from . import warehouse
from .ingest import FileOutcome, RawStore, RunSummary, load_files

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


def diff_against(con, old_db: Path) -> TaskDiff:
    """Compare the tasks of the connection's warehouse with those of `old_db`."""
    diff = TaskDiff(documents_after=con.execute("SELECT count(*) FROM documents").fetchone()[0])
    new = {tid: (content, sig) for tid, content, sig in con.execute(_SIGNATURE.format(db="")).fetchall()}
    if not old_db.exists():
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


def rebuild(*, db_path: Path, raw_root: Path, wait: float = 0.0, workers: int = 0, use_cache: bool = True,
            on_file: Callable[[FileOutcome], None] | None = None) -> RebuildResult:
    """Every raw file into a new warehouse; files whose parse the cache holds for
    this parser version are not parsed again (unless use_cache is False)."""
    store = RawStore(raw_root)
    objects = store.objects()
    names = store.names()
    for obj in objects:  # a file the manifest does not know keeps its stored name
        names.setdefault(obj.stem, {"name": obj.name, "path": str(obj)})
    with warehouse.writer(db_path, wait=wait, fresh=True, command="etl rebuild") as con:
        summary = load_files(con, objects, store, command="rebuild", force=True, workers=workers, on_file=on_file,
                             names=names, use_cache=use_cache)
        diff = diff_against(con, Path(db_path))
    return RebuildResult(summary, diff)
