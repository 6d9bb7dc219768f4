"""Excel .xlsx with openpyxl: every sheet a table, merged cells resolved (the
value repeated over the merged range), line breaks inside cells kept. Leading
rows that hold one text across the sheet (a merged title row) are paragraphs."""
from __future__ import annotations

import datetime as dt
import io

import openpyxl

from ..layout import Cell, Layout, Paragraph, Ref, Table


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime | dt.date):
        return f"{value.year}年{value.month}月{value.day}日"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def read_xlsx(data: bytes) -> Layout:
    workbook = openpyxl.load_workbook(io.BytesIO(data), data_only=True)
    blocks: list = []
    for number, sheet in enumerate(workbook.worksheets, start=1):
        grid = [[_text(v) for v in row] for row in sheet.iter_rows(values_only=True)]
        for merged in sheet.merged_cells.ranges:
            value = grid[merged.min_row - 1][merged.min_col - 1] if merged.min_row <= len(grid) else ""
            for r in range(merged.min_row - 1, min(merged.max_row, len(grid))):
                for c in range(merged.min_col - 1, min(merged.max_col, len(grid[r]))):
                    grid[r][c] = value
        rows = [(i, row) for i, row in enumerate(grid, start=1) if any(row)]
        # a title row (one text across the sheet) before the table is a paragraph
        while rows and len({v for v in rows[0][1] if v}) == 1 and sum(1 for v in rows[0][1] if v) != 2:
            i, row = rows.pop(0)
            blocks.append(Paragraph(next(v for v in row if v), Ref(table=number, row=i), heading=True))
        if not rows:
            continue
        width = max(len(row) for _, row in rows)
        table_rows = [[Cell([p for p in (row[c] if c < len(row) else "").split("\n") if p.strip()],
                            Ref(table=number, row=i, col=c + 1)) for c in range(width)] for i, row in rows]
        blocks.append(Table(table_rows, Ref(table=number)))
    return Layout(blocks, source_format="xlsx")
