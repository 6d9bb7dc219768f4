"""One parsed file → its rows for every table, written in batches.

A document is one file; a notice is what was issued. The same notice arriving as
its PDF and its DOCX gives two documents of one notice: same region, title, period
and 文号, and the same tasks (most task texts nearly equal). The views show each
notice's tasks once, from its best document (see 002_views.sql).

Rows are built without the warehouse (document_rows: a parse record in, rows
out, each body name resolved against the alias table there, once). Which notice
a document is a file of is decided as its batch is written (NoticeIndex.assign),
against the warehouse's notices and the batch's own documents, so nothing is
flushed early to be read back. Every document and task row carries the run that
loaded it (run_id).
"""
from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field

from ..textnorm import bigrams, dice
from ..pipeline import ParseRecord
from ..validate import Notice, TaskWarning
from .derive import canonical, versions
from .warehouse import bulk_insert, transaction

SAME_NOTICE_TASKS = 0.6  # share of tasks whose text must match for two files to be one notice
TaskTexts = Mapping[tuple[int, int], str]  # (list, seq) → content


def task_id(doc_id: str, list_no: int, seq: int) -> str:
    return f"{doc_id[:16]}:{list_no}:{seq}"


def notice_key(notice: Notice) -> str:
    """The facts that make two files one notice: region, title (as canonical.name_key
    reads it), period and 文号."""
    doc = notice.document
    parts = [doc.region or "", canonical.name_key(doc.title), doc.period or "", doc.doc_number or ""]
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:16]


def same_tasks(theirs: TaskTexts, ours: TaskTexts) -> bool:
    """Do two files list the same tasks (most task texts, by number, nearly equal)?"""
    if not theirs or not ours:
        return not theirs and not ours
    grams = {k: bigrams(text) for k, text in theirs.items()}
    hits = sum(1 for k, text in ours.items() if dice(bigrams(text), grams.get(k, frozenset())) >= 0.8)
    return hits >= SAME_NOTICE_TASKS * max(len(theirs), len(ours))


def choose_notice(key: str, doc_id: str, tasks: TaskTexts, candidates: list[tuple[str, TaskTexts | None]]) -> str:
    """The notice a document is a file of. `candidates`: the notices with its key (the
    key itself first, then its re-issues key:xxxx in the order they came), each with
    the tasks of one of its other files (None: it has none). An existing notice with
    the same tasks, else a new one: the key, or key:doc when the key is taken by a
    notice with other tasks (a corrected re-issue, say)."""
    if not candidates or candidates[0][0] != key:
        return key
    for nid, theirs in candidates:
        if theirs is None or same_tasks(theirs, tasks):
            return nid
    return f"{key}:{doc_id[:8]}"


def _facts(notice: Notice) -> list[dict]:
    """The tasks as versions.fingerprint reads them (a number given twice: its last row)."""
    last = {(t.list, t.seq): t for t in notice.tasks}
    return [t.model_dump(include={"list", "seq", *versions.FIELDS}) for t in last.values()]


@dataclass
class DocumentRows:
    """One file's rows for every table, built before anything is written; the notice
    id is set when its batch is written."""

    doc_id: str
    notice_key: str
    task_texts: dict[tuple[int, int], str]  # what another file of the notice is matched on
    notice: list  # the notices row after its id
    document: list  # the documents row but its notice_id
    tables: dict[str, list[list]] = field(default_factory=lambda: defaultdict(list))
    warnings: list[tuple[int, TaskWarning]] = field(default_factory=list)  # (seq, warning)
    notice_id: str | None = None

    @property
    def tasks(self) -> int:
        return len(self.tables["tasks"])


