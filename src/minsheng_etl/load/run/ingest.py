"""`etl ingest`: files and folders in, warehouse rows out.

Each file is copied into the raw store by content hash first (so a failed file is
kept). A file already loaded by this parser version is a hash lookup and changes
nothing; a file parsed before by this parser version comes from the parse cache;
the others are parsed in worker processes (pool.py). Parsed files are
loaded in batches (rows.BatchLoader); a file that fails at any stage is listed
in `rejects` with its stage and reason, and the run goes on.
"""
from __future__ import annotations

import dataclasses
import itertools
import stat
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from ...errors import DiskFull
from ...names import printable
from ...pipeline import ParseRecord, parser_version
from .. import rows, warehouse
from ..derive.refresh import refresh, revision_notes
from ..store import ParseCache, RawStore
from . import taken
from .inputs import Fetching, Source, iter_inputs
from .notes import Note
from .pool import Target, parse_in_order
from .summary import FileOutcome, RunSummary

def ingest(paths: list[Path], *, db_path: Path, raw_root: Path, command: str = "ingest", wait: float = 0.0,
           force: bool = False, workers: int = 0, urls: list[str] | None = None, fetch_policy=None,
           on_file: Callable[[FileOutcome], None] | None = None, on_note: Note | None = None,
           parse: Callable | None = None) -> RunSummary:
    """Load files (and the files of `urls`, fetched) into the warehouse. The run
    works on a copy that replaces the warehouse when the run ends (see
    warehouse.writer)."""
    store = RawStore(raw_root)
    db_path = Path(db_path)
    upgraded: list[str] = []
    skipped: list[Path] = []
    fetching = Fetching(list(urls or []), store.root / "tmp", fetch_policy)
    try:
        with warehouse.writer(db_path, wait=wait, command=f"etl {command}", on_migrate=upgraded.extend) as con:
            # --force re-parses: neither the warehouse's record nor the parse cache is trusted
            inputs = itertools.chain(iter_inputs(paths, skipped), fetching)
            summary = load_files(con, inputs, store, command=command, force=force, workers=workers,
                                 on_file=on_file, on_note=on_note, use_cache=not force, parse=parse)
    except DiskFull:
        store.discard_written()  # the warehouse is as it was: so is the raw store
        raise
    finally:
        fetching.close()
    summary.upgraded = upgraded
    summary.skipped_links = len(skipped)
    try:  # published: now the warehouse's record of what it took (see taken.py)
        taken.append(db_path, summary.taken)
    except OSError as exc:
        summary.notes.append(f"could not add to {taken.record_path(db_path)} ({exc.strerror or exc}); "
                             f"the warehouse itself lists the files, so a rebuild still finds them")
    return summary


@dataclass
class _Job:
    """One input file on its way through a run."""

    source: Source
    name: str  # printable: as the warehouse and the output show it
    source_path: str
    exact: tuple[str, str]  # the name and path exactly (for the record of what was taken)
    sha: str | None = None
    raw: Path | None = None
    record: ParseRecord | None = None  # from the cache
    outcome: FileOutcome | None = None  # decided before parsing (unreadable, unchanged)

    @property
    def shown(self) -> Path | str:
        return self.source.shown


def _prepare(con, files: Iterable[Path | Source], store: RawStore, cache: ParseCache, version: str, *,
             force: bool, names: dict[str, dict] | None) -> Iterator[_Job]:
    """Keep each file in the raw store and decide what it needs: nothing (already
    loaded by this parser version), a cached parse, or a parse."""
    for item in files:
        src = item if isinstance(item, Source) else Source(item)
        known = (names or {}).get(src.path.stem) if src.path else None
        if known:  # a rebuild: the name, path and URL it first came in under
            src.name, src.location = known["name"], known["path"]
            src.url, src.page = known.get("url"), known.get("page")
        exact = (src.name or src.path.name, src.location or str(src.path))
        job = _Job(src, printable(exact[0]), printable(exact[1]), exact)
        if src.failure:
            job.outcome = FileOutcome(src.shown, "failed", stage="fetch", reason=src.failure)
            yield job
            continue
        try:
            if not stat.S_ISREG(src.path.stat().st_mode):
                raise IsADirectoryError(0, "not a regular file (a folder, pipe or device)")
            job.sha, job.raw = store.keep(src.path, *exact)
        except OSError as exc:
            job.outcome = FileOutcome(src.shown, "failed", stage="read", reason=f"cannot open: {exc.strerror or exc}")
            yield job
            continue
        if not force and warehouse.loaded_version(con, job.sha) == version:
            job.outcome = FileOutcome(src.shown, "unchanged", job.sha)
        else:
            job.record = cache.get(job.sha, version)
        yield job


