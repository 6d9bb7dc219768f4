"""Tasks from numbered prose: "1. content" followed by labelled fields
(牵头领导：, 主要责任单位：, 完成时限：, 完成情况：…), under 一、 headings.

PDF dumps glue things together: a heading and the first task on one line, a
deadline and the next task's number, a label and the previous value. The next
task's number is therefore looked for inside lines too, but only the number that
comes next, and only where a new item can begin.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

import regex

from .. import profiles
from ..layout import Paragraph, Ref
from ..textnorm import squash_all
from .draft import TaskDraft

from .document import attachment_rest
from .labels import bracket_fields, field_of
from .labels import label_names as _label_names
from .labels import label_pattern as _label_pattern
from .markers import marker
from .segment import Plan, Split, plan

@dataclass
class ProseState:
    style: str | None
    heading_styles: tuple[str, ...] = ()
    plan: Plan | None = None
    index: int = -1  # the paragraph being fed
    section: str | None = None
    section_rule: str = ""
    section_changed: bool = False
    current: TaskDraft | None = None
    slot: str = "content"  # the field the next text belongs to
    inner_next: int | None = None  # next number of points inside a field value
    tasks: list[TaskDraft] = field(default_factory=list)
    list_no: int = -1


def new_state(paragraph_texts: list[str]) -> ProseState:
    chosen = plan(paragraph_texts)
    return ProseState(style=chosen.style, heading_styles=chosen.heading_styles, plan=chosen)


def _heading(text: str, state: ProseState) -> tuple[str, str] | None:
    """(heading text, rest of the line) when the line opens with a heading marker."""
    fixed = profiles.load().fixed_phrases
    for style in state.heading_styles:
        m = marker(text, style)
        if not m:
            continue
        if any(text.lstrip().startswith(p) for p in fixed):
            return None  # 二、三级医院 is not a heading
        # the first task may be glued to the heading: cut there
        cut = _glued_task_start(text, state, m[1], after_heading=True)
        head, rest = (text[:cut], text[cut:]) if cut is not None else (text, "")
        stop = head.find("。")
        if stop != -1 and cut is None:
            head, rest = head[:stop], head[stop + 1:]
        return squash_all(head), rest  # as printed, a closing colon included
    return None


def _expected(state: ProseState) -> list[int]:
    if state.current is None:
        return []
    return [state.current.seq + 1]


@lru_cache(maxsize=1024)
def _number_marker(style: str, n: int) -> regex.Pattern:
    """The marker of task number n anywhere in a line (cached: looked for in every line)."""
    if style == "arabic":
        return regex.compile(rf"(?<![\d.．]){n}\s*[.．、。](?!\d)")
    return regex.compile(rf"[（(]\s*{n}\s*[）)]")


def _glued_task_start(text: str, state: ProseState, start: int, after_heading: bool = False) -> int | None:
    """Where the next task's number starts inside a line, if it does."""
    if state.style not in ("arabic", "arabic_paren"):
        return None
    numbers = _expected(state) or []
    if after_heading:
        numbers = numbers + [1]
    for n in numbers:
        for m in _number_marker(state.style, n).finditer(text, start):
            before = text[:m.start()].rstrip()
            if not before:
                continue
            if after_heading and "。" not in text[start:m.start()]:
                return m.start()
            # after a deadline (…31日6.) or after whitespace outside running text
            if regex.search(r"(?:日|底|前|止)$", before) or (
                    text[m.start() - 1].isspace() and state.slot not in ("content", "progress")):
                return m.start()
    return None


def _start_task(state: ProseState, seq: int, text: str, ref: Ref) -> None:
    if seq == 0:  # an item with no number (a bullet, a framed paragraph): the next one
        seq = state.current.seq + 1 if state.current is not None else 1
    elif state.current is None or seq <= state.current.seq:
        state.list_no += 1  # numbering restarts: a new list (last year's results, this year's plan)
    if state.list_no < 0:
        state.list_no = 0
    state.section_changed = False
    draft = TaskDraft(seq=seq, content="", section=state.section, ref=ref, list_no=state.list_no,
                      style=state.style)
    state.current = draft
    state.tasks.append(draft)
    state.slot = "content"
    state.inner_next = None
    draft.why["content"] = _OPENED_BY.get(state.style or "", f"an item numbered in the {state.style} style")
    if state.section:
        draft.why["section"] = state.section_rule
    _add_text(state, text)
    draft.first_len = len(draft.content)


_OPENED_BY = {
    "cn": "an item numbered 一、", "cn_paren": "an item numbered （一）", "arabic": "an item numbered 1.",
    "arabic_paren": "an item numbered （1）", "circled": "an item numbered ①", "cn_shi": "an item opened by 一是",
    "cn_item": "an item numbered 第一项", "bullet": "a bulleted item", "lead": "a paragraph framed as 关于X。",
    "plain": "a paragraph after the list's lead-in",
}


_SINKS = ("ignored", "closed")  # slots whose text belongs to no field (负责人：…, after the list)


def _append(state: ProseState, name: str, text: str) -> None:
    draft = state.current
    text = text.strip()
    if not text or name in _SINKS:
        return
    have = getattr(draft, name) or ""
    setattr(draft, name, f"{have}\n{text}" if have else text)


_NAME_FIELDS = ("units", "resp_units", "co_units", "lead_officials")


