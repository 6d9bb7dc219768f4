"""The `etl` command: a thin Typer layer over pipeline and warehouse."""
from __future__ import annotations

import json
import os
import signal
import sys
import tempfile
from contextlib import contextmanager
from pathlib import Path

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table as RichTable
from rich.text import Text

from .errors import EtlError, hint
from .home import VOCABULARY_ENV, Home, HomeError
from .home import find as find_home
from .help_format import flags_without_type
from .load import warehouse
from .names import printable
from .validate import UNKNOWN_BODY

DB_OPTION = typer.Option(None, "--db", envvar="MINSHENG_DB", show_default=False,
                         help="the DuckDB warehouse file (default: the home's, see etl --help)")
RAW_OPTION = typer.Option(None, "--raw", envvar="MINSHENG_RAW", show_default=False,
                          help="the raw store: every ingested file is kept here by content hash (default: the home's)")
WAIT_OPTION = typer.Option(0.0, "--wait", help="seconds to wait for another writer to finish")
VERBOSE_OPTION = typer.Option(False, "--verbose", "-v", help="every file as it goes, and tracebacks of errors")
WORKERS_OPTION = typer.Option(0, "--workers", "-j", envvar="MINSHENG_WORKERS", min=0,
                              help="parser processes (default 0: one per CPU core)")
SCHEDULER_OPTION = typer.Option(None, "--scheduler", envvar="MINSHENG_SCHEDULER", metavar="ADDRESS",
                                help="parse on the Dask cluster whose scheduler is at ADDRESS (tcp://host:8786); "
                                     "needs pip install 'minsheng-etl[cluster]' here and on the workers")


@contextmanager
def _cluster(address: str | None):
    """The parse function of a Dask cluster (None: parse locally). A cluster that is
    not there or does not match is a ClusterError: exit 2 in _writing, never a local run."""
    if not address:
        yield None
        return
    from .load.run.cluster import ClusterParser, connect

    client = connect(address)
    try:
        yield ClusterParser(client, address=address).parse_in_order
    finally:
        client.close()


OCR_OPTION = typer.Option(None, "--ocr/--no-ocr", help="read pages without a text layer (scans, photos) by OCR "
                          "(default on when installed; MINSHENG_OCR=0 switches it off)", show_default=False)


def _workers(n: int) -> int:
    from .load.run.pool import default_workers

    return n or default_workers()


def _apply_limits(ocr: bool | None = None) -> None:
    """Before any file is read: the file limits from the environment (MINSHENG_MAX_*,
    MINSHENG_OCR, which --ocr/--no-ocr sets) and the vocabulary in parsers/. A bad
    value or a broken file is a usage error (exit 2), not one "this is a bug"
    reject per file."""
    import os

    from . import limits
    from .profiles import check_vocabulary

    if ocr is not None:
        os.environ["MINSHENG_OCR"] = "1" if ocr else "0"
    try:
        limits.apply(limits.Limits.from_env())
        check_vocabulary()
    except (ValueError, EtlError) as exc:
        _error(exc)
        raise typer.Exit(2)


def _error(message) -> None:
    """One line on stderr: the message is text, never markup (it may quote a file name)."""
    err.print(f"[red]error[/red] {escape(str(message))}", highlight=False)


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised where SIGINT would be, so a run stops the same clean way."""


@contextmanager
def _writing(verb: str, verbose: bool):
    """Around a writer (ingest, rebuild): every way a run can stop short ends in one
    line and exit status 2 (1 means "some files rejected"), the warehouse as it was."""
    def terminated(signum, frame):
        raise Terminated()

    previous = signal.signal(signal.SIGTERM, terminated)
    try:
        yield
    except EtlError as exc:  # busy, damaged, disk full, schema: the message says what to do
        _error(exc)
        raise typer.Exit(2)
    except MemoryError:
        _error(f"{verb} stopped: out of memory (a limit on this process? MINSHENG_MAX_MEMORY_MB caps the parser "
               f"processes only); the warehouse is unchanged")
        raise typer.Exit(2)
    except KeyboardInterrupt as exc:
        what = "terminated" if isinstance(exc, Terminated) else "interrupted"
        _error(f"{verb} {what}: the warehouse is unchanged (run it again)")
        raise typer.Exit(143 if isinstance(exc, Terminated) else 130)
    except (typer.Exit, typer.Abort):
        raise
    except Exception as exc:  # a bug: one line, the traceback on request
        _error(f"{verb} failed, the warehouse is unchanged: {type(exc).__name__}: {exc}"
               + ("" if verbose else " (--verbose shows the traceback)"))
        if verbose:
            err.print_exception()
        raise typer.Exit(2)
    finally:
        signal.signal(signal.SIGTERM, previous)

app = typer.Typer(add_completion=True, no_args_is_help=True, pretty_exceptions_show_locals=False,
                  help="Turn notices on 民生实事 / 重点工作 (PDF, OFD, DOCX/DOC, HTML, XLSX/XLS, text) into a DuckDB warehouse.")
err = Console(stderr=True, soft_wrap=True)  # one error, one line: no wrapping
flags_without_type()


_home: Home = Home(None, "the working folder", {})


@app.callback()
def main(home: Path = typer.Option(None, "--home", metavar="DIR", envvar=None, show_default=False,
                                   help="the folder the warehouse, raw store and your vocabulary live in "
                                        "(else MINSHENG_HOME, else a minsheng.toml here or above, else "
                                        "data/ in the working folder)")) -> None:
    """minsheng-etl: notices in, validated records in DuckDB out.

    Where things live: `etl --home DIR`, else MINSHENG_HOME, else the nearest
    minsheng.toml in this folder or above it (`etl init` makes one), else
    data/curated/minsheng.duckdb and data/raw in the working folder."""
    global _home
    try:
        _home = find_home(home)
    except HomeError as exc:
        _error(exc)
        raise typer.Exit(2) from None
    if _home.vocabulary is not None and _home.vocabulary.is_dir():  # parser processes inherit it
        os.environ.setdefault(VOCABULARY_ENV, str(_home.vocabulary))


def _aliases_file() -> str:
    """Where an analyst adds body names: the home's vocabulary, else parsers/."""
    words = _home.vocabulary
    return str(words / "body_aliases.toml") if words is not None and words.is_dir() else "parsers/body_aliases.toml"


