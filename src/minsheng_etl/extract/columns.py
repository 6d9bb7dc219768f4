"""Table columns → record fields.

A header row maps through the synonyms in parsers/columns.toml (map_header).
The cells then settle what a header cannot: a text column merged down over
several tasks is a category (the section), a column of status words is the
status, a 进度 column of numbers is progress. A table with no header row has its
columns' roles read from the cells alone (infer_columns).
"""
from __future__ import annotations

import itertools

import regex

from .. import profiles
from ..fields.bodies import ends_like_body, split_bodies
from ..fields.seq import parse_seq
from ..profiles import field_for_header
from ..script import to_simplified
from ..textnorm import squash_all

_PERIOD = regex.compile(r"(\d{1,2})\s*(?:[-—至~]\s*(\d{1,2}))?\s*月|([一二三四1-4])季度|([上下])半年|全年|年度")

# Fields whose columns all feed the task text (name + "\n" + description).
TEXT_FIELDS = ("name", "content", "description")
# Fields read from one column only: a second column of the kind is dropped.
_SINGLE_FIELDS = ("seq", "source_ref", "status", "deadline")
_STATUS_CELL_MAX = 16  # a status cell is a few words (已完成二季度任务), not a report
# mean lengths of a task column (新建乡镇卫生院) and of a report column with no header
_TASK_TEXT_MIN, _REPORT_TEXT_MIN = 6, 10


def period_rank(header: str) -> int:
    """How late a progress column's period is (1-10月推进情况 < 1-11月推进情况);
    0 when the header names no period."""
    m = _PERIOD.search(to_simplified(squash_all(header)))
    if not m:
        return 0
    if m.group(1):
        return int(m.group(2) or m.group(1))
    if m.group(3):
        q = m.group(3)
        return 3 * ("一二三四".find(q) + 1 if not q.isdecimal() else int(q))
    if m.group(4):
        return 6 if m.group(4) == "上" else 12
    return 12


def _co_units_beside_units(mapping: dict[int, str], cells: list[str]) -> None:
    """牵头单位 + 责任单位: the second holds the co-organisers."""
    unit_cols = [i for i, f in mapping.items() if f == "units"]
    if len(unit_cols) > 1:
        co_headers = profiles.load().co_when_beside_units
        for i in unit_cols:
            if to_simplified(squash_all(cells[i])) in co_headers:
                mapping[i] = "co_units"


def _latest_progress(mapping: dict[int, str], cells: list[str]) -> None:
    """Several progress columns: one naming an earlier period than another is dropped
    (1-10月 beside 1-11月); columns of the same period or none (进度 | 完成目标(%))
    report one period together and are all kept."""
    progress_cols = [i for i, f in mapping.items() if f == "progress"]
    latest = max((period_rank(cells[i]) for i in progress_cols), default=0)
    for i in progress_cols:
        if 0 < period_rank(cells[i]) < latest:
            del mapping[i]


def _first_only(mapping: dict[int, str]) -> None:
    for name in _SINGLE_FIELDS:
        for extra in [i for i, f in mapping.items() if f == name][1:]:
            del mapping[extra]


def map_header(cells: list[str]) -> dict[int, str]:
    """Column index → field for one header row, from the header words alone."""
    mapping: dict[int, str] = {}
    for i, cell in enumerate(cells):
        field = field_for_header(cell)
        if field and field != "ignore":
            mapping[i] = field
    _co_units_beside_units(mapping, cells)
    _latest_progress(mapping, cells)
    _first_only(mapping)
    return mapping


def is_header(cells: list[str]) -> bool:
    """A row is a header when at least two cells map to fields and one is the task text."""
    mapping = map_header(cells)
    return len(mapping) >= 2 and bool(set(mapping.values()) & set(TEXT_FIELDS)) and \
        all(len(squash_all(c)) <= 20 for c in cells if c)


# --- what the cells say -------------------------------------------------------

def _column(rows: list[list[str]], i: int) -> list[str]:
    return [squash_all(r[i]) if i < len(r) else "" for r in rows]


def is_status_cell(text: str) -> bool:
    """A short cell naming where a task stands (超额完成, 按时序推进, 已完成二季度任务):
    one phrase with no count, not a report that opens with one ("已完成。\n主体结构已封顶。",
    "已完工12个")."""
    text = to_simplified(squash_all(text)).rstrip("。.")
    if not text or len(text) > _STATUS_CELL_MAX or regex.search(r"[。，,；;：:！!？?\d]", text):
        return False
    words = profiles.load().status_words
    return any(w in text for group in words.values() for w in group)


def _is_report_cell(text: str) -> bool:
    """A number, a percentage or a sentence: what a progress column holds (80%, 32095,
    主体已封顶。), unlike a status column's words (是, 已完成)."""
    text = squash_all(text)
    return bool(regex.search(r"[\d。，,；;]", text)) or len(text) > _STATUS_CELL_MAX


def _all_cells(values: list[str], test) -> bool:
    filled = [v for v in values if v]
    return bool(filled) and all(test(v) for v in filled)


def _spans_tasks(values: list[str], seqs: list[int | None]) -> bool:
    """A column whose cell is merged down over rows of different tasks: the same text
    in consecutive rows that carry different numbers (a row with no number goes on
    the task above)."""
    return any(values[k] and values[k] == values[k - 1] and None not in (seqs[k], seqs[k - 1])
               and seqs[k] != seqs[k - 1] for k in range(1, len(values)))


