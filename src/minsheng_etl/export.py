"""`etl export`: a table, a view or a query to CSV, Parquet or Excel; `--zh` as an
analyst's 汇总表 (序号, 任务内容, 责任单位, 完成时限, 进展情况, 状态, 目标, 完成, 完成率, 来源).

The cells hold text from notices nobody vetted, so nothing in them may run as a
formula where the file is opened (CSV/formula injection): in XLSX every text
cell is written as text (openpyxl would store "=HYPERLINK(...)" as a live
formula), and in CSV a cell starting with = + - @ (or a tab or carriage return)
gets a leading apostrophe, as OWASP advises, unless the caller turns that off.

The connection may write only the output file: DuckDB's external access is turned
off with that one path allowed, so a query cannot read or write any other file.
"""
from __future__ import annotations

import csv
import datetime as dt
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from . import wording

FORMATS = ("csv", "parquet", "xlsx")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
MAX_WIDTH = 60  # display columns; longer text wraps


def defuse(value):
    """A CSV cell a spreadsheet will not run: text starting like a formula gets a
    leading apostrophe (shown by no spreadsheet, and plainly visible elsewhere)."""
    return "'" + value if isinstance(value, str) and value.startswith(_FORMULA_START) else value


class ExportError(Exception):
    pass


def relations(con) -> list[str]:
    return [n for (n,) in con.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main' ORDER BY 1").fetchall()]


def display_width(text: str) -> int:
    """Columns a text takes on screen: a CJK character (wide or full-width) takes two."""
    widest = 0
    for line in str(text).splitlines() or [""]:
        widest = max(widest, sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in line))
    return widest


def confine(con, output: Path) -> None:
    """From here on the connection reaches no file but the warehouse and `output`."""
    # DuckDB's COPY writes over an existing file through tmp_<name> beside it
    paths = [output.resolve(), output.resolve().with_name("tmp_" + output.name)]
    con.execute("SET allowed_paths = [" + ", ".join("'" + str(p).replace("'", "''") + "'" for p in paths) + "]")
    con.execute("SET enable_external_access = false")
    con.execute("SET lock_configuration = true")


def _source(con, name: str | None, sql: str | None, db: Path | None) -> str:
    """The SELECT to export: a table or view of the catalogue, or a query that only reads."""
    if (name is None) == (sql is None):
        raise ExportError("name a table or view, or give --sql, not both")
    if sql is not None:
        import duckdb

        from .sql_guard import NotReadOnly, check_read_only

        try:
            check_read_only(sql, db)
            statements = duckdb.extract_statements(sql)
        except NotReadOnly as exc:
            raise ExportError(f"--sql refused: {exc}") from None
        if len(statements) != 1 or statements[0].type != duckdb.StatementType.SELECT:
            raise ExportError("--sql takes one SELECT (or WITH … SELECT) query")
        return statements[0].query.strip().rstrip(";")
    known = relations(con)
    if name not in known:
        raise ExportError(f"no table or view {name!r} in the warehouse; there are: {', '.join(known)}")
    return f'SELECT * FROM "{name}"'  # checked against the catalogue above


@dataclass
class Table:
    columns: list[str]
    rows: list[tuple]
    number_formats: dict[int, str]  # column index → Excel number format
    links: dict[tuple[int, int], str] | None = None  # (row, column) → URL


def export(con, output: Path, fmt: str, *, name: str | None = None, sql: str | None = None, zh: bool = False,
           csv_formulas: bool = False, db: Path | None = None) -> int:
    """Write every row of a relation or a query to `output`; returns the row count.
    zh: the rows' tasks as a 汇总表. csv_formulas writes CSV cells as they are."""
    if fmt not in FORMATS:
        raise ExportError(f"cannot export to {fmt!r}: use csv, parquet or xlsx")
    if zh and fmt == "parquet":
        raise ExportError("--zh writes a table for people: export it to .xlsx or .csv")
    source = _source(con, name, sql, db)
    output.parent.mkdir(parents=True, exist_ok=True)
    confine(con, output)
    try:
        if zh:
            table = summary_table(con, source, ordered=sql is not None)
        elif fmt == "parquet":
            quoted = str(output).replace("'", "''")
            con.execute(f"COPY ({source}) TO '{quoted}' (FORMAT PARQUET)")
            return con.execute(f"SELECT count(*) FROM ({source})").fetchone()[0]
        else:
            cur = con.execute(source)
            table = Table([d[0] for d in cur.description], cur.fetchall(), {})
    except ExportError:
        raise
    except Exception as exc:  # duckdb: a query that does not run (a column that is not there, ...)
        raise ExportError(" ".join(str(exc).split())) from None
    if fmt == "csv":
        write_csv(output, table, csv_formulas=csv_formulas)
    else:
        write_xlsx(output, (name or "query") if not zh else "汇总表", table)
    return len(table.rows)


# --- the 汇总表 -------------------------------------------------------------------------

_SUMMARY = """
SELECT r.task_id, r.seq, r.content, coalesce(r.units, r.co_units) AS units, r.deadline, r.deadline_text, r.progress,
       r.status_now, f.days_late, r.stated_share, r.source_name, r.page, r.ref, {url} AS url, r.region, r.year,
       r.title, r.period
FROM task_reports r LEFT JOIN tasks_flat f USING (task_id) {url_join}
WHERE r.task_id IN (SELECT task_id FROM ({source}))
"""
_SUMMARY_TARGETS = """
SELECT g.task_id, g.value, g.unit, a.value, a.unit, a.ratio
FROM targets g LEFT JOIN achievements a ON a.task_id = g.task_id AND a.target_position = g.position
WHERE g.task_id IN (SELECT task_id FROM ({source}))
ORDER BY g.task_id, g.position
"""
_EXTRA = {"region": "地区", "year": "年度", "title": "报告"}