def _db(db: Path | None) -> Path:
    return db if db is not None else _home.warehouse


def _raw(raw: Path | None) -> Path:
    return raw if raw is not None else _home.raw


@app.command(epilog="Examples: etl init · etl init ~/minsheng (then MINSHENG_HOME=~/minsheng etl ingest …)")
def init(folder: Path = typer.Argument(Path("."), help="the folder to make a home in (default: this one)")) -> None:
    """Make a home: a minsheng.toml saying where the warehouse, the raw store and your
    vocabulary live, those folders, and a vocabulary/body_aliases.toml to add
    body names to. etl finds it from this folder or any below it."""
    from .home import init as make_home

    made = make_home(folder)
    for path in made:
        print(f"made {path}")
    print(f"{folder.resolve()} is a home{'' if made else ' already'}: etl finds it from there or any folder below")


@app.command(epilog="Examples: etl inspect data/raw/samples/daxing-2025-h1-summary.pdf · "
                    "etl inspect https://www.example.gov.cn/zwgk/tzgg/202503/P020250301.pdf")
def inspect(
    file: str = typer.Argument(..., metavar="FILE|URL",
                               help="a notice: PDF, OFD, DOCX, DOC/WPS, HTML, XLSX, XLS/ET or text, or a scan or "
                                    "photo of one (PNG, JPEG, TIFF); or its http(s) URL"),
    as_json: bool = typer.Option(False, "--json", help="print the records as JSON (the gold format)"),
    explain: bool = typer.Option(False, "--explain", help="which task list was chosen and why, and which rule "
                                 "gave each field of each task (for a layout that reads wrong)"),
    verbose: bool = VERBOSE_OPTION,
    ocr: bool | None = OCR_OPTION,
) -> None:
    """Show what a notice yields, without loading it.

    Each task with where it came from (p3 t1 r5 = page 3, table 1, row 5; l12 =
    line 12) and what to check (unknown body names, deadlines not understood,
    figures without a unit)."""
    from .fetch import is_url

    _apply_limits(ocr)
    if verbose:  # OCR says how it goes, page by page
        import logging

        logging.basicConfig(level=logging.INFO, format="%(message)s", stream=sys.stderr)
    if is_url(file):
        with tempfile.TemporaryDirectory(prefix="etl-inspect-") as folder:
            _inspect(*_fetch_for_inspect(file.strip(), Path(folder)), as_json=as_json, explain=explain,
                     verbose=verbose)
        return
    path = Path(file)
    if not path.is_file():
        _error(f"{printable(path)}: {'a folder, not a file' if path.is_dir() else 'no such file'}")
        raise typer.Exit(2)
    _inspect(path, as_json=as_json, explain=explain, verbose=verbose)


def _fetch_for_inspect(url: str, folder: Path):
    """A URL's file, fetched for `etl inspect`; a page that links to attachments and
    is no notice itself names them."""
    from .fetch import Fetcher, Policy

    try:
        policy = Policy.from_env()
    except ValueError as exc:
        _error(exc)
        raise typer.Exit(2) from None
    with Fetcher(policy) as fetcher:
        got = fetcher.fetch_one(url, folder)
    if got.error:
        _fail_line(url, "fetch", got.error)
        raise typer.Exit(2)
    return got.path, got


