"""How far along is a task? Targets from its content, achievements from its progress
text, each achievement matched to the target it reports on, the report's as-of
date, and a status: the notice's own where it has one, else inferred.

Pure functions of a validated Task and its document's facts; the loader stores
the result beside the task.
"""
from __future__ import annotations

import datetime as dt
from functools import lru_cache

import regex

from . import profiles
from .fields.periods import as_of_date
from .fields.quantities import Quantity, find_quantities
from .models import Achievement, DocumentFacts, Measure, Status, Task, TaskMeasures
from .textnorm import similarity

_POINT = regex.compile(r"^\s*(\d{1,2})\s*[.．、]\s*")


def strip_point_numbers(text: str) -> str:
    """Drop the "1." "2." that number the points of a progress text, so 1.2处 reads as 2处.
    Only when the lines are numbered 1, 2, 3..., so a text opening with 1.5万 keeps it."""
    lines = text.split("\n")
    numbers = [_POINT.match(line) for line in lines]
    numbered = [(i, m) for i, m in enumerate(numbers) if m]
    if len(numbered) < 2 or any(int(m.group(1)) != k + 1 for k, (_, m) in enumerate(numbered)):
        return text
    return "\n".join(line[m.end():] if m else line for line, m in zip(lines, numbers))


def stated_share(progress: str | None) -> tuple[float, tuple[int, int]] | None:
    """A completion share the notice states (完成任务的40% → 40.0) and its span."""
    if not progress:
        return None
    for pattern in profiles.load().stated_share:
        m = pattern.search(progress)
        if m:
            return float(m.group("pct")), m.span()
    return None


def _measure_key(unit: str) -> str:
    return profiles.load().same_measure.get(unit, unit)


def _is_restated_target(q: Quantity, targets: list[Quantity]) -> bool:
    """全年任务4400批次, 计划新开通3家, or the target's own figure in a sentence that
    reports nothing done (修缮、更新100个农村候车亭项目取得批复): not an achievement."""
    prof = profiles.load()
    clause_lead = regex.sub(r"[“\"《][^”\"》]*[”\"》]", "", q.lead)[-8:]  # not the 计划 in “周末场演出计划”
    last_target_word = max((clause_lead.rfind(w) for w in prof.target_words), default=-1)
    if last_target_word >= 0 and not any(w in clause_lead[last_target_word:] for w in prof.achieved_words):
        return True
    same = any(t.value == q.value and _measure_key(t.unit) == _measure_key(q.unit) for t in targets)
    return same and not any(w in q.lead or w in q.clause for w in prof.achieved_words)


def achievements_in(text: str, targets: list[Quantity],
                    share: tuple[float, tuple[int, int]] | None = None) -> list[Quantity]:
    """Quantities a progress text (point numbers stripped) reports as done; the stated
    share's own percentage is not one."""
    found = []
    for q in find_quantities(text):
        if share and share[1][0] <= q.start < share[1][1]:
            continue
        if not _is_restated_target(q, targets):
            found.append(q)
    return found


def _pair_score(target: Quantity, got: Quantity) -> float | None:
    """How surely `got` reports on `target`; None when it cannot (another measure or thing)."""
    if _measure_key(target.unit) != _measure_key(got.unit):
        return None
    noun_sim = similarity(target.noun, got.noun)
    clause_sim = similarity(target.clause, got.clause)
    same_head = bool(target.noun and got.noun and target.noun[-1] == got.noun[-1])
    # 已完工33条: no noun of its own, so the unit alone ties it to the target
    if got.noun is None or same_head or noun_sim >= 0.2 or clause_sim >= 0.25:
        return max(noun_sim, clause_sim) + (0.3 if same_head else 0.0)
    return None


def match(targets: list[Quantity], got: list[Quantity]) -> dict[int, int]:
    """achievement index → target index, one to one, best-scoring pairs first."""
    scored = []
    for ti, t in enumerate(targets):
        for ai, a in enumerate(got):
            score = _pair_score(t, a)
            if score is not None:
                scored.append((-score, ai, ti))
    pairs: dict[int, int] = {}
    used_targets: set[int] = set()
    for _, ai, ti in sorted(scored):
        if ai not in pairs and ti not in used_targets:
            pairs[ai] = ti
            used_targets.add(ti)
    return pairs


