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
    co_units: str | None = None
    lead_officials: str | None = None
    deadline: str | None = None
    status: str | None = None
    progress: str | None = None
    remark: str | None = None
    ref: Ref = field(default_factory=Ref)
    list_no: int = 0
    has_progress_field: bool = False  # the list has a progress column or label


@dataclass
class ListContext:
    """What is known about one task list: its heading and whether it reports progress."""

    heading: str | None = None
    has_progress: bool = False
    progress_headers: list[str] = field(default_factory=list)