def _inspect(file: Path, fetched=None, *, as_json: bool, explain: bool, verbose: bool) -> None:
    from .load.derive.canonical import unknown_bodies
    from .pipeline import parse_file

    shown = fetched.url if fetched else file
    try:
        parsed = parse_file(file)
    except EtlError as exc:
        _fail_line(shown, exc.stage, str(exc))
        if fetched and fetched.attachments and exc.stage == "extract":
            err.print("a page that links to the notice's attachments: inspect one of them "
                      "(etl ingest URL takes the page and its attachments):", highlight=False)
            for link in fetched.attachments:
                err.print(f"  {link}", markup=False, highlight=False)
        raise typer.Exit(2)
    except Exception as exc:  # a bug: one line, the traceback on request
        _fail_line(shown, "pipeline", f"unexpected {type(exc).__name__}: {exc}")
        if verbose:
            err.print_exception()
        raise typer.Exit(2)
    notice = parsed.notice
    if as_json:
        record = notice.gold_json()
        if fetched:  # where it came from (the gold shape has no such key: a scorer reads past it)
            record["source"] = {"url": fetched.final_url, "page": fetched.linked_from}
        sys.stdout.write(json.dumps(record, ensure_ascii=False, indent=1) + "\n")
        return
    if explain:
        _print_explanation(parsed)
        return
    out = Console(soft_wrap=True)
    doc = notice.document
    out.print(f"[bold]{doc.title}[/bold]")
    out.print(f"format {parsed.fmt} · issuer {doc.issuer or '-'} · 文号 {doc.doc_number or '-'} · "
              f"region {doc.region or '-'} · published {doc.published or '-'} · period {doc.period or '-'}")
    if fetched:
        out.print(f"source {fetched.final_url}", markup=False, highlight=False)
    table = RichTable(show_lines=False)
    for col in ("list", "seq", "kind", "year", "content", "units", "deadline", "status", "targets", "from",
                "check"):
        table.add_column(col, overflow="fold")
    flagged = 0
    for t, checks in zip(notice.tasks, parsed.result.warnings):
        warnings = unknown_bodies(t, doc.region) + checks
        flagged += bool(warnings)
        table.add_row(str(t.list), str(t.seq), t.list_kind, str(t.year or ""), t.content[:40],
                      "、".join(t.units)[:20], str(t.deadline or ""), t.status or "",
                      " ".join(f"{x.value:g}{x.unit}" for x in t.targets)[:30], t.ref.label if t.ref else "",
                      Text("; ".join(w.label for w in warnings), style="yellow"))
    out.print(table)
    out.print(f"{len(notice.tasks)} tasks in {len({t.list for t in notice.tasks})} list(s)"
              + (f"; {flagged} with something to check" if flagged else ""))
    for note in parsed.layout.notes:
        out.print(f"[dim]note: {note}[/dim]")
    for r in parsed.result.rejected:
        err.print(f"[yellow]rejected[/yellow] {r.ref} seq {r.seq}: {r.field} = {r.value!r}: {r.reason}")


def _print_explanation(parsed) -> None:
    """Per task: where it came from and the rule behind each field."""
    out = Console(soft_wrap=True, highlight=False)
    out.print(f"[bold]{parsed.notice.document.title}[/bold] ({parsed.fmt})")
    for line in parsed.result.segmentation or ["no task list found"]:
        out.print(f"lists: {line}")
    for task, rules in zip(parsed.notice.tasks, parsed.result.rules):
        out.print(f"\n[bold]list {task.list} · {task.seq}[/bold] [dim]{task.ref.label if task.ref else ''}[/dim] "
                  f"{task.content[:50]}")
        for name in ("content", "section", "units", "co_units", "lead_officials", "deadline", "status", "progress",
                     "source_ref"):
            value = getattr(task, name)
            if value in (None, [], ""):
                continue
            shown = "、".join(value) if isinstance(value, list) else str(value)
            out.print(f"  {name:<15} {shown[:40]!r:<44} ← {rules.get(name, 'not explained')}")
        if task.targets:
            out.print(f"  {'targets':<15} {' '.join(f'{x.value:g}{x.unit}' for x in task.targets)[:40]!r:<44} "
                      "← quantities with a measure word in the content")


def _fail_line(path, stage: str | None, reason: str | None) -> None:
    """One line per failed file, with a hint: to stderr."""
    hint_text = hint(stage)
    err.print(f"[red]failed[/red]    {escape(printable(path))}: {stage}: {escape(printable(reason or ''))}"
              + (f" [dim]({hint_text})[/dim]" if hint_text else ""), markup=True, highlight=False)