@lru_cache(maxsize=1)
def _summing() -> tuple[regex.Pattern, tuple[str, ...], tuple[str, ...], regex.Pattern]:
    """(a gap that may join two parts, part words, total words, a joiner): quantities.toml [summing]."""
    words = profiles.vocabulary("quantities.toml").get("summing", {})
    joiners = "|".join(map(regex.escape, words.get("joiners", []))) or "(?!)"
    # a gap between two parts: short, no figure, no sentence end (and a joiner in it)
    gap = regex.compile(r"^[^\d。!！?？\n]{0,30}$")
    return gap, tuple(words.get("part_words", [])), tuple(words.get("total_words", ())), regex.compile(joiners)


def _clause_lead(q: Quantity) -> str:
    """Its clause up to the number (after ，。；)."""
    return q.clause[:max(0, q.clause.find(q.text))] if q.text in q.clause else q.lead[-12:]


def summed_parts(targets: list[Quantity], got: list[Quantity], pairs: dict[int, int]) -> dict[int, list[int]]:
    """achievement index → the indexes of its parts, itself first, for each matched
    achievement that is one of several parts of the same thing (17场、50场 against
    60场). Parts sit next to each other in the text, are of the target's measure and
    each name a thing that reports on it (its own noun)."""
    gap_ok, part_words, total_words, joiner = _summing()
    taken = set(pairs)
    out: dict[int, list[int]] = {}

    def joins(a: Quantity, b: Quantity) -> bool:
        gap = a.source[a.end:b.start]
        return bool(gap_ok.match(gap)) and bool(joiner.search(gap)) and not any(w in gap for w in part_words)

    def is_part(q: Quantity, target: Quantity) -> bool:
        return bool(q.noun) and _pair_score(target, q) is not None and not any(
            w in _clause_lead(q) for w in total_words)

    for ai, ti in pairs.items():
        target = targets[ti]
        if not is_part(got[ai], target):
            continue
        group = [ai]
        for step in (-1, 1):
            k = ai
            while 0 <= k + step < len(got) and k + step not in taken:
                nxt = got[k + step]
                a, b = (nxt, got[k]) if step < 0 else (got[k], nxt)
                if not (is_part(nxt, target) and joins(a, b)):
                    break
                k += step
                group.append(k)
        if len(group) > 1:
            taken.update(group)
            out[ai] = group
    return out


@lru_cache(maxsize=1)
def _year_end_words() -> regex.Pattern:
    """A word for the whole task done, not followed by a figure nor negated (status.toml [year_end])."""
    words = profiles.vocabulary("status.toml").get("year_end", {})
    alt = lambda ws: "|".join(map(regex.escape, sorted(ws, key=len, reverse=True))) or "(?!)"
    return regex.compile(rf"(?<!{alt(words.get('negations', []))})(?:{alt(words.get('words', []))})(?![了的]?\s*[\d一二三四五六七八九十两百千万])",
                         regex.V1)


def says_done(progress: str | None) -> bool:
    """Does a report's text say the task as a whole is done (全面完成, 超额完成年度任务)?"""
    return bool(progress) and bool(_year_end_words().search(progress))


def _ratio(achieved: float, target: float) -> float | None:
    return round(achieved / target, 4) if target else None


def _met(value: float, t: Quantity) -> bool:
    return value <= t.value if t.comparator == "<=" else value >= t.value


def status_from_words(text: str | None) -> Status | None:
    """The status a status cell's words name (正在推进 → in_progress, 已完成 → completed)."""
    if not text:
        return None
    words = profiles.load().status_words
    for status in ("not_started", "in_progress", "completed"):
        if any(w in text for w in words[status]):
            return status  # type: ignore[return-value]
    return None


