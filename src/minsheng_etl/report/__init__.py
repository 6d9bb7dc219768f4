"""`etl report`: one self-contained HTML page on where the projects stand.

Built from the warehouse views (each task once from tasks_flat, its reports from
task_history): data.py gathers them as JSON, page.py inlines that with a small
script (report.js) that renders filters, search, sortable tables and each task's
history and sources. The page needs no network."""
from __future__ import annotations

from pathlib import Path

from .data import ReportData, gather
from .page import render

__all__ = ["ReportData", "gather", "render", "write_report"]


def write_report(con, output: Path, *, db_name: str, region: str | None = None, year: int | None = None,
                 lang: str = "zh") -> ReportData:
    """Write the report (atomically: a reader never sees half a page)."""
    got = gather(con, region=region, year=year, lang=lang)
    page = render(got.data, db_name=db_name, lang=lang, scope={"region": region, "year": year})
    output.parent.mkdir(parents=True, exist_ok=True)
    tmp = output.with_name(output.name + ".part")
    tmp.write_text(page, encoding="utf-8")
    tmp.replace(output)
    return got
