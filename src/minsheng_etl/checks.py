"""Warnings about a parsed task: fields that are missing or were not understood.

They do not reject anything (the record is valid); they tell an analyst what to
look at: `etl inspect` shows them per task, `etl ingest` counts them per kind.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import regex

from .load.derive import canonical
from .models import Task

UNKNOWN_BODY = "unknown body names"
NO_DEADLINE = "tasks with no deadline"
DEADLINE_NOT_READ = "deadlines not understood"
FIGURE_NO_UNIT = "figures without a unit"
NO_BODY = "tasks with no responsible body"

# a figure right after a word and right before the end of a clause: 增长8，/ 达到12。 (a target with
# its unit forgotten); figures followed by anything else are dates, names, codes or measured
_BARE_FIGURE = regex.compile(r"(?<=\p{Han})\d+(?:\.\d+)?(?=\s*(?:[，。；,;！!]|$))")


@dataclass(frozen=True)
class Warning:
    kind: str
    text: str  # what, briefly: the name, the figure, the deadline as written

    @property
    def label(self) -> str:
        """Short, for one task (etl inspect's check column)."""
        return {UNKNOWN_BODY: f"unknown body {self.text}", NO_DEADLINE: "no deadline",
                DEADLINE_NOT_READ: f"deadline not understood: {self.text}",
                FIGURE_NO_UNIT: f"figure without a unit: {self.text}", NO_BODY: "no responsible body"}[self.kind]


def task_warnings(task: Task, region: str | None) -> list[Warning]:
    out: list[Warning] = []
    aliases = canonical.load()
    for name in task.units + task.co_units:
        if not aliases.resolve(name, region).known:
            out.append(Warning(UNKNOWN_BODY, name))
    if not task.units and task.list_kind != "completion":
        out.append(Warning(NO_BODY, ""))
    if task.deadline is None and task.list_kind != "completion":
        out.append(Warning(DEADLINE_NOT_READ, task.deadline_text) if task.deadline_text
                   else Warning(NO_DEADLINE, ""))
    if not task.targets:
        m = _BARE_FIGURE.search(task.content)
        if m:
            out.append(Warning(FIGURE_NO_UNIT, task.content[max(0, m.start() - 6): m.end() + 2]))
    return out


class WarningTally:
    """Warnings of a run, by kind: a count and a few examples each."""

    def __init__(self, examples: int = 5):
        self.counts: dict[str, int] = defaultdict(int)
        self.examples: dict[str, list[str]] = defaultdict(list)
        self.names: set[str] = set()  # unknown body names count once each
        self.limit = examples

    def add(self, warning: Warning, where: str) -> None:
        if warning.kind == UNKNOWN_BODY:
            if warning.text in self.names:
                return
            self.names.add(warning.text)
        self.counts[warning.kind] += 1
        seen = self.examples[warning.kind]
        example = warning.text if warning.kind == UNKNOWN_BODY else f"{where} {warning.text}".strip()
        if len(seen) < self.limit and example not in seen:
            seen.append(example)

    def as_dict(self) -> dict[str, dict]:
        return {kind: {"count": n, "examples": self.examples[kind]} for kind, n in sorted(self.counts.items())}
