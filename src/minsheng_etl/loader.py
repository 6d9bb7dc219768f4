"""Rows into the warehouse for one parsed notice, inside the caller's transaction.

A document is one file; a notice is what was issued. The same notice arriving as
its PDF and its DOCX gives two documents of one notice: same region, title, period
and 文号, and the same tasks (most task texts nearly equal). The views show each
notice's tasks once, from its best document (see 002_views.sql).
"""
from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict
from dataclasses import dataclass, field

from . import canonical, versions
from .models import Notice, TaskMeasures
from .textnorm import bigrams, dice
from .warehouse import bulk_insert, transaction

SAME_NOTICE_TASKS = 0.6  # share of tasks whose text must match for two files to be one notice


def task_id(doc_id: str, list_no: int, seq: int) -> str:
    return f"{doc_id[:16]}:{list_no}:{seq}"


def notice_key(notice: Notice) -> str:
    doc = notice.document
    parts = [doc.region or "", canonical.name_key(doc.title), doc.period or "", doc.doc_number or ""]
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:16]


def _same_tasks(con, other_doc: str, notice: Notice) -> bool:
    theirs = {(lst, seq): bigrams(text) for lst, seq, text in
              con.execute("SELECT list, seq, content FROM tasks WHERE doc_id = ?", [other_doc]).fetchall()}
    if not theirs or not notice.tasks:
        return not theirs and not notice.tasks
    hits = sum(1 for t in notice.tasks if dice(bigrams(t.content), theirs.get((t.list, t.seq), frozenset())) >= 0.8)
    return hits >= SAME_NOTICE_TASKS * max(len(theirs), len(notice.tasks))


class NoticeIndex:
    """The warehouse's notice ids by key, read once per run, so a document of a new
    notice (most of them) needs no query at all."""

    def __init__(self, con):
        self.keys = {nid.split(":")[0] for (nid,) in con.execute("SELECT notice_id FROM notices").fetchall()}

    def add(self, notice_id: str) -> None:
        self.keys.add(notice_id.split(":")[0])


def notice_id_for(con, doc_id: str, notice: Notice, index: NoticeIndex | None = None) -> str:
    """The notice this document is a file of: an existing one with the same facts and
    tasks, else a new one."""
    key = notice_key(notice)
    if index is not None and key not in index.keys:
        return key
    # one query for the candidates (this key, then re-issues key:xxxx) and a file of each
    candidates = con.execute("""
        SELECT n.notice_id, (SELECT min(d.doc_id) FROM documents d WHERE d.notice_id = n.notice_id AND d.doc_id <> ?)
        FROM notices n WHERE n.notice_id = ? OR n.notice_id LIKE ? ORDER BY n.notice_id <> ?, n.first_seen""",
        [doc_id, key, key + ":%", key]).fetchall()
    if not candidates or candidates[0][0] != key:
        return key
    for nid, other in candidates:
        if other is None or _same_tasks(con, other, notice):
            return nid
    return f"{key}:{doc_id[:8]}"  # same title, other tasks: a different notice (a corrected re-issue, say)


def _facts(notice: Notice) -> list[dict]:
    """The tasks as versions.fingerprint reads them (a number given twice: its last row)."""
    last = {(t.list, t.seq): t for t in notice.tasks}
    return [t.model_dump(include={"list", "seq", *versions.FIELDS}) for t in last.values()]


@dataclass
class DocumentRows:
    """One file's rows for every table, built before anything is written."""

    doc_id: str
    notice_key: str
    tables: dict[str, list[list]] = field(default_factory=lambda: defaultdict(list))

    @property
    def tasks(self) -> int:
        return len(self.tables["tasks"])


_COLUMNS = {
    "notices": ("notice_id", "title", "region", "period", "doc_number", "first_seen"),
    "documents": ("doc_id", "source_name", "source_path", "raw_path", "format", "title", "issuer", "doc_number",
                  "region", "published", "period", "parser_version", "pages", "task_count", "ingested_at",
                  "notice_id", "fingerprint"),
    "tasks": ("task_id", "doc_id", "list", "year", "list_kind", "section", "seq", "source_ref", "content", "deadline",
              "deadline_text", "status", "progress", "ref", "page", "table_no", "row_no", "line_no", "as_of",
              "status_inferred", "status_basis", "overdue", "stated_share"),
    "task_units": ("task_id", "role", "position", "name", "canonical_name", "known", "collective"),
    "targets": ("task_id", "position", "value", "unit", "comparator", "noun", "text"),
    "achievements": ("task_id", "position", "value", "unit", "comparator", "noun", "text", "target_position",
                     "ratio"),
}


