"""Excel .xlsx with openpyxl, streamed (read-only mode: memory stays flat however
many rows a sheet claims): every sheet a table, formulas read as their last
computed values, merged cells resolved (the value repeated over the merged
range), line breaks inside cells kept. Leading rows that hold one text across the
sheet (a merged title row) are paragraphs."""
from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Iterable

import openpyxl
import regex
from openpyxl.utils.cell import column_index_from_string, coordinate_from_string

from .. import limits as file_limits
from ..layout import Cell, Layout, Paragraph, Ref, Table, is_title_row


def cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime | dt.date):
        return f"{value.year}年{value.month}月{value.day}日"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


_MERGE = regex.compile(rb'<(?:\w+:)?mergeCell\s+ref="([A-Z]+\d+):([A-Z]+\d+)"')


def _merged_ranges(data: bytes, part: str) -> list[tuple[int, int, int, int]]:
    """(min_row, min_col, max_row, max_col) of each merged range of a sheet, read
    from its XML as a stream (read-only openpyxl does not report them)."""
    ranges, tail = [], b""
    with zipfile.ZipFile(io.BytesIO(data)) as archive, archive.open(part) as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            block = tail + chunk
            for m in _MERGE.finditer(block):
                (c1, r1), (c2, r2) = (coordinate_from_string(x.decode()) for x in m.groups())
                ranges.append((r1, column_index_from_string(c1), r2, column_index_from_string(c2)))
            tail = block[-200:]  # a tag cut by the chunk boundary is whole next time (duplicates: the set)
    return sorted(set(ranges))


def collect_rows(rows: Iterable[list[str]], max_empty: int) -> tuple[list[list[str]], bool]:
    """Rows of cell text up to the last non-empty one, streamed; a sheet formatted down
    to row 1,048,576 stops after `max_empty` empty rows in a row instead of reading
    them all. Returns (rows, stopped early)."""
    grid: list[list[str]] = []
    empty = 0
    for row in rows:
        grid.append(row)
        empty = 0 if any(row) else empty + 1
        if empty >= max_empty:
            break
    else:
        empty = 0
    stopped = empty >= max_empty
    while grid and not any(grid[-1]):
        grid.pop()
    return grid, stopped


def _sheet_rows(sheet, max_empty: int) -> tuple[list[list[str]], bool]:
    return collect_rows(([cell_text(v) for v in values] for values in sheet.iter_rows(values_only=True)), max_empty)


def read_xlsx(data: bytes) -> Layout:
    workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    max_empty = file_limits.current().max_empty_rows
    blocks: list = []
    notes: list[str] = []
    for number, sheet in enumerate(workbook.worksheets, start=1):
        grid, stopped = _sheet_rows(sheet, max_empty)
        if stopped:
            notes.append(f"sheet {sheet.title}: stopped after {max_empty:,} empty rows (max_empty_rows)")
        blocks += sheet_blocks(number, grid, _merged_ranges(data, sheet._worksheet_path))
    workbook.close()
    return Layout(blocks, source_format="xlsx", notes=notes)


def sheet_blocks(number: int, grid: list[list[str]], merged: list[tuple[int, int, int, int]]) -> list:
    """One sheet's blocks from its rows as text and its merged ranges ((min_row,
    min_col, max_row, max_col), 1-based): a title row (one text across the sheet)
    before the table is a paragraph, the rest the sheet's table. Shared by every
    spreadsheet reader."""
    blocks: list = []
    for min_row, min_col, max_row, max_col in merged:
        value = grid[min_row - 1][min_col - 1] if min_row <= len(grid) and min_col <= len(grid[min_row - 1]) else ""
        for r in range(min_row - 1, min(max_row, len(grid))):
            for c in range(min_col - 1, min(max_col, len(grid[r]))):
                grid[r][c] = value
    rows = [(i, row) for i, row in enumerate(grid, start=1) if any(row)]
    while rows and is_title_row(rows[0][1]):
        i, row = rows.pop(0)
        blocks.append(Paragraph(next(v for v in row if v), Ref(table=number, row=i), heading=True))
    if not rows:
        return blocks
    width = max(len(row) for _, row in rows)
    table_rows = [[Cell([p for p in (row[c] if c < len(row) else "").split("\n") if p.strip()],
                        Ref(table=number, row=i, col=c + 1)) for c in range(width)] for i, row in rows]
    blocks.append(Table(table_rows, Ref(table=number)))
    return blocks
