"""Tasks that are one task: across the reports of a year, and from one year to the next.

- A chain is one task followed through the reports of its region and year (the
  plan, the Q1 report, the half-year report...): matched by its number and the
  similarity of its text, in report order.
- A recurring pair is a chain of one year and a chain of the next with the same
  responsible body and nearly the same text (numbers aside: 500个 vs 800个).

Text similarity is the Dice coefficient of character bigrams, which suits Chinese
(no word boundaries) and needs no tokenizer; candidates come from an inverted
bigram index so the work grows with the matches, not with the square of the tasks.
"""
from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from .textnorm import bigrams, dice

SAME_TASK_TEXT = 0.8  # any number: nearly the same text
SAME_TASK_WITH_SEQ = 0.45  # same number: the text may have been reworded
RECURRING_TEXT = 0.6
RECURRING_NO_BODY = 0.85  # one side names no body: the text alone must be very close
_KIND_ORDER = {"plan": 0, "progress": 1, "completion": 2}


@dataclass(frozen=True)
class TaskRow:
    task_id: str
    notice_id: str
    region: str | None
    year: int | None
    list_kind: str
    as_of: dt.date | None
    seq: int
    content: str
    bodies: frozenset[str] = frozenset()
    published: dt.date | None = None


@dataclass
class Chain:
    chain_id: str
    tasks: list[TaskRow] = field(default_factory=list)

    @property
    def latest(self) -> TaskRow:
        return self.tasks[-1]


class BigramIndex:
    """Find the items whose text shares most bigrams with a query."""

    def __init__(self, common_limit: int = 300):
        self.postings: dict[str, list[str]] = defaultdict(list)
        self.grams: dict[str, frozenset[str]] = {}  # the latest text of each item
        self.posted: dict[str, set[str]] = defaultdict(set)
        self.common_limit = common_limit

    def add(self, key: str, grams: frozenset[str]) -> None:
        """Add an item, or give it a new text (it stays findable by the old one too)."""
        self.grams[key] = grams
        for g in grams - self.posted[key]:
            self.postings[g].append(key)
        self.posted[key] |= grams

    def candidates(self, grams: frozenset[str], top: int = 20) -> list[str]:
        counts: Counter[str] = Counter()
        for g in grams:
            posting = self.postings.get(g, ())
            if len(posting) <= self.common_limit:  # a bigram every task has says nothing
                counts.update(posting)
        return [k for k, _ in counts.most_common(top)]


def _report_order(row: TaskRow) -> tuple:
    """Reports in the order they speak for: as-of date, then publication, then kind."""
    year = row.year or 1
    fallback = dt.date(year, 1, 1) if row.list_kind == "plan" else dt.date(year, 12, 31)
    return (row.as_of or fallback, row.published or fallback, _KIND_ORDER.get(row.list_kind, 1), row.notice_id)


def build_chains(rows: Iterable[TaskRow]) -> list[Chain]:
    """Follow each task through the reports of its region and year."""
    groups: dict[tuple, list[TaskRow]] = defaultdict(list)
    for row in rows:
        groups[(row.region, row.year)].append(row)
    chains: list[Chain] = []
    for group in groups.values():
        notices: dict[str, list[TaskRow]] = defaultdict(list)
        for row in group:
            notices[row.notice_id].append(row)
        if len(notices) == 1:  # one report in its region and year (the usual case): nothing to follow
            chains += [Chain(row.task_id, [row]) for row in group]
            continue
        open_chains: dict[str, Chain] = {}
        index = BigramIndex()
        by_seq: dict[int, set[str]] = defaultdict(set)
        for tasks in sorted(notices.values(), key=lambda ts: _report_order(ts[0])):
            scored = []
            task_grams = [bigrams(task.content) for task in tasks]
            for ti, (task, grams) in enumerate(zip(tasks, task_grams)):
                for cid in set(index.candidates(grams)) | by_seq.get(task.seq, set()):
                    chain = open_chains[cid]
                    sim = dice(grams, index.grams[cid])
                    same_seq = chain.latest.seq == task.seq
                    if sim >= SAME_TASK_TEXT or (same_seq and sim >= SAME_TASK_WITH_SEQ):
                        scored.append((-(sim + (0.2 if same_seq else 0)), ti, cid))
            taken_tasks: set[int] = set()
            taken_chains: set[str] = set()
            placed: dict[int, str] = {}
            for _, ti, cid in sorted(scored):
                if ti not in taken_tasks and cid not in taken_chains:
                    placed[ti] = cid
                    taken_tasks.add(ti)
                    taken_chains.add(cid)
            for ti, task in enumerate(tasks):
                cid = placed.get(ti)
                if cid is None:
                    chain = Chain(task.task_id)
                    open_chains[chain.chain_id] = chain
                    chains.append(chain)
                    cid = chain.chain_id
                else:
                    old = open_chains[cid].latest
                    by_seq[old.seq].discard(cid)
                open_chains[cid].tasks.append(task)
                index.add(cid, task_grams[ti])  # the next report is matched against the latest wording
                by_seq[task.seq].add(cid)
    return chains


def recurring_pairs(chains: list[Chain]) -> list[tuple[str, str, float]]:
    """(chain of year y, chain of year y+1, similarity) for the same body and nearly
    the same text in consecutive years of one region."""
    by_region_year: dict[tuple, list[Chain]] = defaultdict(list)
    for chain in chains:
        by_region_year[(chain.latest.region, chain.latest.year)].append(chain)
    pairs = []
    for (region, year), this_year in by_region_year.items():
        if year is None:
            continue
        next_year = by_region_year.get((region, year + 1), [])
        if not next_year:
            continue
        index = BigramIndex()
        for chain in next_year:
            index.add(chain.chain_id, bigrams(chain.latest.content))
        following = {c.chain_id: c for c in next_year}
        for chain in this_year:
            grams = bigrams(chain.latest.content)
            best = None
            for cid in index.candidates(grams):
                other = following[cid]
                sim = dice(grams, index.grams[cid])
                a, b = chain.latest.bodies, other.latest.bodies
                if a and b:
                    ok = bool(a & b) and sim >= RECURRING_TEXT
                else:
                    ok = sim >= RECURRING_NO_BODY
                if ok and (best is None or sim > best[1]):
                    best = (cid, sim)
            if best:
                pairs.append((chain.chain_id, best[0], round(best[1], 4)))
    return pairs
