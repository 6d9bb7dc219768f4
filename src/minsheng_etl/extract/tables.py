"""Tasks from tables: header cells map to fields, each data row is a task.

Handles a header repeated on every page or in every web table (one list), rows
split over two (same seq: joined), a category column or a full-width category
row (the section), a number inside the name cell, and tables continued without
a header.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import regex

from .. import profiles
from ..fields.seq import parse_seq, split_leading_number
from ..layout import Table
from ..script import to_simplified
from ..textnorm import squash_all
from .columns import TEXT_FIELDS, infer_columns, is_header, map_header, missing_columns, resolve_columns
from .draft import TaskDraft

_JOINED_FIELDS = ("content", "units", "co_units", "lead_officials", "deadline", "progress", "remark", "status")


@dataclass
class TableState:
    mapping: dict[int, str] | None = None
    header: list[str] = field(default_factory=list)  # each column's header words
    header_rows: list[list[str]] = field(default_factory=list)  # as printed, to skip when repeated
    width: int = 0


def _cells(row) -> list[str]:
    return [c.text for c in row]


def _is_section_row(texts: list[str], mapping: dict[int, str]) -> str | None:
    """A row whose only text is a category heading spanning the table (merged cells
    come back as the same text in every column, or as one text and blanks)."""
    distinct = {squash_all(t) for t in texts if squash_all(t)}
    if len(distinct) != 1:
        return None
    text = next(t for t in texts if squash_all(t))
    seq_cols = [i for i, f in mapping.items() if f == "seq"]
    if seq_cols and parse_seq(texts[seq_cols[0]]) and len(texts) > 1 and texts.count(texts[seq_cols[0]]) == 1:
        return None
    if len(squash_all(text)) > 40 or "。" in text:
        return None
    return text.strip()


def _values(texts: list[str], mapping: dict[int, str], name: str) -> list[str]:
    """The field's cells in column order; a cell merged across columns (the same
    text in neighbouring columns) counts once."""
    values: list[str] = []
    for i in sorted(i for i, f in mapping.items() if f == name):
        text = texts[i].strip() if i < len(texts) and texts[i] else ""
        if text and not (values and squash_all(values[-1]) == squash_all(text)):
            values.append(text)
    return values


def _value(texts: list[str], mapping: dict[int, str], name: str) -> str | None:
    return "\n".join(_values(texts, mapping, name)) or None


_POINT_END = tuple("。；;！!？?：:")
_POINT_START = regex.compile(r"\s*(?:\d{1,3}\s*[.．、]|[（(]\s*[\d一二三四五六七八九十]{1,3}\s*[）)]|[一二三四五六七八九十]{1,3}[、是]|[①-⑳●■☑])")


def _unwrap(cell: str) -> str:
    """A text cell's lines, with the line breaks the cell's width made taken out
    ("提升4个\n百分点" → "提升4个百分点"); a break after a sentence or before a
    numbered point is the author's and stays."""
    lines = [line.strip() for line in cell.split("\n") if line.strip()]
    out: list[str] = []
    for line in lines:
        if out and not out[-1].endswith(_POINT_END) and not _POINT_START.match(line):
            out[-1] += line
        else:
            out.append(line)
    return "\n".join(out)


def _content(texts: list[str], mapping: dict[int, str]) -> str | None:
    """The task text: a name column and its description or target columns, joined
    with "\n" (指标名称 | 年度目标 → "name\ntarget")."""
    unwrapped = [_unwrap(t) for t in texts]
    return _value(unwrapped, {i: "text" for i, f in mapping.items() if f in TEXT_FIELDS}, "text")


def _section(texts: list[str], mapping: dict[int, str], content: str | None) -> str | None:
    """The innermost category cell; one that is the task text itself (a sub-project
    cell merged across into the name column) leaves the outer one."""
    own = {squash_all(line) for line in (content or "").split("\n")}
    cats = [v for v in _values(texts, mapping, "section") if squash_all(v) not in own]
    return cats[-1] if cats else None


def row_to_draft(texts: list[str], mapping: dict[int, str], ref, line_texts: list[str] | None = None) -> TaskDraft:
    """One data row to a draft. Name lists are read from the cells' visual lines."""
    names = line_texts or texts
    seq = parse_seq(_value(texts, mapping, "seq"))
    content = _content(texts, mapping)
    section = _section(texts, mapping, content)
    if content:
        lead, rest = split_leading_number(content)
        if lead is not None and (seq is None or seq == lead):
            seq, content = lead, rest
    remark = _value(texts, mapping, "remark")
    source_ref = _value(texts, mapping, "source_ref")
    if not source_ref and remark and any(w in to_simplified(remark) for w in profiles.load().remark_source_words):
        source_ref = remark  # a 备注 naming the list a task comes from
    return TaskDraft(
        seq=seq,
        content=content or "",
        source_ref=squash_all(source_ref) or None if source_ref else None,
        section=section,
        units=_value(names, mapping, "units"),
        co_units=_value(names, mapping, "co_units"),
        lead_officials=_value(names, mapping, "lead_officials"),
        deadline=_value(texts, mapping, "deadline"),
        status=_value(texts, mapping, "status"),
        progress=_value(texts, mapping, "progress"),
        remark=remark,
        ref=ref,
        has_progress_field="progress" in mapping.values(),
    )