_COLUMNS = {
    "notices": ("notice_id", "title", "region", "period", "doc_number", "first_seen"),
    "documents": ("doc_id", "source_name", "source_path", "raw_path", "format", "title", "issuer", "doc_number",
                  "region", "published", "period", "parser_version", "pages", "task_count", "ingested_at",
                  "fingerprint", "run_id", "source_url", "source_page", "notice_id"),
    "tasks": ("task_id", "doc_id", "list", "year", "list_kind", "section", "seq", "source_ref", "content", "deadline",
              "deadline_text", "status", "progress", "ref", "page", "table_no", "row_no", "line_no", "as_of",
              "status_inferred", "status_basis", "overdue", "stated_share", "run_id"),
    "task_units": ("task_id", "role", "position", "name", "canonical_name", "known", "collective"),
    "targets": ("task_id", "position", "value", "unit", "comparator", "noun", "text"),
    "achievements": ("task_id", "position", "value", "unit", "comparator", "noun", "text", "target_position",
                     "ratio"),
}


def document_rows(record: ParseRecord, *, doc_id: str, source_name: str, source_path: str | None, raw_path: str,
                  run_id: str, now: dt.datetime | None = None, source_url: str | None = None,
                  source_page: str | None = None) -> DocumentRows:
    """The rows of one parsed file. A task number given twice keeps its last row, as a
    re-issued row replaces the first. Lead and co bodies are resolved to their
    canonical names here; the run's warnings gain the names the alias table lacks."""
    notice = record.notice
    doc = notice.document
    now = now or dt.datetime.now()
    by_task: dict[str, tuple[list, list, list, list]] = {}
    found: list[tuple[int, TaskWarning]] = []
    for task, m, checks in zip(notice.tasks, record.measures, record.warnings):
        tid = task_id(doc_id, task.list, task.seq)
        ref = task.ref
        row = [tid, doc_id, task.list, task.year, task.list_kind, task.section, task.seq, task.source_ref,
               task.content, task.deadline, task.deadline_text, task.status, task.progress,
               ref.label if ref else None, ref.page if ref else None, ref.table if ref else None,
               ref.row if ref else None, ref.line if ref else None,
               m.as_of, m.status, m.status_basis, m.overdue, m.stated_share, run_id]
        units = [[tid, role, position, name, *canonical.resolve_body(name, doc.region)]
                 for role, names in (("lead", task.units), ("co", task.co_units))
                 for position, name in enumerate(names, start=1)]
        units += [[tid, "official", position, name, name, None, None]  # people: not in the alias table
                  for position, name in enumerate(task.lead_officials, start=1)]
        targets = [[tid, t.position, t.value, t.unit, t.comparator, t.noun, t.text] for t in task.targets]
        achieved = [[tid, a.position, a.value, a.unit, a.comparator, a.noun, a.text, a.target_position, a.ratio]
                    for a in m.achievements]
        by_task[tid] = (row, units, targets, achieved)
        found += [(task.seq, w) for w in canonical.unknown_bodies(task, doc.region) + checks]
    out = DocumentRows(
        doc_id, notice_key(notice), {(t.list, t.seq): t.content for t in notice.tasks},
        notice=[doc.title, doc.region, doc.period, doc.doc_number, now],
        document=[doc_id, source_name, source_path, raw_path, record.fmt, doc.title, doc.issuer, doc.doc_number,
                  doc.region, doc.published, doc.period, record.parser_version, record.pages, len(by_task), now,
                  versions.fingerprint(_facts(notice)), run_id, source_url, source_page],
        warnings=found)
    for row, units, targets, achieved in by_task.values():
        out.tables["tasks"].append(row)
        out.tables["task_units"] += units
        out.tables["targets"] += targets
        out.tables["achievements"] += achieved
    return out