class RunDisplay:
    """What a run shows while it works: a progress bar on a terminal (files, tasks,
    elapsed, rate), nothing in scripts and cron; failures always, one line each.
    A file counts as done when its parse is (loading comes in batches, later);
    --verbose prints it then, with its speed, and again when its batch is loaded,
    and each page OCR reads as it reads it."""

    def __init__(self, total: int | None, *, label: str, quiet: bool, as_json: bool, verbose: bool):
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
        )

        self.as_json, self.verbose = as_json, verbose
        self.tasks = self.pages = 0
        self.counted: set[str] = set()  # files the bar has counted (at their parse)
        self.progress = None
        if not (quiet or as_json) and err.is_terminal:
            self.progress = Progress(TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
                                     TextColumn("files · {task.fields[tasks]} tasks"), TimeElapsedColumn(),
                                     TextColumn("{task.fields[rate]}"), TextColumn("[dim]{task.fields[now]}"),
                                     console=err, transient=True)
            self.bar = self.progress.add_task(label, total=total, tasks=0, rate="", now="")

    def __enter__(self):
        if self.progress:
            self.progress.start()
        return self

    def __exit__(self, *exc):
        if self.progress:
            self.progress.stop()

    def _count(self, o) -> None:
        """The bar moves once per file: at its parse, or at its outcome if it had none."""
        key = o.sha256 or str(o.path)
        if key in self.counted:
            return
        self.counted.add(key)
        self.tasks += o.tasks
        if not o.cached:  # pages read in this run (pages/s)
            self.pages += o.pages or 0
        if self.progress:
            task = self.progress.tasks[0]
            rate = f"{(task.completed + 1) / task.elapsed:.1f} files/s" if task.elapsed else ""
            if rate and self.pages:
                rate += f" · {self.pages / task.elapsed:.1f} pages/s"
            self.progress.update(self.bar, advance=1, tasks=self.tasks, rate=rate, now="")

    def on_note(self, name: str, message: str) -> None:
        """What a parse says as it goes (a page read by OCR)."""
        if self.progress:
            self.progress.update(self.bar, now=f"{name}: {message}"[:60])
        if self.verbose and not self.as_json:
            err.print(f"[dim]reading   {escape(printable(name))}: {escape(message)}[/dim]", highlight=False)

    def on_file(self, o) -> None:
        self._count(o)
        if self.as_json:
            return
        if o.status == "failed":
            _fail_line(o.path, o.stage, o.reason)
            if self.verbose and o.detail:
                err.print(o.detail, markup=False, highlight=False)
        elif self.verbose:
            err.print(f"[green]{o.status:<9}[/green] {escape(printable(o.path))}: {_file_note(o)}", highlight=False)


def _file_note(o) -> str:
    if o.status == "unchanged":
        return "already loaded, nothing changed"
    note = f"{o.tasks} tasks"
    if o.status == "parsed":
        if o.cached:
            note += ", from the parse cache"
        elif o.pages and o.seconds:
            note += f", {o.pages} pages in {o.seconds:.1f} s ({o.pages / o.seconds:.1f} pages/s)"
        elif o.seconds:
            note += f" in {o.seconds:.1f} s"
    return note + (f", {o.rejected_records} records rejected" if o.rejected_records else "")


def print_summary(summary, out: Console, *, verb: str, target: Path) -> None:
    """The end of every run: counts, each rejected file with its reason, warnings by kind."""
    out.print(f"{verb} {len(summary.outcomes)} files in {summary.seconds:.1f} s → {target}: "
              f"{summary.count('loaded')} loaded ({summary.tasks} tasks), "
              f"{summary.count('unchanged')} unchanged (already loaded, nothing changed), "
              f"{summary.failed} failed", highlight=False)
    failed = [o for o in summary.outcomes if o.status == "failed"]
    for o in failed[:20]:
        out.print(f"  rejected  {o.name or printable(Path(o.path).name)}: {o.stage}: {printable(o.reason or '')}", highlight=False,
                  markup=False)
    if len(failed) > 20:
        out.print(f"  … {len(failed) - 20} more rejected: etl status lists them")
    for kind, info in summary.warnings.as_dict().items():
        examples = ", ".join(info["examples"][:3])
        out.print(f"  warning   {info['count']} {kind}: {examples}{' …' if info['count'] > 3 else ''}",
                  highlight=False, markup=False)
    if UNKNOWN_BODY in summary.warnings.counts:
        out.print(f"            (etl units --unknown lists the names to add to {_aliases_file()})",
                  highlight=False)
    if summary.skipped_links:
        out.print(f"  skipped   {summary.skipped_links} symbolic link(s) inside folders (not followed: name the "
                  f"file itself to ingest it)", highlight=False)
    for note in summary.notes:
        out.print(f"  note      {note}", highlight=False, markup=False)


@app.command(epilog="Examples: etl ingest data/raw/samples · etl ingest inbox/ --json > run.json · "
                    "etl ingest notice.pdf --db city.duckdb --wait 600 · "
                    "etl ingest https://www.example.gov.cn/zwgk/tzgg/202503/t20250301_1.html · "
                    "etl ingest --urls today.txt")