def merge_into(previous: TaskDraft, extra: TaskDraft) -> None:
    """A task split over two rows: text fields join with a line break; a line the
    first row already has (a cell merged over both rows, e.g. the name beside two
    description rows) is not repeated."""
    for name in _JOINED_FIELDS:
        add = getattr(extra, name)
        if not add:
            continue
        have = getattr(previous, name)
        seen = {squash_all(line) for line in (have or "").split("\n")}
        new = [line for line in add.split("\n") if squash_all(line) not in seen]
        if have and not new:
            continue
        setattr(previous, name, "\n".join([have, *new]) if have else add)
    if extra.source_ref and not previous.source_ref:
        previous.source_ref = extra.source_ref


_SUB_HEADER_MAX = 12  # a sub-header cell is a label (名称, 1-10月), not data


def _is_sub_header(header: list[str], below: list[str]) -> bool:
    """A second header row under merged header cells (项目内容 over 名称 | 目标): some
    cells repeat the header above (merged down), the others are short labels, and
    its number cell holds no number."""
    same = [squash_all(a) == squash_all(b) for a, b in zip(header, below)]
    labels = [squash_all(b) for b, s in zip(below, same) if not s and squash_all(b)]
    seq_cols = [i for i, f in map_header(header).items() if f == "seq"]
    return any(same) and bool(labels) and all(len(t) <= _SUB_HEADER_MAX and not t.isdecimal() for t in labels) \
        and not any(parse_seq(below[i]) for i in seq_cols if i < len(below))


def header_of(table: Table) -> tuple[int, list[list[str]]] | None:
    """Where the table's data rows start and its header rows (one, or two when merged
    header cells have sub-headers), looking at the table's first rows."""
    for i, row in enumerate(table.rows[:6]):
        texts = _cells(row)
        if is_header(texts):
            if i + 1 < len(table.rows) and _is_sub_header(texts, _cells(table.rows[i + 1])):
                return i + 2, [texts, _cells(table.rows[i + 1])]
            return i + 1, [texts]
    return None


def _stacked(header_rows: list[list[str]]) -> list[str]:
    """Each column's header words: a sub-header after the merged cell above it
    (进展情况 + 1-11月 → 进展情况1-11月)."""
    top = header_rows[0]
    if len(header_rows) == 1:
        return top
    sub = header_rows[1]
    return [a if squash_all(b) in ("", squash_all(a)) else f"{a}{b}" for a, b in zip(top, sub)]


def _body(rows, mapping: dict[int, str] | None = None) -> list[list[str]]:
    """The task rows' texts, for reading the columns' roles: blank rows and
    full-width category rows left out."""
    texts = [t for t in (_cells(r) for r in rows) if any(x.strip() for x in t)]
    return [t for t in texts if not _is_section_row(t, mapping or {})]


def _columns(table: Table, state: TableState) -> tuple[dict[int, str], list, bool] | None:
    """The table's column mapping and its data rows: from its header row settled by
    the cells, from the table it continues, or read from the cells of a table with
    no header row (and whether the table has a header row). Updates the state when
    the table brings its own columns."""
    found = header_of(table)
    if found:
        start, header_rows = found
        rows = table.rows[start:]
        state.header, state.header_rows = _stacked(header_rows), header_rows
        header_map = map_header(state.header)
        state.mapping = resolve_columns(header_map, _body(rows, header_map))
        state.width = len(header_rows[0])
        return state.mapping, rows, True
    if state.mapping and table.rows and len(table.rows[0]) == state.width:
        return state.mapping, table.rows, False  # continued from the previous table
    return _inferred(table, state)


def _inferred(table: Table, state: TableState) -> tuple[dict[int, str], list, bool] | None:
    """Columns read from the cells of a table with no header row, or with a first row
    of short labels none of which is a known header word (the labels are skipped)."""
    rows = [r for r in table.rows if any(c.text.strip() for c in r)]
    if not rows:
        return None
    first = _cells(rows[0])
    candidates = [([], rows)]
    if all(len(squash_all(t)) <= _SUB_HEADER_MAX for t in first):
        candidates.append(([first], rows[1:]))
    for header_rows, body in candidates:
        inferred = infer_columns(_body(body))
        if inferred:
            state.header = first if header_rows else []
            state.header_rows, state.width, state.mapping = header_rows, len(rows[0]), inferred
            return inferred, body, bool(header_rows)
    return None


def _filled(values: list[str], dropped: tuple[int, ...], above: list[str]) -> list[str]:
    """The row at full width: the dropped columns hold the row above's values."""
    cells = iter(values)
    return [(above[c] if c < len(above) else "") if c in dropped else next(cells)
            for c in range(len(values) + len(dropped))]


def table_rows(table: Table, state: TableState):
    """Yield (kind, payload) for each row: ('task', TaskDraft), ('section', text),
    ('header', header texts). Updates the state's mapping for tables continued on."""
    found = _columns(table, state)
    if not found:
        return
    mapping, rows, has_header = found
    if has_header:
        yield "header", state.header
    header_keys = [[squash_all(h) for h in r] for r in state.header_rows]
    above: tuple[list[str], list[str]] = ([], [])  # the last task row's texts and lines, full width
    for row in rows:
        texts = _cells(row)
        if not any(t.strip() for t in texts):
            continue
        if [squash_all(t) for t in texts] in header_keys:
            continue  # the header repeated on a new page
        section = _is_section_row(texts, mapping)
        if section:
            yield "section", section
            continue
        lines = [c.line_text for c in row]
        if len(texts) < state.width:  # a short row: the cells it lacks are merged down from above
            dropped = missing_columns(texts, state.width, mapping)
            if dropped:
                texts, lines = _filled(texts, dropped, above[0]), _filled(lines, dropped, above[1])
        above = (texts, lines)
        yield "task", row_to_draft(texts, mapping, row[0].ref.with_(col=None), lines)