class NoticeIndex:
    """Which notice each document is a file of. The warehouse's notice keys are read
    once per run, so a document of a new notice (most of them) needs no query; the
    others are matched against the warehouse in one query per batch, and against
    the documents before them in their batch."""

    def __init__(self, con):
        self.keys = {nid.split(":")[0] for (nid,) in con.execute("SELECT notice_id FROM notices").fetchall()}

    def _in_warehouse(self, con, batch: list[DocumentRows]) -> dict[str, list[tuple[str, TaskTexts | None]]]:
        """key → [(notice id, the tasks of one of its files outside the batch)], the key itself first."""
        keys = sorted({d.notice_key for d in batch} & self.keys)
        if not keys:
            return {}
        notices = con.execute("""
            SELECT split_part(n.notice_id, ':', 1) AS key, n.notice_id,
                   (SELECT min(d.doc_id) FROM documents d WHERE d.notice_id = n.notice_id
                      AND NOT list_contains($1, d.doc_id))
            FROM notices n WHERE list_contains($2, split_part(n.notice_id, ':', 1))
            ORDER BY key, n.notice_id <> key, n.first_seen""", [[d.doc_id for d in batch], keys]).fetchall()
        texts: dict[str, dict] = defaultdict(dict)
        for doc, lst, seq, content in con.execute(
                "SELECT doc_id, list, seq, content FROM tasks WHERE list_contains(?, doc_id)",
                [sorted({doc for _, _, doc in notices if doc})]).fetchall():
            texts[doc][(lst, seq)] = content
        found: dict[str, list[tuple[str, TaskTexts | None]]] = defaultdict(list)
        for key, nid, doc in notices:
            found[key].append((nid, texts[doc] if doc else None))
        return found

    def assign(self, con, batch: list[DocumentRows]) -> None:
        """Set each document's notice_id, in batch order."""
        candidates = self._in_warehouse(con, batch)
        for rows in batch:
            mine = candidates.setdefault(rows.notice_key, [])
            rows.notice_id = choose_notice(rows.notice_key, rows.doc_id, rows.task_texts, mine)
            # later files in the batch meet this one as a file of its notice
            at = next((i for i, (nid, _) in enumerate(mine) if nid == rows.notice_id), None)
            if at is None:
                mine.insert(0 if rows.notice_id == rows.notice_key else len(mine), (rows.notice_id, rows.task_texts))
            elif mine[at][1] is None:
                mine[at] = (rows.notice_id, rows.task_texts)
            self.keys.add(rows.notice_key)


def write_batch(con, batch: list[DocumentRows], index: NoticeIndex) -> None:
    """Replace the batch's documents with their rows, inside the caller's transaction."""
    index.assign(con, batch)
    ids = [d.doc_id for d in batch]
    for table in ("task_units", "targets", "achievements"):
        con.execute(f"DELETE FROM {table} WHERE task_id IN (SELECT task_id FROM tasks WHERE list_contains(?, doc_id))",
                    [ids])
    con.execute("DELETE FROM tasks WHERE list_contains(?, doc_id)", [ids])
    con.execute("DELETE FROM documents WHERE list_contains(?, doc_id)", [ids])
    notices = {d.notice_id: [d.notice_id, *d.notice] for d in batch}
    bulk_insert(con, "notices", _COLUMNS["notices"], list(notices.values()), or_ignore=True)
    bulk_insert(con, "documents", _COLUMNS["documents"], [[*d.document, d.notice_id] for d in batch])
    for table in ("tasks", "task_units", "targets", "achievements"):
        bulk_insert(con, table, _COLUMNS[table], [row for d in batch for row in d.tables[table]])


class BatchLoader:
    """Documents' rows gathered and written in batches: one transaction and one
    statement per table per batch. If a batch fails, its documents are written one
    by one, so one bad document fails alone and the others load."""

    def __init__(self, con, *, max_tasks: int = 1000, max_documents: int = 200):
        self.con = con
        self.index = NoticeIndex(con)
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

    def flush(self) -> list[tuple[object, Exception | None]]:
        batch, self.pending, self._tasks = self.pending, [], 0
        if not batch:
            return []
        try:
            with transaction(self.con):
                write_batch(self.con, [rows for rows, _ in batch], self.index)
            return [(token, None) for _, token in batch]
        except Exception:
            results = []
            for rows, token in batch:
                try:
                    with transaction(self.con):
                        write_batch(self.con, [rows], self.index)
                    results.append((token, None))
                except Exception as exc:
                    results.append((token, exc))
            return results
