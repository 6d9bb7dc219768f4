"""Draft records: what extraction found, as raw strings, before field parsing."""
from __future__ import annotations

from dataclasses import dataclass, field

from ..layout import Ref


@dataclass
class TaskDraft:
    seq: int | None
    content: str = ""
    source_ref: str | None = None
    section: str | None = None
    units: str | None = None
    resp_units: str | None = None  # a 责任单位 label: co_units beside a 牵头单位, else units
    co_units: str | None = None
    lead_officials: str | None = None
    deadline: str | None = None
    status: str | None = None
    progress: str | None = None
    remark: str | None = None
    ref: Ref = field(default_factory=Ref)
    list_no: int = 0
    has_progress_field: bool = False  # the list has a progress column or label
    style: str | None = None  # the item style of a prose task (arabic, bullet, lead, plain…)
    shared_tail: str | None = None  # the report sentence after a run of inline items
    why: dict[str, str] = field(default_factory=dict)  # field → the rule that gave it (etl inspect --explain)
    first_len: int = 0  # length of content from the item's own paragraph
    extra_paras: int = 0  # paragraphs after it that were added to content