def ingest(
    paths: list[str] = typer.Argument(None, help="notice files, folders of them, or http(s) URLs",
                                      show_default=False),
    urls_file: Path = typer.Option(None, "--urls", metavar="FILE", show_default=False,
                                   help="a file of URLs to fetch, one per line (# comments)"),
    db: Path | None = DB_OPTION,
    raw: Path | None = RAW_OPTION,
    wait: float = WAIT_OPTION,
    force: bool = typer.Option(False, "--force", help="re-parse every file, even one loaded by this parser version or held in the parse cache"),
    workers: int = WORKERS_OPTION,
    scheduler: str = SCHEDULER_OPTION,
    quiet: bool = typer.Option(False, "--quiet", "-q", help="no progress bar (the default when not on a terminal)"),
    as_json: bool = typer.Option(False, "--json", help="print the run summary as JSON on stdout, nothing else"),
    verbose: bool = VERBOSE_OPTION,
    ocr: bool | None = OCR_OPTION,
) -> None:
    """Load notices into the warehouse, idempotently by content hash.

    Files are parsed in worker processes and loaded in batches; a file already
    loaded by this parser version is skipped. Exit status 0 when every file loaded
    (or was already loaded), 1 when some failed (they are listed in the rejects
    table), 2 when the run could not start.

    Limits per file (a file over one is rejected, the run goes on), set in the
    environment: MINSHENG_MAX_FILE_MB (200), MINSHENG_MAX_PAGES (2000),
    MINSHENG_MAX_UNZIPPED_MB (500), MINSHENG_MAX_NESTING (1000),
    MINSHENG_MAX_EMPTY_ROWS (10000), MINSHENG_MAX_SECONDS (300),
    MINSHENG_MAX_MEMORY_MB (3072), MINSHENG_MAX_OCR_PAGE_SECONDS (60: added
    to the time limit for each page read by OCR).

    URLs are fetched with a 30 s timeout (MINSHENG_FETCH_TIMEOUT), 3 retries
    with backoff for a server or network that fails for a moment
    (MINSHENG_FETCH_RETRIES), 1 s between two requests to one host
    (MINSHENG_FETCH_INTERVAL), at most 5 redirects and the file size limit. A
    page that links to the notice's attachments (附件 .doc/.pdf/.xlsx, same
    host) brings them too."""
    db = _db(db)
    raw = _raw(raw)
    from .fetch import Policy, is_url, read_url_list
    from .load.run.inputs import iter_inputs
    from .load.run.ingest import ingest as run_ingest

    _apply_limits(ocr)
    paths = paths or []
    urls = [p.strip() for p in paths if is_url(p)]
    try:
        urls += read_url_list(urls_file) if urls_file else []
    except (OSError, UnicodeDecodeError) as exc:
        _error(f"--urls {printable(urls_file)}: cannot read it ({getattr(exc, 'strerror', None) or exc})")
        raise typer.Exit(2) from None
    try:
        policy = Policy.from_env() if urls else None
    except ValueError as exc:
        _error(exc)
        raise typer.Exit(2) from None
    local = [Path(p) for p in paths if not is_url(p)]
    if not local and not urls:
        _error("nothing to ingest: name files, folders or URLs (or --urls FILE)")
        raise typer.Exit(2)
    missing = [p for p in local if not p.exists() and not p.is_symlink()]
    for p in missing:
        _error(f"{printable(p)}: no such file or folder")
    skipped: list[Path] = []
    files = list(iter_inputs([p for p in local if p not in missing], skipped))
    out = Console(soft_wrap=True)
    with _writing("ingest", verbose), _cluster(scheduler) as parse:
        # a URL may bring attachments: how many files there are is known only at the end
        with RunDisplay(None if urls else len(files), label="ingest", quiet=quiet, as_json=as_json,
                        verbose=verbose) as display:
            summary = run_ingest(files, db_path=db, raw_root=raw, wait=wait, force=force, urls=urls,
                                 fetch_policy=policy, workers=_workers(workers), on_file=display.on_file,
                                 on_note=display.on_note, parse=parse)
    summary.skipped_links = len(skipped)
    if as_json:
        sys.stdout.write(json.dumps(summary.to_json(), ensure_ascii=False) + "\n")
        raise typer.Exit(1 if summary.failed or missing else 0)
    _upgrade_note(summary.upgraded)
    print_summary(summary, out, verb=f"ingest run {summary.run_id}:", target=db)
    if summary.failed or missing:
        raise typer.Exit(1)


def _upgrade_note(applied: list[str]) -> None:
    note = warehouse.upgrade_note(applied)
    if note:
        err.print(f"[yellow]upgraded[/yellow] {note}")


