"""Excel 97-2003 binary workbooks (.xls, Excel 5/95, and Kingsoft WPS's .et, which
writes the same BIFF records) with python-calamine: every worksheet a table,
formulas read as their cached values, merged ranges resolved, the same sheet
layout as the .xlsx reader (title rows as paragraphs)."""
from __future__ import annotations

import io

import python_calamine

from .. import limits as file_limits
from ..errors import ReadError
from ..layout import Layout
from .xlsx import cell_text, collect_rows, sheet_blocks


def read_xls(data: bytes) -> Layout:
    try:
        workbook = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    except python_calamine.CalamineError as exc:
        raise ReadError(f"an Excel 97 workbook (.xls/.et) that cannot be read ({exc})") from exc
    max_empty = file_limits.current().max_empty_rows
    blocks: list = []
    notes: list[str] = []
    number = 0
    for meta in workbook.sheets_metadata:
        if meta.typ != python_calamine.SheetTypeEnum.WorkSheet:
            continue  # chart and macro sheets hold no cells to read
        number += 1
        sheet = workbook.get_sheet_by_name(meta.name)
        grid, stopped = _sheet_rows(sheet, max_empty)
        if stopped:
            notes.append(f"sheet {meta.name}: stopped after {max_empty:,} empty rows (max_empty_rows)")
        merged = [(r1 + 1, c1 + 1, r2 + 1, c2 + 1) for (r1, c1), (r2, c2) in sheet.merged_cell_ranges or []]
        blocks += sheet_blocks(number, grid, merged)
    workbook.close()
    return Layout(blocks, source_format="xls", notes=notes)


def _sheet_rows(sheet, max_empty: int) -> tuple[list[list[str]], bool]:
    """The sheet's rows as text, each from column A (calamine starts rows at the
    first used column; merged ranges count from A1)."""
    lead = [""] * sheet.start[1] if sheet.start else []
    return collect_rows((lead + [cell_text(v) for v in values] for values in sheet.iter_rows()), max_empty)
