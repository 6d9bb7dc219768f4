"""Versions of a notice: which files are renderings of one version and what a
corrected re-issue changed.

The PDF and the DOCX of one notice give the same records; a corrected re-issue
(same title and period, a deadline or a figure changed) gives other records. So a
document's fingerprint is a hash of its records' facts, compared the way a reader
compares them (spacing, punctuation and full-width digits aside): equal
fingerprints are one version, and the newest version of a notice is the one the
views show (notice_versions in 002_views.sql orders them).

Pure functions: the loader fingerprints a parsed Notice, derive.py compares the
warehouse rows of consecutive versions.
"""
from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import regex

from .textnorm import nfkc_digits

# the facts a revision can change, in the order the run summary names them
FIELDS = ("content", "deadline", "units", "co_units", "lead_officials", "status", "progress")
_NOISE = regex.compile(r"[\s\p{P}\p{S}]+")


def _same_form(value) -> str:
    """A fact as compared: text without spacing and punctuation, lists joined."""
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return "、".join(_same_form(v) for v in value)
    return _NOISE.sub("", nfkc_digits(str(value)))


def task_facts(task: Mapping) -> dict[str, str]:
    """One task's comparable facts (a Task's fields or a warehouse row alike)."""
    return {name: _same_form(task.get(name)) for name in FIELDS}


def fingerprint(tasks: Iterable[Mapping]) -> str:
    """The records' hash: equal for the renderings of one version of a notice."""
    h = hashlib.sha256()
    for task in sorted(tasks, key=lambda t: (t["list"], t["seq"])):
        facts = task_facts(task)
        h.update(f"{task['list']}:{task['seq']}\x1f".encode())
        h.update("\x1f".join(facts[name] for name in FIELDS).encode())
        h.update(b"\x1e")
    return h.hexdigest()[:16]


@dataclass(frozen=True)
class Change:
    list: int | None
    seq: int | None
    field: str  # one of FIELDS, or "task" for a task added or dropped
    old: str | None
    new: str | None

    def describe(self) -> str:
        where = f"#{self.seq}" if self.seq is not None else "notice"
        if self.field == "task":
            return f"{where} {'added' if self.old is None else 'dropped'}"
        return f"{where} {self.field}: {_short(self.old)} → {_short(self.new)}"


def _short(value: str | None, width: int = 40) -> str:
    if not value:
        return "(none)"
    return value if len(value) <= width else value[:width - 1] + "…"


def _shown(value) -> str | None:
    if value is None or value == [] or value == ():
        return None
    if isinstance(value, (list, tuple)):
        return "、".join(str(v) for v in value)
    return str(value)


def changes(old: Iterable[Mapping], new: Iterable[Mapping]) -> list[Change]:
    """What the newer version changed, task by task (matched by list and number)."""
    before = {(t["list"], t["seq"]): t for t in old}
    after = {(t["list"], t["seq"]): t for t in new}
    out: list[Change] = []
    for key in sorted(before.keys() | after.keys()):
        a, b = before.get(key), after.get(key)
        if a is None or b is None:
            out.append(Change(*key, "task", None if a is None else _shown(a["content"]),
                              None if b is None else _shown(b["content"])))
            continue
        fa, fb = task_facts(a), task_facts(b)
        out += [Change(*key, name, _shown(a.get(name)), _shown(b.get(name)))
                for name in FIELDS if fa[name] != fb[name]]
    return out
