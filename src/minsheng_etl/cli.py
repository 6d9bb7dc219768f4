"""The `etl` command: a thin Typer layer over pipeline and warehouse."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table as RichTable

from . import warehouse
from .errors import EtlError, SchemaError, WarehouseBusy
from .pipeline import parse_file

DB_OPTION = typer.Option(warehouse.DEFAULT_DB, "--db", envvar="MINSHENG_DB", help="the DuckDB warehouse file")
RAW_OPTION = typer.Option(Path("data/raw"), "--raw", envvar="MINSHENG_RAW",
                          help="the raw store: every ingested file is kept here by content hash")
WAIT_OPTION = typer.Option(0.0, "--wait", help="seconds to wait for another writer to finish")

app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_show_locals=False,
                  help="Turn notices on 民生实事 / 重点工作 (PDF, DOCX, HTML, XLSX, text) into a DuckDB warehouse.")
err = Console(stderr=True)


@app.callback()
def main() -> None:
    """minsheng-etl: notices in, validated records in DuckDB out."""


@app.command()
def inspect(
    file: Path = typer.Argument(..., exists=True, dir_okay=False, help="a notice: PDF, DOCX, HTML, XLSX or text"),
    as_json: bool = typer.Option(False, "--json", help="print the records as JSON (the gold format)"),
) -> None:
    """Show what a notice yields, without loading it."""
    try:
        parsed = parse_file(file)
    except EtlError as exc:
        err.print(f"[red]error[/red] {file}: {exc.stage}: {exc}")
        raise typer.Exit(2)
    notice = parsed.notice
    if as_json:
        sys.stdout.write(json.dumps(notice.gold_json(), ensure_ascii=False, indent=1) + "\n")
        return
    out = Console()
    doc = notice.document
    out.print(f"[bold]{doc.title}[/bold]")
    out.print(f"format {parsed.fmt} · issuer {doc.issuer or '-'} · 文号 {doc.doc_number or '-'} · "
              f"region {doc.region or '-'} · published {doc.published or '-'} · period {doc.period or '-'}")
    table = RichTable(show_lines=False)
    for col in ("list", "seq", "kind", "year", "content", "units", "deadline", "status", "targets", "from"):
        table.add_column(col, overflow="fold")
    for t in notice.tasks:
        table.add_row(str(t.list), str(t.seq), t.list_kind, str(t.year or ""), t.content[:40],
                      "、".join(t.units)[:20], str(t.deadline or ""), t.status or "",
                      " ".join(f"{x.value:g}{x.unit}" for x in t.targets)[:30], t.ref.label if t.ref else "")
    out.print(table)
    out.print(f"{len(notice.tasks)} tasks in {len({t.list for t in notice.tasks})} list(s)")
    for r in parsed.result.rejected:
        err.print(f"[yellow]rejected[/yellow] {r.ref} seq {r.seq}: {r.field} = {r.value!r}: {r.reason}")



@app.command()
def ingest(
    paths: list[Path] = typer.Argument(..., help="notice files or folders of them"),
    db: Path = DB_OPTION,
    raw: Path = RAW_OPTION,
    wait: float = WAIT_OPTION,
    force: bool = typer.Option(False, "--force", help="re-parse files already loaded by this parser version"),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="print only the summary and failures"),
) -> None:
    """Load notices into the warehouse: one transaction per file, idempotent by content hash.

    Exit status 0 when every file loaded (or was already loaded), 1 when some failed
    (they are listed in the rejects table), 2 when the run could not start."""
    from .ingest import ingest as run_ingest

    missing = [p for p in paths if not p.exists()]
    for p in missing:
        err.print(f"[red]error[/red] {p}: no such file or folder")
    out = Console()

    def show(o):
        if o.status == "failed":
            err.print(f"[red]failed[/red]    {o.path}: {o.stage}: {o.reason}")
        elif not quiet:
            note = f"{o.tasks} tasks" if o.status == "loaded" else "already loaded, nothing changed"
            extra = f", {o.rejected_records} records rejected" if o.rejected_records else ""
            out.print(f"[green]{o.status:<9}[/green] {o.path}: {note}{extra}")

    try:
        summary = run_ingest([p for p in paths if p.exists()], db_path=db, raw_root=raw, wait=wait, force=force,
                             on_file=show)
    except (WarehouseBusy, SchemaError) as exc:
        err.print(f"[red]error[/red] {exc}")
        raise typer.Exit(2)
    out.print(f"run {summary.run_id}: {len(summary.outcomes)} files, {summary.count('loaded')} loaded, "
              f"{summary.count('unchanged')} unchanged, {summary.failed} failed → {db}")
    if summary.failed or missing:
        raise typer.Exit(1)


@app.command()
def query(
    sql: str = typer.Argument(..., help="a SQL query over the warehouse tables and views"),
    db: Path = DB_OPTION,
    fmt: str = typer.Option("table", "--format", "-f", help="table, csv or json"),
    limit: int = typer.Option(200, "--limit", help="rows to show in table format (0: all)"),
) -> None:
    """Run SQL on a read-only connection to the warehouse."""
    import csv

    try:
        con = warehouse.connect(db, read_only=True)
    except (FileNotFoundError, WarehouseBusy) as exc:
        err.print(f"[red]error[/red] {exc}")
        raise typer.Exit(2)
    try:
        cur = con.execute(sql)
        columns = [d[0] for d in cur.description] if cur.description else []
        rows = cur.fetchall()
    except Exception as exc:  # duckdb errors: show the message, not a traceback
        err.print(f"[red]query failed[/red] {exc}")
        raise typer.Exit(2)
    finally:
        con.close()
    if fmt == "csv":
        writer = csv.writer(sys.stdout)
        writer.writerow(columns)
        writer.writerows(rows)
    elif fmt == "json":
        sys.stdout.write(json.dumps([dict(zip(columns, r)) for r in rows], ensure_ascii=False, default=str, indent=1)
                         + "\n")
    elif fmt == "table":
        table = RichTable(*columns, show_lines=False)
        for row in rows[: limit or None]:
            table.add_row(*["" if v is None else str(v) for v in row])
        Console().print(table)
        if limit and len(rows) > limit:
            err.print(f"({len(rows)} rows, {limit} shown: --limit 0 for all, or --format csv)")
    else:
        err.print(f"[red]error[/red] unknown format {fmt!r}: use table, csv or json")
        raise typer.Exit(2)



@app.command()
def schema(
    write: bool = typer.Option(False, "--write", help="write schemas/notice.schema.json instead of printing"),
) -> None:
    """The JSON Schema of the record contract (a notice and its tasks)."""
    from .models import json_schema
    from .profiles import schemas_dir

    text = json.dumps(json_schema(), ensure_ascii=False, indent=2) + "\n"
    if write:
        target = schemas_dir() / "notice.schema.json"
        target.write_text(text, encoding="utf-8")
        Console().print(f"wrote {target}")
    else:
        sys.stdout.write(text)


if __name__ == "__main__":
    app()