@app.command(epilog="Examples: etl rebuild · etl rebuild --quiet --wait 600 (cron) · etl rebuild --json")
def rebuild(
    db: Path | None = DB_OPTION,
    raw: Path | None = RAW_OPTION,
    wait: float = WAIT_OPTION,
    all_raw: bool = typer.Option(False, "--all-raw", help="take every file in the raw store, not only those "
                                 "ingested into this warehouse (the raw store may be shared by several)"),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="no progress bar (the default when not on a terminal)"),
    show: int = typer.Option(10, "--show", help="tasks to list per kind of change"),
    workers: int = WORKERS_OPTION,
    scheduler: str = SCHEDULER_OPTION,
    no_cache: bool = typer.Option(False, "--no-cache", help="re-parse every file, even those the parse cache holds "
                                  "for this parser version"),
    as_json: bool = typer.Option(False, "--json", help="print the run summary and the diff as JSON, nothing else"),
    verbose: bool = VERBOSE_OPTION,
    ocr: bool | None = OCR_OPTION,
) -> None:
    """Re-derive the warehouse from the files ingested into it, then swap it in atomically.

    The raw store is the source of truth: the rebuild takes the files this
    warehouse took (its record, <db>.raw.jsonl), whatever state the warehouse
    file is in; a damaged one is kept aside under another name. Files whose
    parse the cache holds for this parser version are not parsed again. The old
    warehouse stays readable, and untouched if the rebuild fails or is killed.
    Prints the tasks added, removed and changed against it. Exit status 0 when
    every file loaded, 1 when some were rejected (the new warehouse is in place),
    2 when the rebuild did not happen (the old warehouse is as it was)."""
    db = _db(db)
    raw = _raw(raw)
    from .load.run.rebuild import rebuild as run_rebuild
    from .load.store import RawStore

    _apply_limits(ocr)
    out = Console(soft_wrap=True)
    with _writing("rebuild", verbose), _cluster(scheduler) as parse:
        total = len(RawStore(raw).objects())
        with RunDisplay(total, label="rebuild", quiet=quiet, as_json=as_json, verbose=verbose) as display:
            result = run_rebuild(db_path=db, raw_root=raw, wait=wait, on_file=display.on_file,
                                 on_note=display.on_note, workers=_workers(workers), use_cache=not no_cache, all_raw=all_raw, parse=parse)
    summary, diff = result.summary, result.diff
    if as_json:
        sys.stdout.write(json.dumps(result.to_json(), ensure_ascii=False) + "\n")
        raise typer.Exit(1 if summary.failed else 0)
    if result.damaged:
        out.print(f"the old warehouse could not be read ({result.damaged}); "
                  f"it is kept as {result.set_aside}, and the warehouse was made anew from the raw store",
                  highlight=False, markup=False)
    took = (f"took every file in the raw store: {result.took}" if result.whole_store else
            f"took the {result.took} files ingested into this warehouse"
            + (f" ({result.not_taken} other files in the raw store belong to other warehouses: not taken)"
               if result.not_taken else ""))
    if result.missing:
        took += f"; {result.missing} of its files are no longer in the raw store {raw}"
    out.print(took, highlight=False, markup=False)
    print_summary(summary, out, verb=f"rebuilt from {raw}:", target=db)
    out.print(f"documents {diff.documents_before} → {diff.documents_after}; tasks: {len(diff.added)} added, "
              f"{len(diff.removed)} removed, {len(diff.changed)} changed" + (" (no change)" if diff.unchanged else ""))
    for label, items in (("added", diff.added), ("removed", diff.removed), ("changed", diff.changed)):
        for tid, content in items[:show]:
            out.print(f"  {label:<8} {tid}  {content[:50]}")
        if len(items) > show:
            out.print(f"  … {len(items) - show} more {label}")
    if summary.failed:
        raise typer.Exit(1)


@app.command(epilog="Examples: etl status --runs 10 · etl status --json | jq .overdue")
def status(db: Path | None = DB_OPTION, runs: int = typer.Option(5, "--runs", help="recent runs to show"),
           as_json: bool = typer.Option(False, "--json", help="print it as JSON on stdout, nothing else")) -> None:
    """What the warehouse holds: notices, documents, tasks, bodies, overdue, recent runs, rejects."""
    db = _db(db)
    from .status import warehouse_status

    con = _reader(db)
    try:
        got = warehouse_status(con, runs=runs)
    finally:
        con.close()
    if as_json:
        sys.stdout.write(json.dumps({"db": str(db), **got}, ensure_ascii=False) + "\n")
        return
    out = Console(soft_wrap=True)
    late = got["overdue"]
    out.print(f"[bold]{escape(str(db))}[/bold]: {got['notices']} notices in {got['documents']} documents, "
              f"{got['tasks']} tasks ({got['report_rows']} report rows), {got['bodies']} bodies "
              f"({got['unknown_body_names']} names not in the alias table: etl units --unknown)")
    out.print(f"  overdue today: {late['total']} ({late['reported_late']} reported late, {late['no_news']} with no "
              f"news since the deadline: SELECT * FROM overdue_tasks)", highlight=False)
    for fmt, n in got["formats"].items():
        out.print(f"  {fmt:<5} {n} documents")
    table = RichTable("run", "command", "started", "finished", "files", "loaded", "unchanged", "failed",
                      title="recent runs")
    for r in got["runs"]:
        table.add_row(r["run"], r["command"], r["started"], r["finished"] or "did not finish",
                      *[str(r[k]) for k in ("files", "loaded", "unchanged", "failed")])
    out.print(table)
    if got["rejected_files"]:
        rt = RichTable("file", "stage", "reason", "when", title="rejected files")
        for r in got["rejected_files"]:
            rt.add_row(*[str(r[k]) for k in ("file", "stage", "reason", "when")])
        out.print(rt)


@app.command(epilog="Examples: etl views · etl views tasks_flat")
def views(
    name: str = typer.Argument(None, help="only this view"),
    db: Path | None = DB_OPTION,
) -> None:
    """The views to query: what each holds, in one line, and a query to start from."""
    db = _db(db)
    from .catalogue import views as list_views

    con = _reader(db)
    try:
        found = list_views(con)
    finally:
        con.close()
    if name:
        found = [v for v in found if v.name == name]
        if not found:
            _error(f"no view {name!r}: etl views lists them")
            raise typer.Exit(2)
    out = Console(soft_wrap=True, highlight=False)
    for v in found:
        out.print(f"[bold]{v.name}[/bold]" + (" [dim](table macro)[/dim]" if v.kind != "view" else ""))
        out.print(f"  {escape(v.what)}")
        if v.example:
            out.print(f"  [dim]etl query \"{escape(v.example)}\"[/dim]")
    out.print("Tables: etl query \"SHOW TABLES\"; columns of one: etl query \"DESCRIBE tasks_flat\"", markup=False)


