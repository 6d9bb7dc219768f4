"""Drafts made whole once the list is known: which body a 责任单位 names, where an
item that ran on inside a sentence ends, and, in a report with no progress field,
where a task's name ends and its report begins ("关于X。…", "X方面：…",
"sentence。report…", a ☑ title and the paragraphs under it)."""
from __future__ import annotations

from functools import lru_cache

import regex

from .. import profiles
from ..script import to_simplified
from .draft import TaskDraft

_FIRST_SENTENCE = regex.compile(r"^.*?。")


@lru_cache(maxsize=1)
def _frames() -> tuple[tuple[str, ...], tuple[str, ...]]:
    words = profiles.vocabulary("segmentation.toml")
    return tuple(words["name_prefixes"]), tuple(words["name_suffixes"])


def _join(*parts: str | None) -> str | None:
    kept = [p for p in parts if p and p.strip()]
    return "\n".join(kept) if kept else None


def resolve_responsible(draft: TaskDraft) -> None:
    """责任单位 beside a 牵头单位 names co-organisers; standing alone, the responsible bodies."""
    if not draft.resp_units:
        return
    if draft.units:
        draft.co_units = _join(draft.resp_units, draft.co_units)
        draft.why["co_units"] = "责任单位 beside a 牵头单位: co-organisers"
    else:
        draft.units = draft.resp_units
        draft.why["units"] = draft.why.pop("resp_units", "责任单位") + " (standing alone: the responsible bodies)"
    draft.resp_units = None


def name_and_report(first: str) -> tuple[str, str]:
    """A report paragraph's task name and the rest: "关于X。rest" → X; "X方面：rest" → X;
    "sentence。rest" → "sentence。"; otherwise the whole line is the name."""
    prefixes, suffixes = _frames()
    simple = to_simplified(first)
    for prefix in prefixes:
        if simple.startswith(prefix) and "。" in first:
            name, _, rest = first[len(prefix):].partition("。")
            return name.strip(), rest.strip()
    colon = regex.search(r"[：:]", first)
    stop = first.find("。")
    if colon and (stop == -1 or colon.start() < stop):
        name, rest = first[:colon.start()].strip(), first[colon.end():].strip()
        for suffix in suffixes:
            if to_simplified(name).endswith(suffix) and len(name) > len(suffix):
                name = name[: -len(suffix)]
        return name, rest
    if stop != -1 and first[stop + 1:].strip():
        return first[:stop + 1].strip(), first[stop + 1:].strip()
    return first.strip(), ""


def split_report(draft: TaskDraft) -> None:
    """In a report, a prose item without a progress field holds its name then its report."""
    if draft.progress or not draft.content:
        if not draft.progress and draft.shared_tail:
            draft.progress = _shared(draft.shared_tail)
            draft.why["progress"] = "the sentence after the run of items, shared by them"
        return
    first, _, more = draft.content.partition("\n")
    name, rest = name_and_report(first)
    progress = _join(rest, more)
    if progress:
        draft.content, draft.progress = name, progress
        draft.why["content"] = draft.why.get("content", "") + "; the task's name, cut from its report"
        draft.why["progress"] = "a report with no progress field: the text after the task's name"
    elif draft.shared_tail:
        draft.progress = _shared(draft.shared_tail)
        draft.why["progress"] = "the sentence after the run of items, shared by them"


def _shared(tail: str) -> str | None:
    m = _FIRST_SENTENCE.match(tail.strip())
    return m.group(0) if m else tail.strip() or None


def trim_after_last(members: list[TaskDraft]) -> None:
    """Where every item of a list is one paragraph, the paragraphs after the last one
    (a 公示 notice, contact lines) are not part of it."""
    if len(members) < 3 or any(d.extra_paras for d in members[:-1]) or not members[-1].extra_paras:
        return
    last = members[-1]
    if not last.content[: last.first_len].rstrip().endswith(("。", "；", ";", "！", "!", "？", "?")):
        return  # the item's sentence goes on: a line wrapped onto the next paragraph
    last.content = last.content[: last.first_len]
    last.extra_paras = 0


@lru_cache(maxsize=1)
def _heading_lead() -> regex.Pattern:
    words = "|".join(regex.escape(w) for w in profiles.vocabulary("segmentation.toml")["heading_lead_words"])
    return regex.compile(rf"^\s*(?:[一二三四五六七八九十]{{1,3}}[、.．]|[（(][一二三四五六七八九十]{{1,3}}[）)])?\s*"
                         rf"(?P<body>[^，,。；;：:、]{{2,30}}?)(?:{words})")


def lead_from_heading(draft: TaskDraft) -> None:
    """A task that names no body takes the one its heading names as leader
    ("一、县示范区管委会牵头工作(8项)")."""
    if draft.units or draft.resp_units or not draft.section:
        return
    m = _heading_lead().match(to_simplified(draft.section))
    if m and m.group("body").endswith(profiles.load().body_suffixes):
        draft.units = draft.section[m.start("body"):m.end("body")]
        draft.why["units"] = "the heading names the body that leads its tasks"


def finish(drafts: list[TaskDraft], report: bool) -> None:
    """report: the notice reports on its tasks. Names and reports are told apart in
    the text only when no list has a progress field: a notice that labels progress
    in one list and not in another (last year's results, this year's plan) holds
    a plan in the other."""
    unlabelled = report and not any(d.has_progress_field for d in drafts)
    lists: dict[int, list[TaskDraft]] = {}
    for draft in drafts:
        if draft.style:
            lists.setdefault(draft.list_no, []).append(draft)
    for members in lists.values():
        trim_after_last(members)
    for draft in drafts:
        lead_from_heading(draft)
        resolve_responsible(draft)
        if unlabelled and draft.style:
            split_report(draft)
