"""Canonical names of responsible bodies, from the alias table parsers/body_aliases.toml.

区人保局, 区人力资源社会保障局 and 区人力资源和社会保障局 are one body. Names are
matched without their level word (区/市/县...), which goes back onto the canonical
name, and by a key that ignores 和/与/及 and reads 委员会 as 委. An entry scoped to a
region applies inside that region only. Unknown names pass through unchanged.
"""
from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import lru_cache

import regex

from ... import profiles
from ...validate import UNKNOWN_BODY, Task, TaskWarning

ALIAS_FILE = "body_aliases.toml"
_LEVEL = regex.compile(r"^(区|市|县|旗|州|盟|镇|乡)(?=\p{Han}{2})")


_IGNORED = regex.compile(r"[\s和与及]")


def name_key(name: str) -> str:
    """区住房和城乡建设委员会 and 区住房城乡建设委 have one key."""
    key = _IGNORED.sub("", name)
    return key.replace("委员会", "委").replace("（", "(").replace("）", ")")


@dataclass(frozen=True)
class Resolved:
    canonical: str
    known: bool


class AliasTable:
    def __init__(self, entries: list[dict]):
        # (region or "", key) -> canonical; the level-free table for names like 区人保局
        self._scoped: dict[tuple[str, str], str] = {}
        for entry in entries:
            region = entry.get("region", "")
            canonical = entry["canonical"]
            for name in [canonical, *entry.get("aliases", [])]:
                self._scoped[(region, name_key(name))] = canonical
        self.regions = sorted({r for r, _ in self._scoped if r}, key=len, reverse=True)
        self._resolved: dict[tuple[str, str | None], Resolved] = {}  # a run meets the same names again and again

    def _lookup(self, key: str, region: str | None) -> str | None:
        for scope in self.regions:
            if region and region.startswith(scope) and (scope, key) in self._scoped:
                return self._scoped[(scope, key)]
        return self._scoped.get(("", key))

    def resolve(self, name: str, region: str | None = None) -> Resolved:
        memo = self._resolved.get((name, region))
        if memo is None:
            memo = self._resolved[(name, region)] = self._resolve(name, region)
        return memo

    def _resolve(self, name: str, region: str | None) -> Resolved:
        key = name_key(name)
        hit = self._lookup(key, region)
        if hit:
            return Resolved(hit, True)
        m = _LEVEL.match(key)
        if m:
            hit = self._lookup(key[m.end():], region)
            if hit:
                return Resolved(m.group(1) + hit, True)
        return Resolved(name, False)


@lru_cache(maxsize=1)
def load() -> AliasTable:
    """The packaged table, then the analyst's entries (home.py), which win."""
    entries = []
    for path in profiles.vocabulary_files(ALIAS_FILE):
        with open(path, "rb") as fh:
            entries += tomllib.load(fh).get("body", [])
    return AliasTable(entries)


def unknown_bodies(task: Task, region: str | None) -> list[TaskWarning]:
    """A warning per body name of a task (lead and co) the alias table does not know."""
    aliases = load()
    return [TaskWarning(kind=UNKNOWN_BODY, text=name) for name in task.units + task.co_units
            if not aliases.resolve(name, region).known]


def resolve_body(name: str, region: str | None) -> tuple[str, bool, bool]:
    """What task_units holds for a lead or co body: (canonical name, known to the alias
    table, the name of a group of bodies: 各单位, 区有关部门, parsers/bodies.toml
    [collective]). Resolved as rows are built; again after a run, for every name,
    when the tables changed (derive/refresh.py)."""
    r = load().resolve(name, region)
    return r.canonical, r.known, bool(profiles.load().body_collective.search(name))
