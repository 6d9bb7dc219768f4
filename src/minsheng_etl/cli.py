"""The `etl` command: a thin Typer layer over pipeline and warehouse."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table as RichTable

from .errors import EtlError
from .pipeline import parse_file

app = typer.Typer(add_completion=False, no_args_is_help=True,
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
                      " ".join(f"{x.value:g}{x.unit}" for x in t.targets)[:30], t.ref or "")
    out.print(table)
    out.print(f"{len(notice.tasks)} tasks in {len({t.list for t in notice.tasks})} list(s)")
    for r in parsed.result.rejected:
        err.print(f"[yellow]rejected[/yellow] {r.ref} seq {r.seq}: {r.field} = {r.value!r}: {r.reason}")


if __name__ == "__main__":
    app()
