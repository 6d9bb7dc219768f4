"""How `etl query` writes its rows: csv, json, line (one field per line, for rows
too wide for a table) to the terminal or a file, and xlsx to a file. A file is
written like `etl export` writes one: CSV with a BOM (so Excel reads it as UTF-8)
and formula-like text defused."""
from __future__ import annotations

import csv
import datetime as dt
import json
import sys
from pathlib import Path

FORMATS = ("table", "csv", "json", "line", "xlsx")


class OutputError(ValueError):
    pass


def check(fmt: str, output: Path | None) -> None:
    if fmt not in FORMATS:
        raise OutputError(f"unknown format {fmt!r}: use {', '.join(FORMATS)}")
    if fmt == "xlsx" and output is None:
        raise OutputError("--format xlsx writes a file: give it with -o FILE.xlsx")
    if fmt == "table" and output is not None:
        raise OutputError("--format table is for the terminal: with -o use csv, json, line or xlsx")


def _text(value) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    return value.isoformat() if isinstance(value, dt.date) else str(value)


def write_lines(columns: list[str], rows: list[tuple], fh) -> None:
    """Each row as a block, one `name = value` per line, names aligned by display
    width; a value's later lines indented under its first."""
    from .export import display_width

    width = max((display_width(c) for c in columns), default=0)
    for n, row in enumerate(rows, start=1):
        fh.write(f"-[ row {n} ]" + "-" * max(8, width) + "\n")
        for name, value in zip(columns, row):
            pad = " " * (width - display_width(name))
            first, *rest = _text(value).split("\n") or [""]
            fh.write(f"{name}{pad} = {first}\n")
            for line in rest:
                fh.write(" " * (width + 3) + line + "\n")


def write(columns: list[str], rows: list[tuple], fmt: str, output: Path | None) -> None:
    """Write rows in fmt (not table) to output, or to stdout when output is None."""
    from .export import Table, write_csv, write_xlsx

    if output is not None:
        output.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "xlsx":
        write_xlsx(output, "query", Table(columns, rows, {}))
        return
    if fmt == "csv" and output is not None:
        write_csv(output, Table(columns, rows, {}), csv_formulas=False)
        return
    fh = open(output, "w", encoding="utf-8", newline="") if output is not None else sys.stdout
    try:
        if fmt == "csv":
            writer = csv.writer(fh)
            writer.writerow(columns)
            writer.writerows(rows)
        elif fmt == "json":
            fh.write(json.dumps([dict(zip(columns, r)) for r in rows], ensure_ascii=False, default=str, indent=1)
                     + "\n")
        else:
            write_lines(columns, rows, fh)
    finally:
        if output is not None:
            fh.close()
