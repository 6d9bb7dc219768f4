"""Validation: the record contract, the records that break it, and warnings.

- The contract: Pydantic models of a notice and its tasks. `Notice.gold_json()`
  is exactly the shape of ../shared/corpus/GOLD-FORMAT.md, which `etl inspect
  --json` prints and the scorer reads. Provenance (`ref`) travels with each task
  but is not part of the gold shape.
- Rejected: a task that broke the contract, with its field and value (the file's
  other tasks still load; the rejects table lists it).
- Warnings: fields missing or not understood in a valid task. They reject
  nothing; they tell an analyst what to look at. Computed once, in the parse,
  and shipped in the parse record (`etl inspect` shows them per task, `etl
  ingest` counts them per kind), but for unknown body names: the alias table is
  applied at load time (editing it needs no re-parse), so they come from the
  names' resolution (load/derive/canonical.py).
"""
from __future__ import annotations

import datetime as dt
from typing import Literal

import regex
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

ListKind = Literal["plan", "progress", "completion"]
Names = list[str]  # module-level aliases: Task has a field named `list`


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True)


class Measure(Strict):
    """A quantity read from a task's content (a target) or its progress (an achievement)."""

    value: float = Field(ge=0, description="plain number: 2万个 → 20000")
    unit: str = Field(min_length=1, description="measure word or unit as printed (个, 张, 亿元, %)")
    position: int | None = Field(default=None, ge=1, description="1-based order in its text")
    comparator: Literal[">=", "<=", "~"] | None = Field(default=None, description="不少于/以上 >=, 不超过 <=, 约 ~")
    noun: str | None = Field(default=None, description="what it counts: 养老家庭照护床位")
    text: str | None = Field(default=None, description="as printed")

    @field_validator("value")
    @classmethod
    def finite(cls, v: float) -> float:
        if v != v or v in (float("inf"), float("-inf")):
            raise ValueError("value must be a finite number")
        return v


class Target(Measure):
    """A quantity in a task's content: what the task sets out to do (gold shape: value and unit)."""


Targets = list[Target]


class Provenance(Strict):
    """Where a task came from: page and table row for PDF, table and row for
    DOCX/HTML/XLSX, line for text."""

    page: int | None = None
    table: int | None = None
    row: int | None = None
    line: int | None = None
    para: int | None = None
    label: str = "-"


class DocumentFacts(Strict):
    title: str = Field(min_length=1)
    issuer: str | None = None
    doc_number: str | None = None
    region: str | None = None
    published: dt.date | None = None
    period: str | None = None


class Task(Strict):
    list: int = Field(ge=0, description="0-based index of the task list inside the document")
    year: int | None = Field(default=None, ge=1949, le=2100)
    list_kind: ListKind
    section: str | None = None
    seq: int = Field(gt=0)
    source_ref: str | None = None
    content: str = Field(min_length=1)
    lead_officials: Names = Field(default_factory=lambda: [])
    units: Names = Field(default_factory=lambda: [])
    co_units: Names = Field(default_factory=lambda: [])
    deadline: dt.date | None = None
    deadline_text: str | None = None
    status: str | None = None
    progress: str | None = None
    targets: Targets = Field(default_factory=lambda: [])
    ref: Provenance | None = Field(default=None, description="where it came from (not part of the gold shape)")

    @field_validator("lead_officials", "units", "co_units")
    @classmethod
    def no_blank_names(cls, names: Names) -> Names:
        for name in names:
            if not name.strip():
                raise ValueError("a name is blank")
        return names


Status = Literal["completed", "in_progress", "not_started"]


class Achievement(Measure):
    target_position: int | None = Field(default=None, description="the target it reports on, if matched")
    ratio: float | None = Field(default=None, ge=0, description="achieved / target")


class TaskMeasures(Strict):
    """What a task's numbers and words say about how far along it is (its targets are
    the task's own: Task.targets)."""

    as_of: dt.date | None = Field(default=None, description="the date the report speaks for")
    status: Status | None = Field(default=None, description="completed / in_progress / not_started")
    status_basis: Literal["notice", "numbers", "year_end_wording", "stated_share", "progress", "list_kind"] | None = None
    overdue: bool = False
    stated_share: float | None = Field(default=None, ge=0, description="完成任务的40% → 40.0 (percent)")
    achievements: list[Achievement] = Field(default_factory=list)


class Notice(Strict):
    document: DocumentFacts
    tasks: list[Task]

    def gold_json(self) -> dict:
        """The gold shape: dates as ISO strings, integral target values as ints, no provenance."""
        doc = self.document.model_dump(mode="json")
        tasks = []
        for task in self.tasks:
            row = task.model_dump(mode="json", exclude={"ref"})
            row["targets"] = [{"value": _plain_number(t.value), "unit": t.unit} for t in task.targets]
            tasks.append(row)
        return {"document": doc, "tasks": tasks}


def _plain_number(value: float) -> int | float:
    return int(value) if float(value).is_integer() else value


def json_schema() -> dict:
    """The JSON Schema of a notice record, as exported to schemas/notice.schema.json."""
    return Notice.model_json_schema()


# --- records that break the contract ------------------------------------------------

class Rejected(BaseModel):
    """A task that broke the record contract (the file's other tasks still load)."""

    ref: str
    seq: int | None = None
    field: str
    value: str
    reason: str


def rejections(ref: str, seq: int | None, exc: ValidationError) -> list[Rejected]:
    """One Rejected per broken field of a task that failed validation."""
    return [Rejected(ref=ref, seq=seq, field=".".join(str(x) for x in err["loc"]) or "record",
                     value=str(err.get("input"))[:200], reason=err["msg"]) for err in exc.errors()]


# --- warnings -----------------------------------------------------------------------

UNKNOWN_BODY = "unknown body names"
NO_DEADLINE = "tasks with no deadline"
DEADLINE_NOT_READ = "deadlines not understood"
FIGURE_NO_UNIT = "figures without a unit"
NO_BODY = "tasks with no responsible body"
_LABELS = {UNKNOWN_BODY: "unknown body {}", NO_DEADLINE: "no deadline", DEADLINE_NOT_READ: "deadline not understood: {}",
           FIGURE_NO_UNIT: "figure without a unit: {}", NO_BODY: "no responsible body"}

# a figure right after a word and right before the end of a clause: 增长8，/ 达到12。 (a target with
# its unit forgotten); figures followed by anything else are dates, names, codes or measured
_BARE_FIGURE = regex.compile(r"(?<=\p{Han})\d+(?:\.\d+)?(?=\s*(?:[，。；,;！!]|$))")


class TaskWarning(Strict):
    kind: str
    text: str = ""  # what, briefly: the name, the figure, the deadline as written

    @property
    def label(self) -> str:
        """Short, for one task (etl inspect's check column)."""
        return _LABELS[self.kind].format(self.text)


def task_warnings(task: Task) -> list[TaskWarning]:
    """What to look at in a valid task (unknown body names aside: canonical.unknown_bodies)."""
    out: list[TaskWarning] = []
    if not task.units and task.list_kind != "completion":
        out.append(TaskWarning(kind=NO_BODY))
    if task.deadline is None and task.list_kind != "completion":
        out.append(TaskWarning(kind=DEADLINE_NOT_READ, text=task.deadline_text) if task.deadline_text
                   else TaskWarning(kind=NO_DEADLINE))
    if not task.targets:
        m = _BARE_FIGURE.search(task.content)
        if m:
            out.append(TaskWarning(kind=FIGURE_NO_UNIT, text=task.content[max(0, m.start() - 6): m.end() + 2]))
    return out