def _status_from_progress(progress: str, list_kind: str) -> Status:
    words = profiles.load().status_words
    if any(w in progress for w in words["not_started"]) and not any(w in progress for w in words["completed"]):
        return "not_started"
    if any(w in progress for w in words["in_progress"]):
        return "in_progress"
    if list_kind == "completion":
        return "completed"  # a year-end report describes what was done
    # a progress report: done only when its opening says so (已完成对…整治工作)
    opening = regex.split(r"[，。；\n]", progress.strip(), maxsplit=1)[0]
    strong = [w for w in words["completed"] if len(w) >= 3 or w.startswith("已")]  # not 完成第一批…
    return "completed" if any(w in opening for w in strong) else "in_progress"


def infer_status(task: Task, targets: list[Quantity], reported: dict[int, float], share: float | None, *,
                 year_end: bool = False) -> tuple[Status | None, str | None]:
    """(status, basis): the notice's words first, then the numbers (target index →
    the figure reported on it, parts added up), the stated share, the progress text,
    and last what kind of list the task is in. In a year-end report, its word for
    the whole task (全面完成) outranks a figure short of its target."""
    own = status_from_words(task.status)
    if own:
        return own, "notice"
    if reported:
        if not all(_met(value, targets[ti]) for ti, value in reported.items()):
            if year_end and says_done(task.progress):
                return "completed", "year_end_wording"
            return "in_progress", "numbers"
        if len(reported) == len(targets):
            return "completed", "numbers"
    if share is not None:
        return ("completed" if share >= 100 else "in_progress"), "stated_share"
    if task.progress and task.progress.strip():
        return _status_from_progress(task.progress, task.list_kind), "progress"
    if task.list_kind == "completion":
        return "completed", "list_kind"
    if task.list_kind == "plan":
        return "not_started", "list_kind"
    return None, None


def _measure(q: Quantity, position: int) -> dict:
    return {"position": position, "value": q.value, "unit": q.unit, "comparator": q.comparator, "noun": q.noun,
            "text": q.text}


def measure_task(task: Task, doc: DocumentFacts) -> TaskMeasures:
    targets = find_quantities(task.content)
    progress = strip_point_numbers(task.progress or "")
    share = stated_share(progress)
    got = achievements_in(progress, targets, share)
    pairs = match(targets, got)
    parts = summed_parts(targets, got, pairs)
    reported = {ti: sum(got[k].value for k in parts.get(ai, [ai])) for ai, ti in pairs.items()}
    share_pct = share[0] if share else None
    as_of = as_of_date(period=doc.period, year=task.year, list_kind=task.list_kind, published=doc.published)
    year_end = task.list_kind == "completion" or bool(as_of and (as_of.month, as_of.day) == (12, 31))
    status, basis = infer_status(task, targets, reported, share_pct, year_end=year_end)
    overdue = overdue_on(task.deadline, status, as_of)
    achievements = []
    inside = {k for group in parts.values() for k in group[1:]}  # parts added into their first
    for ai, q in enumerate(got):
        if ai in inside:
            continue
        ti = pairs.get(ai)
        m = _measure(q, ai + 1)
        if ai in parts:  # one row for the sum, its text the parts as printed: 17场+50场
            group = sorted(parts[ai])
            m |= {"value": reported[ti], "text": "+".join(got[k].text for k in group), "position": group[0] + 1}
        achievements.append(Achievement(**m, target_position=None if ti is None else ti + 1,
                                        ratio=None if ti is None else _ratio(m["value"], targets[ti].value)))
    return TaskMeasures(as_of=as_of, status=status, status_basis=basis, overdue=overdue, stated_share=share_pct,
                        targets=[Measure(**_measure(q, i + 1)) for i, q in enumerate(targets)],
                        achievements=achievements)


def overdue_on(deadline: dt.date | None, status: Status | None, day: dt.date | None) -> bool:
    """A task is overdue on `day` when its deadline has passed and it is not completed."""
    return bool(deadline and day and deadline < day and status != "completed")