def _add_text(state: ProseState, text: str) -> None:
    """Text of the open task: split on field labels, each part to its field. A
    责任单位 is held apart: beside a 牵头单位 it names co-organisers (draft.py)."""
    text, pairs = bracket_fields(text)
    for label, value in pairs:  # (牵头单位:X;责任单位:A、B) inside the sentence
        name = field_of(label)
        if name != "ignore":
            _append(state, name, value)
            state.current.why.setdefault(name, f"in brackets after the sentence: {label}")
    pos = 0
    for m, label in _label_names(text):
        before = text[pos:m.start()]
        if state.slot == "content" and before.strip():
            before = before.rstrip().rstrip("，,；;、")  # the comma before an inline label is the sentence's
        _append(state, state.slot, before)
        name = field_of(label)
        state.slot = name if name != "ignore" else "ignored"
        state.current.why.setdefault(name, f"label {label}")
        state.inner_next = None
        if name == "progress":
            state.current.has_progress_field = True
        pos = m.end()
    rest = text[pos:]
    if pos and state.slot in _NAME_FIELDS and text[:pos].strip():
        # an inline label in the sentence ("1、事项，牵头单位：X。其中…"): its value ends
        # with the sentence; what follows goes on with the task's text
        value, stop, after = rest.partition("。")
        if stop and after.strip():
            _append(state, state.slot, value)
            state.slot = "content"
            rest = after
    if state.slot != "ignored":
        if not (getattr(state.current, state.slot) or "").strip():
            first = marker(rest, "arabic") or marker(rest, "arabic_paren")
            if first and first[0] == 1:
                state.inner_next = 2
        _append(state, state.slot, rest)


@lru_cache(maxsize=1)
def _list_end() -> regex.Pattern:
    words = "|".join(regex.escape(w) for w in profiles.vocabulary("segmentation.toml")["list_end"])
    return regex.compile(rf"^\s*(?:{words})")


_ONE_LINE_FIELDS = ("deadline", "status")
_CLOSING_FIELDS = ("deadline", "units", "resp_units", "co_units", "lead_officials", "status", "ignored", "closed")


def _opens_task(state: ProseState, n: int) -> bool:
    """Does a line numbered n open a new task (rather than a point inside one)?"""
    cur = state.current
    if n == 0 or cur is None or n == cur.seq + 1:
        return True
    if n == 1:
        return state.section_changed or state.slot in _CLOSING_FIELDS
    return state.section_changed and n > cur.seq and state.inner_next != n


def feed(state: ProseState, para: Paragraph) -> None:
    """One paragraph into the state machine, as the segmentation plan reads it."""
    state.index += 1
    plan_ = state.plan
    if plan_ is not None:
        if state.index in plan_.skip:
            return
        if state.index in plan_.headings:
            state.section = squash_all(para.text)
            state.section_rule = "a short unnumbered heading line between the items"
            state.section_changed = True
            if state.current is not None:
                state.slot = "closed"
            return
        split = plan_.splits.get(state.index)
        if split is not None:
            _feed_split(state, para, split)
            return
        if state.index in plan_.items:
            _start_task(state, 0, para.text, para.ref)
            return
    _feed_text(state, para.text, para.ref)


_SEPARATORS = "；;，,、。 \t"


def _feed_split(state: ProseState, para: Paragraph, split: Split) -> None:
    """Items running on inside one paragraph: each piece is an item of its own; the
    sentence after the last one (目前，3个任务…都已完成。) is shared by them all."""
    if split.intro.strip() and state.current is not None and state.slot != "closed":
        _add_text(state, split.intro)
    started = len(state.tasks)
    for piece in split.pieces:
        _feed_text(state, piece, para.ref)
    for draft in state.tasks[started:]:
        draft.why["content"] = "an item running on inside one paragraph (" + draft.why.get("content", "") + ")"
        if not split.sentence_items:  # 一是X；二是Y；三是Z。: the separator is the sentence's, not the item's
            draft.content = draft.content.rstrip(_SEPARATORS)
        draft.shared_tail = split.tail or None
    if state.current is not None:
        state.slot = "closed"


def _feed_text(state: ProseState, text: str, ref: Ref) -> None:
    if attachment_rest(text) is not None:
        state.section = None  # an attachment starts: the covering notice's headings end here
        if state.current is not None:
            state.slot = "closed"
        return
    while text:
        heading = _heading(text, state)
        if heading:
            state.section, text = heading
            state.section_rule = "the numbered heading above the item"
            state.section_changed = True
            if state.current is not None:
                state.slot = "closed"
            continue
        m = marker(text, state.style) if state.style else None
        if m:
            n, end = m
            if _opens_task(state, n):
                rest = text[end:]
                cut = _glued_task_start(rest, state_after(state, n), 0)
                _start_task(state, n, rest if cut is None else rest[:cut], ref)
                text = "" if cut is None else rest[cut:]
                continue
            if state.inner_next == n:
                state.inner_next = n + 1
        if state.current is None or state.slot == "closed":
            return  # text outside any task (intro, signature, notes)
        if _list_end().match(text):
            state.slot = "closed"  # 抄送/印发 (版记) and the like end the list
            return
        if state.slot in _ONE_LINE_FIELDS and not _label_pattern().search(text):
            state.slot = "closed"  # a deadline is one line; what follows is not part of it
            return
        cut = _glued_task_start(text, state, 0)
        if cut is not None:
            _add_text(state, text[:cut])
            text = text[cut:]
            continue
        if state.slot == "content":
            state.current.extra_paras += 1
        _add_text(state, text)
        return


def state_after(state: ProseState, seq: int) -> ProseState:
    """A view of the state as if task `seq` were open (to find the task after it)."""
    probe = ProseState(style=state.style, heading_styles=state.heading_styles)
    probe.current = TaskDraft(seq=seq)
    probe.slot = "content"
    return probe