def summary_table(con, source: str, *, ordered: bool) -> Table:
    """The tasks of `source` (its task_id column) as a 汇总表: each report row as the
    notice gave it, status in Chinese, figures as written (10个, not 10.0个), the
    share done as a number, the source file and page. In the query's order when it
    has one, else by region, year, report and number."""
    from .report.data import has_column

    try:
        order = [tid for (tid,) in con.execute(f"SELECT task_id FROM ({source})").fetchall()]
    except Exception as exc:
        if "task_id" in str(exc):
            raise ExportError("--zh needs rows with a task_id column (tasks_flat, overdue_tasks, task_history, "
                              "or a query selecting task_id)") from None
        raise
    url = has_column(con, "documents", "source_url")
    rows = con.execute(_SUMMARY.format(source=source, url="d.source_url" if url else "NULL",
                                       url_join="LEFT JOIN documents d ON d.doc_id = r.doc_id" if url else "")).fetchall()
    targets: dict[str, list] = {}
    for tid, *target in con.execute(_SUMMARY_TARGETS.format(source=source)).fetchall():
        targets.setdefault(tid, []).append(target)
    by_id = {row[0]: row for row in rows}
    if ordered:
        picked = [by_id[t] for t in dict.fromkeys(order) if t in by_id]
    else:
        picked = sorted(by_id.values(), key=lambda r: (r[14] or "", r[15] or 0, r[16] or "", r[1] or 0))
    columns = [w["zh"] for w in wording.SUMMARY_COLUMNS.values()] + list(_EXTRA.values())
    out, links = [], {}
    for i, (tid, seq, content, units, deadline, deadline_text, progress, status_now, days_late, share, source_name,
            page, ref, link, region, year, title, period) in enumerate(picked):
        goals = targets.get(tid, [])
        status = wording.status(status_now)
        if days_late is not None:
            status += f"（逾期{days_late}天）"
        reported = [g for g in goals if g[2] is not None]
        ratios = [g[4] for g in reported if g[4] is not None]
        ratio = min(ratios) if ratios else share
        where = " ".join(x for x in (source_name, f"第{page}页" if page else "", ref or "") if x)
        out.append((
            seq, content, units, deadline or deadline_text, progress, status,
            "；".join(wording.figure(v) + (u or "") for v, u, *_ in goals),
            "；".join(wording.figure(a) + (au or u or "") if a is not None else "—" for _v, u, a, au, _r in goals)
            if reported else "",
            round(ratio, 4) if ratio is not None else None,
            where, region, year, f"{title}（{period}）" if period else title))
        if link:
            links[(i, 9)] = link
    return Table(columns, out, {0: "0", 3: "yyyy-mm-dd", 8: "0.0%"}, links)


# --- writers ----------------------------------------------------------------------------

def _csv_value(value, fmt: str | None):
    if isinstance(value, float):
        if fmt and fmt.endswith("%"):
            return wording.figure(round(value * 100, 1)) + "%"
        return wording.figure(value)
    return value


def write_csv(output: Path, table: Table, *, csv_formulas: bool) -> None:
    # utf-8-sig: Excel opens a CSV as GBK unless it starts with a BOM
    with open(output, "w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(table.columns)
        for row in table.rows:
            w.writerow([(v if csv_formulas else defuse(v)) if isinstance(v, str) else
                        _csv_value(v, table.number_formats.get(i)) for i, v in enumerate(row)])


def write_xlsx(output: Path, title: str, table: Table) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    wb = Workbook()
    ws = wb.active
    ws.title = title[:31]
    ws.append(table.columns)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    widths = [display_width(c) for c in table.columns]
    for row in table.rows:
        values = []
        for i, v in enumerate(row):
            if isinstance(v, (list, dict)):
                v = str(v)
            elif isinstance(v, dt.datetime) and v.tzinfo:
                v = v.replace(tzinfo=None)
            values.append(v)
            if v is not None:
                percent = table.number_formats.get(i, "").endswith("%")
                shown = f"{v:.1%}" if percent and isinstance(v, float) else v
                widths[i] = min(max(widths[i], display_width(shown)), MAX_WIDTH)
        ws.append(values)
    for i, width in enumerate(widths, start=1):
        ws.column_dimensions[ws.cell(1, i).column_letter].width = width + 2
    wrap = Alignment(wrap_text=True, vertical="top")
    top = Alignment(vertical="top")
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            i = cell.column - 1
            if isinstance(cell.value, str):
                cell.data_type = "s"  # text, never a formula (openpyxl makes "=..." one)
                cell.alignment = wrap if display_width(cell.value) > MAX_WIDTH else top
            elif i in table.number_formats and cell.value is not None:
                cell.number_format = table.number_formats[i]
    for (r, c), url in (table.links or {}).items():
        if url.lower().startswith(("http://", "https://")):
            ws.cell(r + 2, c + 1).hyperlink = url
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = ws.dimensions
    wb.save(output)