@app.command(epilog="Example: etl units --unknown --format csv > names-to-add.csv")
def units(
    db: Path | None = DB_OPTION,
    unknown: bool = typer.Option(False, "--unknown", help="only names the alias table does not know"),
    fmt: str = typer.Option("table", "--format", "-f", help="table, csv or json"),
) -> None:
    """Responsible bodies as written and their canonical names (parsers/body_aliases.toml).

    `--unknown` lists names the alias table does not know, most used first, so an
    analyst can add them."""
    db = _db(db)
    from .status import units_sql

    _print_query(db, units_sql(unknown), fmt, 0)


@app.command(epilog="Examples: etl export tasks_flat -o tasks.parquet · etl export tasks_flat --zh -o 汇总表.xlsx · "
                    "etl export --zh --sql \"SELECT task_id FROM tasks_flat WHERE region = '北京市大兴区' AND "
                    "year = 2025\" -o 大兴2025.xlsx")
def export(
    name: str = typer.Argument(None, help="a table or view, e.g. tasks_flat, target_vs_achieved (etl views lists "
                                          "them); or give --sql"),
    output: Path = typer.Option(..., "--output", "-o", help="the file to write"),
    fmt: str = typer.Option(None, "--format", "-f", help="csv, parquet or xlsx (default: from the file suffix)"),
    sql: str = typer.Option(None, "--sql", help="export what this query returns (one SELECT that only reads)"),
    zh: bool = typer.Option(False, "--zh", help="as an analyst's 汇总表: the rows' tasks (by task_id) with Chinese "
                            "headers 序号, 任务内容, 责任单位, 完成时限, 进展情况, 状态, 目标, 完成, 完成率, 来源 "
                            "(then 地区, 年度, 报告)"),
    db: Path | None = DB_OPTION,
    csv_formulas: bool = typer.Option(False, "--csv-formulas", help="write CSV cells as they are: by default a "
                                      "cell starting with = + - @ gets a leading ' so a spreadsheet shows it "
                                      "instead of running it as a formula"),
) -> None:
    """Write a table, a view or a query to CSV, Parquet or Excel (with --zh: a 汇总表).

    Text from the notices is written as text: no cell runs as a formula in Excel.
    Columns are as wide as their text (a Chinese character counts twice)."""
    db = _db(db)
    from .export import ExportError
    from .export import export as run_export

    fmt = (fmt or output.suffix.lstrip(".")).lower()
    con = _reader(db, allow_files=True)  # the export then confines it to the output file
    try:
        rows = run_export(con, output, fmt, name=name, sql=sql, zh=zh, csv_formulas=csv_formulas, db=db)
    except ExportError as exc:
        _error(exc)
        raise typer.Exit(2)
    finally:
        con.close()
    what = name if name else "the query"
    Console(soft_wrap=True).print(f"wrote {rows} rows of {what}{' as a 汇总表' if zh else ''} to {output}",
                                  highlight=False, markup=False)


@app.command(epilog="Examples: etl report -o report.html && xdg-open report.html · "
                    "etl report --region 北京市大兴区 --year 2025 -o 大兴2025.html · etl report --lang en -o report-en.html")
def report(
    output: Path = typer.Option(None, "--output", "-o", show_default=False,
                                help="the HTML file to write (default: report.html beside the warehouse)"),
    db: Path | None = DB_OPTION,
    region: str = typer.Option(None, "--region", help="only this region (as in tasks_flat.region, e.g. 北京市大兴区)"),
    year: int = typer.Option(None, "--year", help="only this year"),
    lang: str = typer.Option("zh", "--lang", help="zh (default) or en: the report's headings and labels"),
) -> None:
    """Write a self-contained HTML report on where the projects stand (in Chinese).

    Filters by region, year, list, body and status, a search box over the tasks,
    sortable tables; the status of each region and year from report to report, the
    overdue list with days late, tasks per body; each task opens to its history
    (every report's status and figures) and its sources. One file, no network."""
    db = _db(db)
    output = output if output is not None else db.parent / "report.html"
    from .report import write_report
    from .wording import LANGS

    if lang not in LANGS:
        _error(f"--lang {lang!r}: use zh or en")
        raise typer.Exit(2)
    con = _reader(db)
    try:
        got = write_report(con, output, db_name=db.name, region=region, year=year, lang=lang)
    finally:
        con.close()
    if not got.tasks:
        err.print(f"[yellow]note[/yellow] no tasks{' in this scope' if region or year is not None else ''}: "
                  f"the report is empty", highlight=False)
    Console(soft_wrap=True).print(f"wrote {output}: {got.tasks} tasks in {got.groups} regions and years",
                                  highlight=False)


