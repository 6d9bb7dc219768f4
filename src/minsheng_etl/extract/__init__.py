"""From a repaired Layout to a validated Notice.

Blocks are walked in reading order: paragraphs feed the prose state machine
(headings, numbered tasks, labelled fields), tables go through header mapping.
Both share the current section. Then each draft's fields are parsed and the
records validated against the contract in validate.py.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from ..layout import Layout, Paragraph
from . import prose, tables
from .assemble import ExtractResult, assemble, reports_progress
from .document import closes_notice, read_facts, report_kind
from .draft import TaskDraft
from .finish import finish


def _column_rules(draft: TaskDraft, table_state: tables.TableState) -> None:
    for index, name in (table_state.mapping or {}).items():
        if index < len(table_state.header) and getattr(draft, name, None):
            header = " ".join(table_state.header[index].split())
            draft.why.setdefault(name, f"column {header!r}" if header else f"column {index + 1} (by its values)")
    if draft.section:
        draft.why.setdefault("section", "the category row or column above the task")


@dataclass
class Reading:
    """What extraction learnt about the lists besides the drafts: why they were chosen
    (etl inspect --explain) and the sentence that introduced the prose list."""

    notes: list[str] = field(default_factory=list)
    lead_in: str | None = None


def extract_drafts(layout: Layout, reading: Reading | None = None) -> tuple[list[TaskDraft], list[str]]:
    """Task drafts in document order, and the progress column headers seen."""
    notes = reading.notes if reading is not None else None
    paragraphs = layout.paragraphs()
    state = prose.new_state([p.text for p in paragraphs])
    table_state = tables.TableState()
    table_tasks: list[TaskDraft] = []
    progress_headers: list[str] = []
    table_list = -1
    last_seq: int | None = None
    last_table_task: TaskDraft | None = None
    prose_before_table = 0  # prose tasks read before the first table task
    notice_closed = False  # a signature date or an 附件 line after them: they were the covering notice's
    for block in layout.blocks:
        if isinstance(block, Paragraph):
            prose.feed(state, block)
            if state.tasks and not table_tasks and closes_notice(block.text):
                notice_closed = True
            continue
        for kind, payload in tables.table_rows(block, table_state):
            if kind == "header":
                progress_headers += [h for i, h in enumerate(payload) if table_state.mapping.get(i) == "progress"]
                continue
            if kind == "section":
                state.section = payload
                state.section_changed = True
                continue
            draft: TaskDraft = payload
            _column_rules(draft, table_state)
            if draft.section is None:
                draft.section = state.section
            elif "section" in (table_state.mapping or {}).values():
                state.section = draft.section  # a category cell merged down copies out once: fill it down
            if draft.seq is None:
                if last_table_task is not None and (draft.content or draft.progress):
                    tables.merge_into(last_table_task, draft)  # a row continued from the page before
                    continue
                draft.seq = (last_seq or 0) + 1
            if last_table_task is not None and draft.seq == last_table_task.seq:
                tables.merge_into(last_table_task, draft)  # a task split over two rows
                continue
            if last_seq is None or draft.seq <= last_seq or state.section_changed and draft.seq == 1:
                table_list += 1
            state.section_changed = False
            draft.list_no = table_list
            if not table_tasks:
                prose_before_table = len(state.tasks)
            last_seq = draft.seq
            last_table_task = draft
            table_tasks.append(draft)
    if notes is not None:
        if table_tasks:
            notes.append(f"tables: {len(table_tasks)} rows read as tasks, columns mapped by header or by their values")
        if state.plan is not None:
            notes.append(f"prose: {state.plan.reason}")
            if state.plan.lead_in:
                reading.lead_in = state.plan.lead_in
                notes.append(f"prose: introduced by “{state.plan.lead_in}”")
    if not table_tasks:
        return state.tasks, progress_headers
    # a numbered list before a task table belongs to the covering notice (a ①–⑥
    # summary, its requirements): the table is the task list. Unless it is a task
    # list itself: no signature or 附件 line closes it and its items carry fields.
    before = state.tasks[:prose_before_table]
    if not notice_closed and any(d.units or d.resp_units or d.co_units or d.lead_officials or d.deadline
                                 or d.has_progress_field for d in before):
        prose_before_table = 0
    prose_tasks = state.tasks[prose_before_table:]
    if prose_before_table and notes is not None:
        notes.append(f"prose: {prose_before_table} numbered items before the task table belong to the covering "
                     "notice: set aside")
    if len(prose_tasks) < 3:  # numbered notes around a table are not a task list
        if prose_tasks and notes is not None:
            notes.append(f"prose: {len(prose_tasks)} numbered notes beside the table(s) set aside")
        return table_tasks, progress_headers
    first_list = prose_tasks[0].list_no
    for draft in prose_tasks:  # both: prose lists are numbered after the table lists
        draft.list_no += table_list + 1 - first_list
    return table_tasks + prose_tasks, progress_headers


def extract(layout: Layout) -> ExtractResult:
    reading = Reading()
    drafts, progress_headers = extract_drafts(layout, reading)
    facts = read_facts(layout, progress_headers)
    # a report: the title or period says so, or the list's lead-in does (…主要进度如下：)
    finish(drafts, reports_progress(facts) or bool(report_kind(reading.lead_in)))
    result = assemble(facts, drafts)
    result.segmentation = reading.notes
    return result
