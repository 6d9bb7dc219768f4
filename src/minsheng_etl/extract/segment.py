"""Which paragraphs hold the task list: a choice among candidate lists.

Every marker style is a candidate, and so are bulleted items, paragraphs that
open with a framing word (关于X。…), paragraphs after a lead-in (…如下：) and
items that run on inside one paragraph (（1）…（2）…, 一是…；二是…). The task
list is picked by evidence, not by first match: a numbered list at paragraph
starts (longest run 1, 2, 3…) before items of the newer styles, those before
inline items, inline items only when they do not restart in paragraph after
paragraph (then they are points inside a report), framed paragraphs, then
paragraphs after a lead-in. Lists that are not tasks are set aside first:
an attachment list (附件：1.… 2.…) and a roll of names too short to be tasks.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

import regex

from .. import profiles
from ..script import to_simplified
from ..textnorm import squash_all
from . import markers
from .document import attachment_rest
from .labels import label_names
from .markers import CLASSIC, INLINE, NEW

_SENTENCE_PUNCT = regex.compile(r"[。；;，,：:！!？?]")


@dataclass
class Split:
    """A paragraph whose items run on inside it."""

    intro: str
    pieces: list[str]  # each piece starts with its marker
    tail: str  # what follows the last item (a shared report sentence, or nothing)
    sentence_items: bool  # items are whole sentences (…。（2）…。): keep their 。


@dataclass
class Plan:
    style: str | None
    heading_styles: tuple[str, ...] = ()
    skip: set[int] = field(default_factory=set)  # paragraphs of lists that are not tasks
    headings: set[int] = field(default_factory=set)  # unmarked headings inside the list
    splits: dict[int, Split] = field(default_factory=dict)
    items: set[int] = field(default_factory=set)  # openers of unnumbered items ('lead', 'plain')
    reason: str = ""
    lead_in: str | None = None  # the sentence that introduces the list (…主要进度如下：)


@lru_cache(maxsize=1)
def _words() -> dict:
    return profiles.vocabulary("segmentation.toml")


def _starts_with_any(text: str, words) -> bool:
    text = to_simplified(text.lstrip())
    return any(text.startswith(w) for w in words)


def _body_chars(text: str, end: int) -> int:
    return len(regex.sub(r"[\p{P}\s\d]", "", text[end:]))


# an attachment's number: "1.2025年…" is item 1, not the decimal 1.2
_ATTACHMENT_ITEM = regex.compile(r"^\s*(\d{1,2})\s*[.．、。]\s*")


def _attachment_items(texts: list[str]) -> set[int]:
    """Numbered lines of an attachment list: 附件：1.X, then 2.Y, 3.Z (titles, no 。)."""
    endings = tuple(_words()["attachment_title_endings"])
    out: set[int] = set()
    for i, text in enumerate(texts):
        rest = attachment_rest(text)
        if rest is None or not _ATTACHMENT_ITEM.match(rest):
            continue
        out.add(i)
        for j in range(i + 1, min(i + 30, len(texts))):
            m = _ATTACHMENT_ITEM.match(texts[j])
            body = squash_all(texts[j][m.end():]).rstrip("。；;") if m else ""
            if not m or "。" in body or not body.endswith(endings):
                break
            out.add(j)
    return out


def _is_name_only(text: str, end: int, limit: int) -> bool:
    """A short name with no figure that ends like a place or a body (城关镇；): an entry
    of a roll, not a task."""
    body = text[end:].strip().rstrip("。；;，,、")
    return (_body_chars(text, end) < limit and not regex.search(r"\d", body)
            and body.endswith(profiles.load().body_suffixes))


def _short_rolls(texts: list[str], skip: set[int]) -> set[int]:
    """Runs of numbered lines too short to be tasks (a ranking: 1、金寨县；2、…)."""
    limit = int(_words()["min_task_chars"])
    out: set[int] = set()
    for style in CLASSIC:
        run: list[int] = []
        prev = None
        for i, text in enumerate(texts + [""]):
            m = markers.marker(text, style) if i not in skip and i < len(texts) else None
            if m and prev is not None and m[0] == prev + 1:
                run.append(i)
                prev = m[0]
                continue
            if len(run) >= 2 and all(_is_name_only(texts[k], markers.marker(texts[k], style)[1], limit) for k in run):
                out.update(run)
            run, prev = ([i], m[0]) if m else ([], None)
    return out


def _longest_run(numbers: list[int]) -> int:
    best = run = 0
    prev = None
    for n in numbers:
        run = run + 1 if prev is not None and n == prev + 1 else 1
        best, prev = max(best, run), n
    return best


_ANY_ARABIC = regex.compile(r"(?<![\d.．])(\d{1,3})\s*[.．、。](?!\d)")


def _classic_style(texts: list[str]) -> tuple[str | None, int]:
    """The numbering style of the tasks among the classic ones: the longest run 1, 2, 3…
    (points inside a task's progress restart often, tasks do not)."""
    runs = {}
    for style in CLASSIC:
        if style == "arabic":  # PDF dumps glue numbers mid-line: count those too
            numbers = [int(n) for p in texts for n in _ANY_ARABIC.findall(p)]
        else:
            numbers = [m[0] for m in (markers.marker(p, style) for p in texts) if m]
        runs[style] = _longest_run(numbers)
    best = max(CLASSIC, key=lambda s: (runs[s], CLASSIC.index(s)))  # a tie: the inner style (headings are outer)
    return (best, runs[best]) if runs[best] >= 2 else (None, 0)


def _new_style(texts: list[str]) -> tuple[str | None, int]:
    best, best_n = None, 0
    for style in NEW:
        found = [m[0] for m in (markers.marker(p, style) for p in texts) if m]
        n = len(found) if style == "bullet" else _longest_run(found)
        if n > best_n:
            best, best_n = style, n
    return (best, best_n) if best_n >= 2 else (None, 0)


def _restarts(texts: list[str], style: str) -> bool:
    """Does the numbering start again at 1 somewhere after its first item?"""
    firsts = [m[0] for m in (markers.marker(p, style) for p in texts) if m and m[0] == 1]
    return len(firsts) > 1


def _inline_split(texts: list[str]) -> tuple[str, dict[int, Split]] | None:
    """Items running on inside one paragraph; None when runs restart in several
    paragraphs (一是…二是… inside each report paragraph are its points)."""
    for style in INLINE:
        runs = {}
        for i, text in enumerate(texts):
            run = markers.consecutive_run(markers.inline_markers(text, style))
            if len(run) >= 2:
                runs[i] = run
        if len(runs) != 1:
            continue
        (i, run), = runs.items()
        return style, {i: _split(texts[i], run)}
    return None


def _split(text: str, run: list[tuple[int, int, int]]) -> Split:
    starts = [s for _, s, _ in run] + [len(text)]
    pieces = [text[starts[k]:starts[k + 1]] for k in range(len(run))]
    sentence_items = all(p.rstrip().endswith("。") for p in pieces[:-1])
    last, tail = pieces[-1], ""
    stop = last.find("。")
    if stop != -1 and stop < len(last.rstrip()) - 1:
        last, tail = last[:stop + 1], last[stop + 1:]
    pieces[-1] = last
    return Split(intro=text[:starts[0]], pieces=[p.strip() for p in pieces], tail=tail.strip(),
                 sentence_items=sentence_items)


def _framed(texts: list[str]) -> set[int]:
    """Paragraphs that open with a framing word and go on after its sentence (关于X。…)."""
    prefixes = _words()["name_prefixes"]
    out = {i for i, t in enumerate(texts)
           if _starts_with_any(t, prefixes) and "。" in t.rstrip()[:-1]}
    return out if len(out) >= 2 else set()


def _after_lead_in(texts: list[str], skip: set[int]) -> set[int]:
    """Paragraphs after a lead-in that ends with a colon (…主要进度如下：), each a sentence."""
    ends = _words()["list_end"]
    lead_in = tuple(_words()["lead_in_endings"])
    for i, text in enumerate(texts):
        if i in skip or not squash_all(text).endswith(lead_in):
            continue
        items = set()
        for j in range(i + 1, len(texts)):
            t = texts[j].strip()
            if not t:
                continue
            if _starts_with_any(t, ends) or "。" not in t:
                break
            items.add(j)
        if len(items) >= 2:
            return items
    return set()


def _is_item(text: str, index: int, plan: Plan) -> bool:
    if index in plan.items:
        return True
    return bool(plan.style and markers.marker(text, plan.style))


def _unmarked_headings(texts: list[str], plan: Plan, opened: list[int]) -> set[int]:
    """Short lines with no sentence punctuation right before an item (交通出行方面,
    ——坚持推进长江大保护, 已完工项目). Only when the list has one after its first
    item: a lone line above the list is its title, not a section."""
    if not opened:
        return set()
    first = opened[0]
    found = set()
    for i, text in enumerate(texts[:-1]):
        t = squash_all(text)
        if not t or i in plan.skip or len(t) > 25 or _SENTENCE_PUNCT.search(t) or _is_item(text, i, plan) \
                or label_names(t):
            continue
        nxt = next((j for j in range(i + 1, len(texts)) if squash_all(texts[j])), None)
        if nxt is not None and _is_item(texts[nxt], nxt, plan) and i >= first - 1:
            found.add(i)
    return found if any(i > first for i in found) else set()


_INLINE_ONE = {  # item 1 glued to the lead-in before it ("…分别是： (1)加快…")
    "arabic": regex.compile(r"(?<=[：:]\s*)1\s*[.．、。](?!\d)"),
    "arabic_paren": regex.compile(r"(?<=[：:]\s*)[（(]\s*1\s*[）)]"),
    "circled": regex.compile(r"(?<=[：:]\s*)①"),
    "cn_shi": regex.compile(r"(?<=[：:]\s*)一是"),
}


def _glued_first_item(texts: list[str], style: str, skip: set[int]) -> dict[int, Split]:
    """When the list's first item at a paragraph start is number 2, item 1 may sit at
    the end of the lead-in paragraph above it, after its colon: split it off."""
    pattern = _INLINE_ONE.get(style)
    if pattern is None:
        return {}
    for i, text in enumerate(texts):
        m = markers.marker(text, style) if i not in skip else None
        if not m:
            continue
        if m[0] != 2 or i == 0:
            return {}
        prev = next((j for j in range(i - 1, -1, -1) if texts[j].strip()), None)
        found = pattern.search(texts[prev]) if prev is not None else None
        if not found:
            return {}
        text = texts[prev]
        return {prev: Split(intro=text[:found.start()], pieces=[text[found.start():].strip()], tail="",
                            sentence_items=True)}
    return {}


def plan(texts: list[str]) -> Plan:
    skip = _attachment_items(texts)
    skip |= _short_rolls(texts, skip)
    visible = ["" if i in skip else t for i, t in enumerate(texts)]
    style, n = _classic_style(visible)
    if style:
        result = Plan(style, CLASSIC[: CLASSIC.index(style)], skip,
                      splits=_glued_first_item(visible, style, skip),
                      reason=f"numbered {style} items at paragraph starts (a run of {n})")
    else:
        style, n = _new_style(visible)
        if style and _restarts(visible, style) and _framed(visible):
            style = None  # 一是/二是 restarting under 关于X。 paragraphs: points inside each task's report
        if style:
            result = Plan(style, ("cn", "cn_paren"), skip, reason=f"{style} items at paragraph starts ({n})")
        elif (inline := _inline_split(visible)) is not None:
            style, splits = inline
            count = sum(len(s.pieces) for s in splits.values())
            result = Plan(style, ("cn", "cn_paren"), skip, splits=splits,
                          reason=f"{style} items running on inside one paragraph ({count})")
        elif items := _framed(visible):
            result = Plan("lead", ("cn", "cn_paren"), skip, items=items,
                          reason=f"paragraphs framed as 关于X。 ({len(items)})")
        elif items := _after_lead_in(visible, skip):
            result = Plan("plain", ("cn", "cn_paren"), skip, items=items,
                          reason=f"one paragraph per task after a lead-in ending in a colon ({len(items)})")
        else:
            result = Plan(None, ("cn", "cn_paren"), skip, reason="no task list in the prose")
    if skip:
        result.reason += f"; set aside {len(skip)} numbered lines that are not tasks (attachments, name rolls)"
    opened = [i for i, t in enumerate(texts) if i not in result.skip and _is_item(t, i, result)]
    result.headings = _unmarked_headings(texts, result, opened)
    result.lead_in = _lead_in(texts, result, opened)
    return result


def _lead_in(texts: list[str], plan: Plan, opened: list[int]) -> str | None:
    """The sentence right before the first item when it introduces the list (ends with
    a colon or 如下): it says what the list is (…主要进度如下： a report)."""
    first = min(opened + list(plan.splits), default=None)
    if first is None:
        return None
    if first in plan.splits:
        text = plan.splits[first].intro
    else:
        before = [j for j in range(first - 1, max(first - 3, -1), -1) if squash_all(texts[j])]
        text = texts[before[0]] if before else ""
    text = squash_all(text)
    if not text.endswith(tuple(_words()["lead_in_endings"])):
        return None
    return regex.split(r"[。！？!?]", text)[-1] or None
