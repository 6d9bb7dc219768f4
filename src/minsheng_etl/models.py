"""The record contract: Pydantic models of a notice and its tasks.

`Notice.gold_json()` is exactly the shape of ../shared/corpus/GOLD-FORMAT.md, which
`etl inspect --json` prints and the scorer reads. Provenance (`ref`) travels with
each task but is not part of the gold shape.
"""
from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

ListKind = Literal["plan", "progress", "completion"]
Names = list[str]  # module-level aliases: Task has a field named `list`


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True)


class Target(Strict):
    value: float = Field(description="plain number: 2万个 → 20000")
    unit: str = Field(min_length=1, description="measure word or unit as printed (个, 张, 亿元, %)")

    @field_validator("value")
    @classmethod
    def finite(cls, v: float) -> float:
        if v != v or v in (float("inf"), float("-inf")):
            raise ValueError("value must be a finite number")
        return v


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


class Measure(Strict):
    """A quantity read from a task's content (a target) or its progress (an achievement)."""

    position: int = Field(ge=1, description="1-based order in its text")
    value: float = Field(ge=0)
    unit: str = Field(min_length=1)
    comparator: Literal[">=", "<=", "~"] | None = Field(default=None, description="不少于/以上 >=, 不超过 <=, 约 ~")
    noun: str | None = Field(default=None, description="what it counts: 养老家庭照护床位")
    text: str = Field(description="as printed")


class Achievement(Measure):
    target_position: int | None = Field(default=None, description="the target it reports on, if matched")
    ratio: float | None = Field(default=None, ge=0, description="achieved / target")


class TaskMeasures(Strict):
    """What a task's numbers and words say about how far along it is."""

    as_of: dt.date | None = Field(default=None, description="the date the report speaks for")
    status: Status | None = Field(default=None, description="completed / in_progress / not_started")
    status_basis: Literal["notice", "numbers", "year_end_wording", "stated_share", "progress", "list_kind"] | None = None
    overdue: bool = False
    stated_share: float | None = Field(default=None, ge=0, description="完成任务的40% → 40.0 (percent)")
    targets: list[Measure] = Field(default_factory=list)
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