def document_rows(con, *, doc_id: str, notice: Notice, measures: list[TaskMeasures], source_name: str,
                  source_path: str | None, raw_path: str, fmt: str, pages: int | None,
                  parser_version: str, index: NoticeIndex | None = None) -> DocumentRows:
    """The rows of one parsed notice (one measures entry per task). A task number
    given twice keeps its last row, as a re-issued row replaces the first."""
    doc = notice.document
    now = dt.datetime.now()
    nid = notice_id_for(con, doc_id, notice, index)
    if index is not None:
        index.add(nid)
    out = DocumentRows(doc_id, notice_key(notice))
    out.tables["notices"].append([nid, doc.title, doc.region, doc.period, doc.doc_number, now])
    by_task: dict[str, tuple[list, list, list, list]] = {}
    for task, m in zip(notice.tasks, measures):
        tid = task_id(doc_id, task.list, task.seq)
        ref = task.ref
        row = [tid, doc_id, task.list, task.year, task.list_kind, task.section, task.seq, task.source_ref,
               task.content, task.deadline, task.deadline_text, task.status, task.progress,
               ref.label if ref else None, ref.page if ref else None, ref.table if ref else None,
               ref.row if ref else None, ref.line if ref else None,
               m.as_of, m.status, m.status_basis, m.overdue, m.stated_share]
        # canonical_name and known are resolved for the whole warehouse after the run (derive.py)
        units = [[tid, role, position, name, name, None, None]
                 for role, names in (("lead", task.units), ("co", task.co_units), ("official", task.lead_officials))
                 for position, name in enumerate(names, start=1)]
        targets = [[tid, t.position, t.value, t.unit, t.comparator, t.noun, t.text] for t in m.targets]
        achieved = [[tid, a.position, a.value, a.unit, a.comparator, a.noun, a.text, a.target_position, a.ratio]
                    for a in m.achievements]
        by_task[tid] = (row, units, targets, achieved)
    out.tables["documents"].append([doc_id, source_name, source_path, raw_path, fmt, doc.title, doc.issuer,
                                    doc.doc_number, doc.region, doc.published, doc.period, parser_version, pages,
                                    len(by_task), now, nid, versions.fingerprint(_facts(notice))])
    for row, units, targets, achieved in by_task.values():
        out.tables["tasks"].append(row)
        out.tables["task_units"] += units
        out.tables["targets"] += targets
        out.tables["achievements"] += achieved
    return out


def write_batch(con, batch: list[DocumentRows]) -> None:
    """Replace the batch's documents with their rows, inside the caller's transaction."""
    ids = [d.doc_id for d in batch]
    for table in ("task_units", "targets", "achievements"):
        con.execute(f"DELETE FROM {table} WHERE task_id IN (SELECT task_id FROM tasks WHERE list_contains(?, doc_id))",
                    [ids])
    con.execute("DELETE FROM tasks WHERE list_contains(?, doc_id)", [ids])
    con.execute("DELETE FROM documents WHERE list_contains(?, doc_id)", [ids])
    notices = {row[0]: row for d in batch for row in d.tables["notices"]}
    bulk_insert(con, "notices", _COLUMNS["notices"], list(notices.values()), or_ignore=True)
    for table in ("documents", "tasks", "task_units", "targets", "achievements"):
        bulk_insert(con, table, _COLUMNS[table], [row for d in batch for row in d.tables[table]])


class BatchLoader:
    """Documents' rows gathered and written in batches: one transaction and one
    statement per table per batch. If a batch fails, its documents are written one
    by one, so one bad document fails alone and the others load."""

    def __init__(self, con, *, max_tasks: int = 5000, max_documents: int = 200):
        self.con = con
        self.max_tasks, self.max_documents = max_tasks, max_documents
        self.pending: list[tuple[DocumentRows, object]] = []  # (rows, the caller's token)
        self._tasks = 0

    def add(self, rows: DocumentRows, token: object) -> list[tuple[object, Exception | None]]:
        """Queue a document; (token, error or None) for each document written by now."""
        self.pending.append((rows, token))
        self._tasks += rows.tasks
        if self._tasks >= self.max_tasks or len(self.pending) >= self.max_documents:
            return self.flush()
        return []

    def holds_notice(self, key: str) -> bool:
        """A queued document may be a file of this notice: flush before matching it."""
        return any(rows.notice_key == key for rows, _ in self.pending)

    def flush(self) -> list[tuple[object, Exception | None]]:
        batch, self.pending, self._tasks = self.pending, [], 0
        if not batch:
            return []
        try:
            with transaction(self.con):
                write_batch(self.con, [rows for rows, _ in batch])
            return [(token, None) for _, token in batch]
        except Exception:
            results = []
            for rows, token in batch:
                try:
                    with transaction(self.con):
                        write_batch(self.con, [rows])
                    results.append((token, None))
                except Exception as exc:
                    results.append((token, exc))
            return results
