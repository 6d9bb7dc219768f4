"""Drafts → validated records: parse each field, decide each list's year and kind,
validate against the contract (validate.py). A record that fails validation is
kept aside with its field and value, never silently dropped. The content's
quantities are found once, here: they are the task's targets, and measuring
(measures.py) reads the same ones."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import regex
from pydantic import ValidationError

from ..fields.blocks import normalize_block
from ..fields.bodies import split_bodies, split_people
from ..fields.dates import deadline_text, parse_deadline
from ..fields.quantities import Quantity, find_quantities
from ..validate import (DocumentFacts, Notice, Provenance, Rejected, Target, Task, TaskWarning, rejections,
                        task_warnings)
from ..textnorm import squash_all
from .document import covers_whole_year, report_kind
from .draft import TaskDraft

_YEAR = regex.compile(r"(20\d{2}|19\d{2})\s*年")


@dataclass
class ExtractResult:
    notice: Notice
    rejected: list[Rejected] = field(default_factory=list)
    # why: which lists were read and how (segmentation), and per task the rule behind each field
    segmentation: list[str] = field(default_factory=list)
    rules: list[dict[str, str]] = field(default_factory=list)  # parallel to notice.tasks
    warnings: list[list[TaskWarning]] = field(default_factory=list)  # parallel to notice.tasks
    quantities: list[list[Quantity]] = field(default_factory=list)  # the content's, parallel to notice.tasks


def _year_of(text: str | None) -> int | None:
    m = _YEAR.search(squash_all(text))
    return int(m.group(1)) if m else None


def list_year(heading: str | None, facts: DocumentFacts, drafts: list[TaskDraft]) -> int | None:
    """The plan year: the list's heading, else the title, else its deadlines, else publication."""
    for text in (heading, facts.title):
        year = _year_of(text)
        if year:
            return year
    years = Counter(_year_of(d.deadline) for d in drafts if _year_of(d.deadline))
    if years:
        return years.most_common(1)[0][0]
    published = facts.published
    return published.year if published else None


def reports_progress(facts: DocumentFacts) -> bool:
    """Does the notice report on tasks (a period's progress or a year-end account)
    rather than assign them? Read from its title and period."""
    return bool(report_kind(facts.title) or report_kind(facts.period))


def list_kind(heading: str | None, facts: DocumentFacts, drafts: list[TaskDraft]) -> str:
    """plan (tasks to do), progress (a period's report) or completion (a year-end
    account), as the list's heading, else the title and period, say it; a heading
    naming a year is the list's own title (…2023年…完成情况 / …2024年…项目), so the
    document title does not speak for it. Failing words, tasks with progress make a
    progress report."""
    reported = any(d.has_progress_field or (d.progress and d.progress.strip()) for d in drafts)
    kind = report_kind(heading)
    if kind:
        return kind
    if _year_of(heading):
        return "progress" if reported else "plan"
    kind = report_kind(facts.title) or report_kind(facts.period)
    if kind:
        return kind
    if reported:  # tasks with progress: a whole-year period makes it the year-end account
        return "completion" if covers_whole_year(facts.period) else "progress"
    return "plan"


def assemble(facts: DocumentFacts, drafts: list[TaskDraft]) -> ExtractResult:
    lists: dict[int, list[TaskDraft]] = {}
    for draft in drafts:
        lists.setdefault(draft.list_no, []).append(draft)
    out = ExtractResult(Notice(document=facts, tasks=[]))
    for index, (_list_no, members) in enumerate(sorted(lists.items())):
        heading = members[0].section
        year = list_year(heading, facts, members)
        kind = list_kind(heading, facts, members)
        for draft in members:
            content = normalize_block(draft.content) or ""
            quantities = find_quantities(content)
            try:
                task = Task(
                    list=index,
                    year=year,
                    list_kind=kind,
                    section=squash_all(draft.section) or None,
                    seq=draft.seq if draft.seq is not None else 0,
                    source_ref=draft.source_ref,
                    content=content,
                    lead_officials=split_people(draft.lead_officials),
                    units=split_bodies(draft.units),
                    co_units=split_bodies(draft.co_units),
                    deadline=parse_deadline(draft.deadline, year),
                    deadline_text=deadline_text(draft.deadline),
                    status=squash_all(draft.status) or None,
                    progress=normalize_block(draft.progress) if kind != "plan" else None,
                    targets=[Target(**q.record(i)) for i, q in enumerate(quantities, start=1)],
                    ref=Provenance(page=draft.ref.page, table=draft.ref.table, row=draft.ref.row,
                                   line=draft.ref.line, para=draft.ref.para, label=draft.ref.label()),
                )
            except ValidationError as exc:
                out.rejected += rejections(draft.ref.label(), draft.seq, exc)
                continue
            out.notice.tasks.append(task)
            out.rules.append(dict(draft.why))
            out.warnings.append(task_warnings(task))
            out.quantities.append(quantities)
    return out
