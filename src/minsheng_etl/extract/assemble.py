"""Drafts → validated records: parse each field, decide each list's year and kind,
validate against the contract. A record that fails validation is kept aside with
its field and value, never silently dropped."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import regex
from pydantic import ValidationError

from ..fields.blocks import normalize_block
from ..fields.bodies import split_bodies, split_people
from ..fields.dates import deadline_text, parse_deadline
from ..fields.quantities import targets_from
from ..models import DocumentFacts, Notice, Provenance, Target, Task
from ..textnorm import squash_all
from .document import Facts, covers_whole_year, report_kind
from .draft import TaskDraft

_YEAR = regex.compile(r"(20\d{2}|19\d{2})\s*年")


@dataclass
class RecordError:
    """One record that broke the contract: where, which field, what value, why."""

    ref: str
    seq: int | None
    field: str
    value: str
    reason: str


@dataclass
class ExtractResult:
    notice: Notice
    rejected: list[RecordError] = field(default_factory=list)
    # why: which lists were read and how (segmentation), and per task the rule behind each field
    segmentation: list[str] = field(default_factory=list)
    rules: list[dict[str, str]] = field(default_factory=list)  # parallel to notice.tasks


def _year_of(text: str | None) -> int | None:
    m = _YEAR.search(squash_all(text))
    return int(m.group(1)) if m else None


def list_year(heading: str | None, facts: Facts, drafts: list[TaskDraft]) -> int | None:
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


def reports_progress(facts: Facts) -> bool:
    """Does the notice report on tasks (a period's progress or a year-end account)
    rather than assign them? Read from its title and period."""
    return bool(report_kind(facts.title) or report_kind(facts.period))


def list_kind(heading: str | None, facts: Facts, drafts: list[TaskDraft]) -> str:
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


def _facts_model(facts: Facts) -> DocumentFacts:
    return DocumentFacts(title=facts.title, issuer=facts.issuer, doc_number=facts.doc_number,
                         region=facts.region, published=facts.published, period=facts.period)


def _error(draft: TaskDraft, exc: ValidationError) -> list[RecordError]:
    out = []
    for err in exc.errors():
        name = ".".join(str(x) for x in err["loc"]) or "record"
        value = err.get("input")
        out.append(RecordError(draft.ref.label(), draft.seq, name, str(value)[:200], err["msg"]))
    return out


def assemble(facts: Facts, drafts: list[TaskDraft]) -> ExtractResult:
    lists: dict[int, list[TaskDraft]] = {}
    for draft in drafts:
        lists.setdefault(draft.list_no, []).append(draft)
    tasks: list[Task] = []
    rules: list[dict[str, str]] = []
    rejected: list[RecordError] = []
    for index, (_list_no, members) in enumerate(sorted(lists.items())):
        heading = members[0].section
        year = list_year(heading, facts, members)
        kind = list_kind(heading, facts, members)
        for draft in members:
            content = normalize_block(draft.content) or ""
            try:
                tasks.append(Task(
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
                    targets=[Target(value=v, unit=u) for v, u in targets_from(content)],
                    ref=Provenance(page=draft.ref.page, table=draft.ref.table, row=draft.ref.row,
                                   line=draft.ref.line, para=draft.ref.para, label=draft.ref.label()),
                ))
                rules.append(dict(draft.why))
            except ValidationError as exc:
                rejected += _error(draft, exc)
    return ExtractResult(Notice(document=_facts_model(facts), tasks=tasks), rejected, rules=rules)
