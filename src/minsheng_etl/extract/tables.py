"""Tasks from tables: header cells map to fields, each data row is a task.

Handles a header repeated on every page or in every web table (one list), rows
split over two (same seq: joined), a category column or a full-width category
row (the section), a number inside the name cell, and tables continued without
a header.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from ..fields.seq import parse_seq, split_leading_number
from ..layout import Table
from ..textnorm import squash_all
from .columns import is_header, map_header
from .draft import TaskDraft

_JOINED_FIELDS = ("content", "units", "co_units", "lead_officials", "deadline", "progress", "remark", "status")


@dataclass
class TableState:
    mapping: dict[int, str] | None = None
    header: list[str] = field(default_factory=list)
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


def _value(texts: list[str], mapping: dict[int, str], name: str) -> str | None:
    cols = [i for i, f in mapping.items() if f == name]
    values = [texts[i].strip() for i in cols if i < len(texts) and texts[i] and texts[i].strip()]
    if not values:
        return None
    return "\n".join(values)




def row_to_draft(texts: list[str], mapping: dict[int, str], ref, line_texts: list[str] | None = None) -> TaskDraft:
    """One data row to a draft. Name lists are read from the cells' visual lines."""
    names = line_texts or texts
    seq = parse_seq(_value(texts, mapping, "seq"))
    name, description = _value(texts, mapping, "name"), _value(texts, mapping, "description")
    content = _value(texts, mapping, "content")
    if name and description:
        content = f"{name}\n{description}"
    elif not content:
        content = name or description
    if content:
        lead, rest = split_leading_number(content)
        if lead is not None and (seq is None or seq == lead):
            seq, content = lead, rest
    remark = _value(texts, mapping, "remark")
    source_ref = _value(texts, mapping, "source_ref")
    if not source_ref and remark and any(w in remark for w in ("实事", "重点", "任务", "第", "项")):
        source_ref = remark  # a 备注 naming the list a task comes from
    return TaskDraft(
        seq=seq,
        content=content or "",
        source_ref=squash_all(source_ref) or None if source_ref else None,
        section=_value(texts, mapping, "section"),
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
    """A task split over two rows: text fields join with a line break."""
    for name in _JOINED_FIELDS:
        add = getattr(extra, name)
        if not add:
            continue
        have = getattr(previous, name)
        if have and squash_all(add) == squash_all(have):
            continue
        setattr(previous, name, f"{have}\n{add}" if have else add)
    if extra.source_ref and not previous.source_ref:
        previous.source_ref = extra.source_ref


def header_of(table: Table) -> tuple[int, dict[int, str]] | None:
    """Index and mapping of the table's header row, looking at its first rows."""
    for i, row in enumerate(table.rows[:6]):
        texts = _cells(row)
        if is_header(texts):
            return i, map_header(texts)
    return None


def table_rows(table: Table, state: TableState):
    """Yield (kind, payload) for each row: ('task', TaskDraft), ('section', text),
    ('header', header texts). Updates the state's mapping for tables continued on."""
    found = header_of(table)
    if found:
        start, mapping = found
        state.mapping, state.header = mapping, _cells(table.rows[start])
        state.width = len(table.rows[start])
        yield "header", state.header
        rows = table.rows[start + 1:]
    elif state.mapping and table.rows and len(table.rows[0]) == state.width:
        mapping, rows = state.mapping, table.rows  # continued from the previous table
    else:
        return
    header_key = [squash_all(h) for h in state.header]
    for row in rows:
        texts = _cells(row)
        if not any(t.strip() for t in texts):
            continue
        if [squash_all(t) for t in texts] == header_key:
            continue  # the header repeated on a new page
        section = _is_section_row(texts, mapping)
        if section:
            yield "section", section
            continue
        yield "task", row_to_draft(texts, mapping, row[0].ref.with_(col=None), [c.line_text for c in row])
