"""Rows into the warehouse for one parsed notice, inside the caller's transaction.

A document is one file; a notice is what was issued. The same notice arriving as
its PDF and its DOCX gives two documents of one notice: same region, title, period
and 文号, and the same tasks (most task texts nearly equal). The views show each
notice's tasks once, from its best document (see 002_views.sql).
"""
from __future__ import annotations

import datetime as dt
import hashlib

from . import canonical
from .measures import measure_task
from .models import Notice, TaskMeasures
from .textnorm import bigrams, dice

SAME_NOTICE_TASKS = 0.6  # share of tasks whose text must match for two files to be one notice


def task_id(doc_id: str, list_no: int, seq: int) -> str:
    return f"{doc_id[:16]}:{list_no}:{seq}"


def _notice_key(notice: Notice) -> str:
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


def notice_id_for(con, doc_id: str, notice: Notice) -> str:
    """The notice this document is a file of: an existing one with the same facts and
    tasks, else a new one."""
    key = _notice_key(notice)
    candidates = [key] + [n for (n,) in con.execute(
        "SELECT notice_id FROM notices WHERE notice_id LIKE ? AND notice_id <> ? ORDER BY first_seen",
        [key + ":%", key]).fetchall()]
    for nid in candidates:
        others = [d for (d,) in con.execute("SELECT doc_id FROM documents WHERE notice_id = ? AND doc_id <> ?",
                                            [nid, doc_id]).fetchall()]
        if not others or _same_tasks(con, others[0], notice):
            return nid
    return f"{key}:{doc_id[:8]}"  # same title, other tasks: a different notice (a corrected re-issue, say)


def delete_document(con, doc_id: str) -> None:
    for table in ("task_units", "targets", "achievements"):
        con.execute(f"DELETE FROM {table} WHERE task_id IN (SELECT task_id FROM tasks WHERE doc_id = ?)", [doc_id])
    con.execute("DELETE FROM tasks WHERE doc_id = ?", [doc_id])
    con.execute("DELETE FROM documents WHERE doc_id = ?", [doc_id])


def measure_notice(notice: Notice) -> list[TaskMeasures]:
    return [measure_task(task, notice.document) for task in notice.tasks]


def load_notice(con, *, doc_id: str, notice: Notice, source_name: str, source_path: str | None, raw_path: str,
                fmt: str, pages: int | None, parser_version: str, measures: list[TaskMeasures]) -> int:
    """Replace a document's rows with this notice's and its tasks' measures (one per
    task, from measure_notice). Returns the number of tasks loaded."""
    delete_document(con, doc_id)
    doc = notice.document
    nid = notice_id_for(con, doc_id, notice)
    con.execute("INSERT OR IGNORE INTO notices VALUES (?, ?, ?, ?, ?, ?)",
                [nid, doc.title, doc.region, doc.period, doc.doc_number, dt.datetime.now()])
    con.execute("""INSERT INTO documents (doc_id, source_name, source_path, raw_path, format, title, issuer, doc_number,
                   region, published, period, parser_version, pages, task_count, ingested_at, notice_id)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                [doc_id, source_name, source_path, raw_path, fmt, doc.title, doc.issuer, doc.doc_number, doc.region,
                 doc.published, doc.period, parser_version, pages, len(notice.tasks), dt.datetime.now(), nid])
    task_rows, unit_rows, target_rows, achieved_rows = [], [], [], []
    for task, m in zip(notice.tasks, measures):
        tid = task_id(doc_id, task.list, task.seq)
        ref = task.ref
        task_rows.append([tid, doc_id, task.list, task.year, task.list_kind, task.section, task.seq,
                          task.source_ref, task.content, task.deadline, task.deadline_text, task.status, task.progress,
                          ref.label if ref else None, ref.page if ref else None, ref.table if ref else None,
                          ref.row if ref else None, ref.line if ref else None,
                          m.as_of, m.status, m.status_basis, m.overdue, m.stated_share])
        for role, names in (("lead", task.units), ("co", task.co_units), ("official", task.lead_officials)):
            for position, name in enumerate(names, start=1):
                # canonical_name and known are resolved for the whole warehouse after the run (derive.py)
                unit_rows.append([tid, role, position, name, name, None])
        for t in m.targets:
            target_rows.append([tid, t.position, t.value, t.unit, t.comparator, t.noun, t.text])
        for a in m.achievements:
            achieved_rows.append([tid, a.position, a.value, a.unit, a.comparator, a.noun, a.text, a.target_position,
                                  a.ratio])
    if task_rows:
        con.executemany("""INSERT OR REPLACE INTO tasks (task_id, doc_id, list, year, list_kind, section, seq,
                           source_ref, content, deadline, deadline_text, status, progress, ref, page, table_no, row_no,
                           line_no, as_of, status_inferred, status_basis, overdue, stated_share)
                           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""", task_rows)
    if unit_rows:
        con.executemany("""INSERT INTO task_units (task_id, role, position, name, canonical_name, known)
                           VALUES (?, ?, ?, ?, ?, ?)""", unit_rows)
    if target_rows:
        con.executemany("""INSERT INTO targets (task_id, position, value, unit, comparator, noun, text)
                           VALUES (?, ?, ?, ?, ?, ?, ?)""", target_rows)
    if achieved_rows:
        con.executemany("INSERT INTO achievements VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", achieved_rows)
    return len(task_rows)