def load_files(con, files: Iterable[Path | Source], store: RawStore, *, command: str, force: bool = False, workers: int = 0,
               on_file: Callable[[FileOutcome], None] | None = None, names: dict[str, dict] | None = None,
               use_cache: bool = True, parse: Callable | None = None, on_note: Note | None = None) -> RunSummary:
    """Parse (in `workers` processes, on a cluster when `parse` is a ClusterParser's
    parse_in_order, or from the parse cache) and load files, in the order given;
    then refresh what is derived from all documents. `on_file` hears of each file
    as soon as it is parsed (status "parsed", before its batch is written) and again
    with its outcome; `on_note`, what a parse says as it goes (a page read by OCR)."""
    started = time.monotonic()
    version = parser_version()
    store.clear_leftovers()
    run = warehouse.start_run(con, command, version)
    summary = RunSummary(run.run_id)
    cache = store.parse_cache
    batch = rows.BatchLoader(con)
    touched: set[str | None] = set()  # regions whose tasks changed: their links are derived again
    noticed: set[str] = set()  # notices that gained a file: their revisions are derived again
    entry_of: dict[str, dict] = {}  # sha → the warehouse's record of the file (exact name, path, URL)

    def report(outcome: FileOutcome) -> None:
        summary.outcomes.append(outcome)
        if outcome.sha256:
            entry = entry_of[outcome.sha256]
            outcome.name = printable(entry["name"])
            summary.taken.append(entry)
        elif isinstance(outcome.path, str):  # a URL that gave no file
            outcome.name = printable(outcome.path)
        if on_file:
            on_file(outcome)

    def settle(written: list[tuple[object, Exception | None]]) -> None:
        for (job, record, built, outcome), exc in written:
            if exc is not None:
                outcome = _reject(con, run, job, "load", f"{type(exc).__name__}: {exc}")
            else:
                for r in record.rejected:
                    warehouse.record_reject(con, run, source_name=job.name, source_path=job.source_path,
                                            raw_path=str(job.raw), sha256=job.sha, stage="validate",
                                            record_ref=f"{r.ref} seq {r.seq}", field=r.field, value=r.value,
                                            reason=r.reason)
                touched.add(record.notice.document.region)
                noticed.add(built.notice_id)
                for seq, warning in built.warnings:
                    summary.warnings.add(warning, where=f"{job.name} #{seq}")
            report(outcome)

    def needs_parse(job: _Job) -> Target | None:
        return None if job.outcome or (use_cache and job.record) else Target(str(job.raw), job.name, job.sha,
                                                                               str(cache.root))

    def remembered(jobs: Iterator[_Job]) -> Iterator[_Job]:
        for job in jobs:
            if job.sha:
                entry_of[job.sha] = taken.entry(job.sha, job.raw, *job.exact, url=job.source.url,
                                                page=job.source.page)
            yield job

    jobs = remembered(_prepare(con, files, store, cache, version, force=force, names=names))
    for job, parsed in (parse or parse_in_order)(jobs, needs_parse=needs_parse, version=version, workers=workers,
                                                 on_note=on_note):
        if job.outcome:
            if job.outcome.status == "failed":
                job.outcome = _reject(con, run, job, job.outcome.stage, job.outcome.reason)
            report(job.outcome)
            continue
        record = parsed or job.record
        if record.error and record.error.stage == "extract" and job.source.attachments:
            # a page that only links to the notice: its attachments follow it in this run
            summary.notes.append(f"{printable(job.shown)}: a page that links to {job.source.attachments} "
                                 f"attachment(s), not a notice of its own: its attachments were taken")
            continue
        if record.error:
            outcome = _reject(con, run, job, record.error.stage, record.error.reason, record)
            outcome.detail, outcome.cached = record.error.detail, parsed is None
            report(outcome)
            continue
        built = rows.document_rows(record, doc_id=job.sha, source_name=job.name, source_path=job.source_path,
                                   raw_path=str(job.raw), run_id=run.run_id, source_url=job.source.url,
                                   source_page=job.source.page)
        outcome = FileOutcome(job.shown, "loaded", job.sha, tasks=built.tasks, rejected_records=len(record.rejected),
                              fmt=record.fmt, pages=record.pages, seconds=record.seconds if parsed else 0.0,
                              cached=parsed is None, name=job.name)
        if on_file:  # parsed now; loaded when its batch is written
            on_file(dataclasses.replace(outcome, status="parsed"))
        settle(batch.add(built, (job, record, built, outcome)))
    settle(batch.flush())
    refresh(con, regions=touched, notices=noticed)
    summary.notes += revision_notes(con, [o.sha256 for o in summary.outcomes if o.status == "loaded"])
    warehouse.finish_run(con, run, seen=len(summary.outcomes), loaded=summary.count("loaded"),
                         unchanged=summary.count("unchanged"), failed=summary.failed)
    summary.seconds = time.monotonic() - started
    return summary


def _reject(con, run: warehouse.Run, job: _Job, stage: str, reason: str,
            record: ParseRecord | None = None) -> FileOutcome:
    warehouse.record_reject(con, run, source_name=job.name, source_path=job.source_path,
                            raw_path=str(job.raw) if job.raw else None, sha256=job.sha, stage=stage, reason=reason)
    return FileOutcome(job.shown, "failed", job.sha, stage=stage, reason=reason,
                       fmt=record.fmt if record else None, seconds=record.seconds if record else 0.0)