def _reader(db: Path, allow_files: bool = False, memory_limit: str | None = None):
    """A read-only connection; sandboxed (no other files) unless allow_files. The
    warehouse is read through first: a damaged one is said so in one line (exit 2)
    instead of failing half way through a report."""
    if not Path(db).exists():
        _error(f"no warehouse at {db} ({_home.describe() if db == _home.warehouse else '--db or MINSHENG_DB'}): "
               f"`etl ingest FILES` makes it there")
        raise typer.Exit(2)
    try:
        return warehouse.open_warehouse(db, sandbox=not allow_files, memory_limit=memory_limit)
    except (FileNotFoundError, EtlError) as exc:
        _error(exc)
        raise typer.Exit(2)


@app.command(epilog="""Examples: etl query "SELECT region, year, status_now, count(*) FROM tasks_flat GROUP BY ALL" · etl query "SELECT * FROM tasks_flat LIMIT 3" --format line · etl query "SELECT * FROM overdue_tasks" --format xlsx -o 逾期.xlsx""")
def query(
    sql: str = typer.Argument(..., help="a SQL query over the warehouse tables and views (etl views lists them)"),
    db: Path | None = DB_OPTION,
    fmt: str = typer.Option("table", "--format", "-f", help="table, csv, json, line (one field per line: for wide "
                            "rows) or xlsx (with -o)"),
    output: Path = typer.Option(None, "--output", "-o", help="write to this file (csv: UTF-8 with a BOM, like etl "
                                "export) instead of the terminal"),
    limit: int = typer.Option(200, "--limit", help="rows to show in table format (0: all)"),
    allow_files: bool = typer.Option(False, "--allow-files", help="let the SQL read other files (read_csv, ...) "
                                     "and COPY ... TO a file other than the warehouse's own"),
    timeout: float = typer.Option(300.0, "--timeout", envvar="MINSHENG_QUERY_TIMEOUT",
                                  help="seconds a query may run before it is stopped"),
    memory: str = typer.Option("", "--memory-limit", envvar="MINSHENG_QUERY_MEMORY",
                               help="DuckDB memory for the query, e.g. 4GB (default: half the machine's)"),
) -> None:
    """Run SQL that only reads (SELECT, WITH, EXPLAIN, DESCRIBE, SHOW, PRAGMA table_info...).

    Every statement is checked before it runs: nothing that writes gets through,
    so the SQL cannot change the warehouse, and it cannot touch any other file
    unless --allow-files is given. A query is stopped after --timeout seconds."""
    db = _db(db)
    if not (0 < timeout < float("inf")):
        err.print(f"[red]error[/red] --timeout must be a positive number of seconds, not {timeout}")
        raise typer.Exit(2)
    _print_query(db, sql, fmt, limit, allow_files, timeout, memory, output)


def _print_query(db: Path, sql: str, fmt: str, limit: int, allow_files: bool = False, timeout: float = 300.0,
                 memory: str = "", output: Path | None = None) -> None:
    import threading

    from .query_output import OutputError, check, write
    from .sql_guard import BadSql, NotReadOnly, check_read_only, default_memory_limit

    try:
        check(fmt, output)
    except OutputError as exc:
        _error(exc)
        raise typer.Exit(2)
    try:
        check_read_only(sql, db, allow_files)
    except NotReadOnly as exc:
        err.print(f"[red]{'query failed' if isinstance(exc, BadSql) else 'query refused'}[/red] {escape(str(exc))}")
        raise typer.Exit(2)
    con = _reader(db, allow_files, memory or default_memory_limit())
    timer = threading.Timer(timeout, con.interrupt)  # DuckDB has no statement timeout of its own
    timer.daemon = True
    timer.start()
    try:
        cur = con.execute(sql)
        columns = [d[0] for d in cur.description] if cur.description else []
        rows = cur.fetchall()
    except Exception as exc:  # duckdb errors: show the message, not a traceback
        message = warehouse.explain(exc, timeout=timeout, timed_out=not timer.is_alive())
        err.print(f"[red]query failed[/red] {escape(message)}")
        raise typer.Exit(2)
    finally:
        timer.cancel()
        con.close()
    if fmt != "table":
        write(columns, rows, fmt, output)
        if output is not None:
            Console(soft_wrap=True, highlight=False).print(f"wrote {len(rows)} rows to {escape(str(output))}")
        return
    table = RichTable(*columns, show_lines=False)
    for row in rows[: limit or None]:
        table.add_row(*["" if v is None else str(v) for v in row])
    Console(soft_wrap=True).print(table)
    if limit and len(rows) > limit:
        err.print(f"({len(rows)} rows, {limit} shown: --limit 0 for all, or --format csv)")


@app.command(epilog="Example: etl schema > notice.schema.json")
def schema(
    write: bool = typer.Option(False, "--write", help="write schemas/notice.schema.json instead of printing"),
) -> None:
    """The JSON Schema of the record contract (a notice and its tasks)."""
    from .validate import json_schema
    from .profiles import schemas_dir

    text = json.dumps(json_schema(), ensure_ascii=False, indent=2) + "\n"
    if write:
        target = schemas_dir() / "notice.schema.json"
        target.write_text(text, encoding="utf-8")
        Console(soft_wrap=True).print(f"wrote {target}")
    else:
        sys.stdout.write(text)


if __name__ == "__main__":
    app()
