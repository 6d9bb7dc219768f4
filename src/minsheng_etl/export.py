"""`etl export`: a table or view to CSV, Parquet or Excel.

The cells hold text from notices nobody vetted, so nothing in them may run as a
formula where the file is opened (CSV/formula injection): in XLSX every text
cell is written as text (openpyxl would store "=HYPERLINK(...)" as a live
formula), and in CSV a cell starting with = + - @ (or a tab or carriage return)
gets a leading apostrophe, as OWASP advises, unless the caller turns that off.
"""
from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

FORMATS = ("csv", "parquet", "xlsx")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def defuse(value):
    """A CSV cell a spreadsheet will not run: text starting like a formula gets a
    leading apostrophe (shown by no spreadsheet, and plainly visible elsewhere)."""
    return "'" + value if isinstance(value, str) and value.startswith(_FORMULA_START) else value


class ExportError(Exception):
    pass


def relations(con) -> list[str]:
    return [n for (n,) in con.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main' ORDER BY 1").fetchall()]


def export_relation(con, name: str, output: Path, fmt: str, *, csv_formulas: bool = False) -> int:
    """Write every row of `name` to `output`; returns the row count. csv_formulas
    writes CSV cells as they are, formula-like ones included."""
    known = relations(con)
    if name not in known:
        raise ExportError(f"no table or view {name!r} in the warehouse; there are: {', '.join(known)}")
    if fmt not in FORMATS:
        raise ExportError(f"cannot export to {fmt!r}: use csv, parquet or xlsx")
    output.parent.mkdir(parents=True, exist_ok=True)
    relation = f'"{name}"'  # checked against the catalogue above
    if fmt == "parquet":
        quoted = str(output).replace("'", "''")
        con.execute(f"COPY (SELECT * FROM {relation}) TO '{quoted}' (FORMAT PARQUET)")
        return con.execute(f"SELECT count(*) FROM {relation}").fetchone()[0]
    cur = con.execute(f"SELECT * FROM {relation}")
    columns = [d[0] for d in cur.description]
    rows = cur.fetchall()
    if fmt == "csv":
        # utf-8-sig: Excel opens a CSV as GBK unless it starts with a BOM
        with open(output, "w", encoding="utf-8-sig", newline="") as fh:
            w = csv.writer(fh)
            w.writerow(columns)
            w.writerows(rows if csv_formulas else ([defuse(v) for v in row] for row in rows))
    else:
        _write_xlsx(output, name, columns, rows)
    return len(rows)


def _write_xlsx(output: Path, name: str, columns: list[str], rows: list[tuple]) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    wb = Workbook(write_only=False)
    ws = wb.active
    ws.title = name[:31]
    ws.append(columns)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    widths = [len(c) + 2 for c in columns]
    for row in rows:
        values = []
        for i, v in enumerate(row):
            if isinstance(v, (list, dict)):
                v = str(v)
            elif isinstance(v, dt.datetime) and v.tzinfo:
                v = v.replace(tzinfo=None)
            values.append(v)
            widths[i] = min(max(widths[i], len(str(v)) if v is not None else 0), 60)
        ws.append(values)
    for i, width in enumerate(widths, start=1):
        ws.column_dimensions[ws.cell(1, i).column_letter].width = width + 2
    wrap = Alignment(wrap_text=True, vertical="top")
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # text, never a formula (openpyxl makes "=..." one)
                if len(cell.value) > 60:
                    cell.alignment = wrap
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = ws.dimensions
    wb.save(output)