def _categories_to_sections(mapping: dict[int, str], rows: list[list[str]]) -> None:
    """Text columns merged down over several tasks, left of the task text, are
    categories (工程名称, a sub-project column): the innermost is the section."""
    seq_col = next((i for i, f in mapping.items() if f == "seq"), None)
    seqs = [parse_seq(r[seq_col]) if seq_col is not None and seq_col < len(r) else k for k, r in enumerate(rows)]
    text_cols = sorted(i for i, f in mapping.items() if f in TEXT_FIELDS)
    for i in text_cols:
        if not _spans_tasks(_column(rows, i), seqs):
            return  # the task text starts here: what follows is never a category
        if i != text_cols[-1]:
            mapping[i] = "section"


def _status_from_cells(mapping: dict[int, str], rows: list[list[str]]) -> None:
    """A 进度 column of numbers or percentages reports progress; a 完成情况 or 备注
    column of status words (超额完成, 已完成) is the status."""
    for i in [i for i, f in mapping.items() if f == "status"]:
        if _all_cells(_column(rows, i), _is_report_cell):
            mapping[i] = "progress"
    if "status" in mapping.values():
        return
    candidates = [i for i, f in mapping.items() if f in ("progress", "remark")]
    worded = [i for i in candidates if _all_cells(_column(rows, i), is_status_cell)]
    if worded:
        mapping[worded[-1]] = "status"


def resolve_columns(mapping: dict[int, str], rows: list[list[str]]) -> dict[int, str]:
    """The header's mapping settled by the data rows' cells."""
    mapping = dict(mapping)
    _categories_to_sections(mapping, rows)
    _status_from_cells(mapping, rows)
    return mapping


# --- a table with no header row ------------------------------------------------

def _is_seq_column(values: list[str]) -> bool:
    """Small numbers going up (1, 2, 3 or 9*, 10*): the tasks' numbers."""
    numbers = [parse_seq(v) if regex.fullmatch(r"\d{1,3}[.、*]?", v) else None for v in values if v]
    return len(numbers) >= 2 and None not in numbers and all(b > a for a, b in zip(numbers, numbers[1:]))


def _is_text(values: list[str], min_mean: int) -> bool:
    """Chinese text in every cell, of at least this mean length."""
    filled = [v for v in values if v]
    return bool(filled) and sum(len(v) for v in filled) / len(filled) >= min_mean and \
        all(regex.search(r"\p{Han}", v) for v in filled)


def _is_body_column(values: list[str]) -> bool:
    def bodies(v: str) -> bool:
        names = split_bodies(v)
        return bool(names) and len(v) <= 40 and all(ends_like_body(n) for n in names)
    return _all_cells(values, bodies)


def infer_columns(rows: list[list[str]]) -> dict[int, str] | None:
    """Roles read from the cells of a table with no header row: a column of small
    increasing numbers (seq), the first long text (content), then short body names
    (units), status words (status) and a later long text (progress). None unless
    the table has numbered task texts and at least one other role."""
    if len(rows) < 2:
        return None
    width = max(len(r) for r in rows)
    mapping: dict[int, str] = {}
    for i in range(width):
        values = _column(rows, i)
        if not any(values):
            continue
        if "seq" not in mapping.values() and _is_seq_column(values):
            mapping[i] = "seq"
        elif _all_cells(values, is_status_cell):
            mapping[i] = "status"
        elif "content" not in mapping.values():
            if _is_text(values, _TASK_TEXT_MIN):
                mapping[i] = "content"  # the task comes first: 新建乡镇卫生院 is no body
        elif _is_body_column(values):  # before long text: 县教育局、县财政局、县住建局 is long
            mapping[i] = "units"
        elif _is_text(values, _REPORT_TEXT_MIN):
            mapping[i] = "progress"
    _first_only(mapping)
    roles = set(mapping.values())
    if not {"seq", "content"} <= roles or not roles & {"units", "status", "progress"}:
        return None
    return mapping


# --- a row a copy left short ---------------------------------------------------------

_NAME_ROLES = ("units", "co_units", "resp_units")
_DATE_LIKE = regex.compile(r"\d{1,4}\s*[年月日]|年底|月底|年内|长期|持续|[前底]$")


def _fit(role: str | None, text: str) -> int:
    """+1 when a cell reads like its column's role, -1 when it plainly does not, 0 when
    it cannot tell (a body name in a units column, a date in a deadline column...)."""
    text = squash_all(text)
    if not text or role is None:
        return 0
    if role == "seq":
        return 1 if regex.fullmatch(r"\d{1,3}[.、*]?", text) else -1
    if role in _NAME_ROLES:
        names = split_bodies(text)
        return 1 if names and len(text) <= 40 and all(ends_like_body(n) for n in names) else -1
    if role == "deadline":
        return 1 if _DATE_LIKE.search(text) and len(text) <= 30 else -1
    if role == "status":
        return 1 if is_status_cell(text) else -1
    if role in TEXT_FIELDS or role == "progress":
        return -1 if not regex.search(r"\p{Han}", text) else 0
    return 0


def missing_columns(texts: list[str], width: int, mapping: dict[int, str],
                    max_missing: int = 3) -> tuple[int, ...]:
    """The columns a row with fewer cells than its table lacks (a web table copied as
    text leaves out the cells a rowspan carries down): those whose absence gives the
    row's cells a better fit to their columns' roles than where they stand. Empty
    when nothing says so (or too many cells are missing): the cells stay as they are."""
    missing = width - len(texts)
    if missing <= 0 or missing > max_missing or len(texts) < 2:
        return ()

    def fit(dropped: tuple[int, ...]) -> int:
        kept = [c for c in range(width) if c not in dropped]
        return sum(_fit(mapping.get(c), t) for c, t in zip(kept, texts))

    as_they_stand = tuple(range(len(texts), width))
    best = max(itertools.combinations(range(width), missing), key=fit)
    return best if fit(best) > fit(as_they_stand) else ()
