"""`etl ingest`: files and folders in, warehouse rows out.

Each file is copied into the raw store by content hash first (so a failed file is
kept). A file already loaded by this parser version is a hash lookup and changes
nothing; a file parsed before by this parser version comes from the parse cache;
the others are parsed in worker processes (parse_pool.py). Parsed files are
loaded in batches (loader.BatchLoader); a file that fails at any stage is listed
in `rejects` with its stage and reason, and the run goes on.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import stat
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from . import derive, loader, taken, warehouse
from .checks import WarningTally, task_warnings
from .errors import DiskFull, is_disk_full
from .names import printable
from .parse_cache import ParseCache
from .parse_pool import parse_in_order
from .pipeline import ParseRecord, file_sha256, parser_version

INPUT_SUFFIXES = {".pdf", ".docx", ".xlsx", ".doc", ".xls", ".wps", ".et", ".ofd", ".html", ".htm", ".txt", ".text",
                  ".shtml", ".xhtml"}
INPUT_SUFFIXES |= {".png", ".jpg", ".jpeg", ".tif", ".tiff"}  # scans and photos of pages, read by OCR
SKIP_NAMES = {".DS_Store", "Thumbs.db", "desktop.ini"}


@dataclass
class FileOutcome:
    path: Path
    status: str  # loaded, unchanged, failed
    sha256: str | None = None
    tasks: int = 0
    stage: str | None = None
    reason: str | None = None
    rejected_records: int = 0
    fmt: str | None = None
    pages: int | None = None
    seconds: float = 0.0  # parse time (read to measure), 0 when the parse came from the cache
    cached: bool = False
    detail: str | None = None  # traceback of an unexpected error
    name: str | None = None  # the name it came in under, printable (a rebuild reads it from the raw store)


@dataclass
class RunSummary:
    run_id: str
    outcomes: list[FileOutcome] = field(default_factory=list)
    upgraded: list[str] = field(default_factory=list)  # schema files applied to an older warehouse
    warnings: WarningTally = field(default_factory=WarningTally)
    seconds: float = 0.0
    taken: list[dict] = field(default_factory=list)  # the raw objects this run took (taken.entry)
    skipped_links: int = 0  # symbolic links met inside folders and not followed
    notes: list[str] = field(default_factory=list)  # what the run has to say beside the counts

    def count(self, status: str) -> int:
        return sum(1 for o in self.outcomes if o.status == status)

    @property
    def failed(self) -> int:
        return self.count("failed")

    @property
    def tasks(self) -> int:
        return sum(o.tasks for o in self.outcomes)

    def to_json(self) -> dict:
        """The run as data (`etl ingest --json`): counts, then one entry per file."""
        files = []
        for o in self.outcomes:
            entry = {"path": printable(o.path), "name": o.name or printable(o.path.name), "status": o.status, "sha256": o.sha256, "format": o.fmt, "pages": o.pages,
                     "tasks": o.tasks, "rejected_records": o.rejected_records, "parse_seconds": o.seconds,
                     "cached": o.cached}
            if o.status == "failed":
                entry |= {"stage": o.stage, "reason": o.reason}
            files.append(entry)
        return {"run_id": self.run_id, "files": len(self.outcomes), "loaded": self.count("loaded"),
                "unchanged": self.count("unchanged"), "failed": self.failed, "tasks": self.tasks,
                "parsed": sum(1 for o in self.outcomes if o.status == "loaded" and not o.cached),
                "from_cache": sum(1 for o in self.outcomes if o.cached), "seconds": round(self.seconds, 3),
                "skipped_links": self.skipped_links, "notes": self.notes,
                "schema_upgraded": self.upgraded, "warnings": self.warnings.as_dict(), "outcomes": files}


def iter_inputs(paths: Iterable[Path], skipped: list[Path] | None = None) -> Iterator[Path]:
    """Files named, and the notice files inside folders named (recursively, sorted).
    Inside folders, symbolic links are not followed: a link loop cannot hang the
    walk, and a link cannot pull a file from elsewhere into the raw store (the
    links passed over go to `skipped`, so the summary can count them). A file
    named on the command line is read wherever its link points."""
    for path in paths:
        if not path.is_dir():
            yield path
            continue
        for folder, dirs, files in os.walk(path, followlinks=False):
            dirs.sort()
            if skipped is not None:  # os.walk lists a link to a folder among dirs and does not enter it
                skipped += [Path(folder) / d for d in dirs if (Path(folder) / d).is_symlink()]
            for name in sorted(files):
                child = Path(folder) / name
                if name in SKIP_NAMES or name.startswith("~$") or child.suffix.lower() not in INPUT_SUFFIXES:
                    continue
                if child.is_symlink():
                    if skipped is not None:
                        skipped.append(child)
                    continue
                if not child.is_file():
                    continue
                yield child


class RawStore:
    """Every ingested file, kept by content hash: objects/ab/abcdef….ext, with a
    manifest (one JSON line per file seen) so a rebuild knows the files' names."""

    def __init__(self, root: Path):
        self.root = Path(root)
        self.written: list[Path] = []  # objects this run copied in: removed again if the disk fills

    def discard_written(self) -> None:
        """Take back what this run copied in (a run stopped by a full disk)."""
        for path in self.written:
            path.unlink(missing_ok=True)
        self.written.clear()
        self.clear_leftovers()

    @property
    def manifest(self) -> Path:
        return self.root / "manifest.jsonl"

    def _remember(self, sha256: str, path: Path, raw: Path) -> None:
        entry = {"sha256": sha256, "name": path.name, "path": str(path), "raw": str(raw.relative_to(self.root)),
                 "seen_at": dt.datetime.now().isoformat(timespec="seconds")}
        self.root.mkdir(parents=True, exist_ok=True)
        # ASCII JSON: a name that is not UTF-8 (lone surrogates) is kept exactly, as \udcXX escapes
        with open(self.manifest, "a", encoding="ascii") as fh:
            fh.write(json.dumps(entry, ensure_ascii=True) + "\n")

    def names(self) -> dict[str, dict]:
        """sha256 → the latest manifest entry (a torn last line from a crash is skipped)."""
        entries: dict[str, dict] = {}
        if self.manifest.exists():
            for line in self.manifest.read_text(encoding="utf-8", errors="replace").splitlines():
                try:
                    entry = json.loads(line)
                    entries[entry["sha256"]] = entry
                except (ValueError, KeyError):
                    continue
        return entries

    @property
    def parse_cache(self) -> ParseCache:
        return ParseCache(self.root / "parsed")

    def path_for(self, sha256: str, suffix: str) -> Path:
        return self.root / "objects" / sha256[:2] / f"{sha256}{suffix.lower()}"

    def keep(self, path: Path) -> tuple[str, Path]:
        """The file's sha256 and its path in the store, copying it in if it is new.
        Hashed first (in chunks: memory stays flat for any size), so a file the
        store holds is read once and not copied; a new one is copied whole, then
        renamed, and named in the manifest (once, not per ingest)."""
        sha256 = file_sha256(path)
        target = self.path_for(sha256, path.suffix)
        if target.exists():
            return sha256, target
        tmp_dir = self.root / "tmp"
        tmp_dir.mkdir(parents=True, exist_ok=True)
        digest = hashlib.sha256()
        tmp = None
        try:
            with tempfile.NamedTemporaryFile(dir=tmp_dir, suffix=".part", delete=False) as out, \
                    open(path, "rb") as src:
                tmp = Path(out.name)
                for chunk in iter(lambda: src.read(1 << 20), b""):
                    digest.update(chunk)
                    out.write(chunk)
            if digest.hexdigest() != sha256:  # the file changed while it was read: keep what was copied
                sha256 = digest.hexdigest()
                target = self.path_for(sha256, path.suffix)
            target.parent.mkdir(parents=True, exist_ok=True)
            tmp.replace(target)
            self.written.append(target)
            self._remember(sha256, path, target)
        except OSError as exc:
            if tmp is not None:
                tmp.unlink(missing_ok=True)
            if is_disk_full(exc):
                raise DiskFull(f"no space left on the disk of the raw store {self.root} (copying "
                               f"{printable(path)})") from exc
            raise
        return sha256, target

    def clear_leftovers(self) -> None:
        """Half-written files of a writer that was killed (only one writer runs at a time):
        raw copies, and parse cache entries a worker was writing."""
        for leftover in (self.root / "tmp").glob("*.part"):
            leftover.unlink(missing_ok=True)
        if (self.root / "parsed").is_dir():
            for leftover in (self.root / "parsed").glob("*/*.part"):
                leftover.unlink(missing_ok=True)

    def objects(self) -> list[Path]:
        base = self.root / "objects"
        return sorted(p for p in base.rglob("*") if p.is_file() and not p.name.endswith(".part")) \
            if base.is_dir() else []


def ingest(paths: list[Path], *, db_path: Path, raw_root: Path, command: str = "ingest", wait: float = 0.0,
           force: bool = False, workers: int = 0,
           on_file: Callable[[FileOutcome], None] | None = None, parse: Callable | None = None) -> RunSummary:
    """Load files into the warehouse. The run works on a copy that replaces the
    warehouse when the run ends (see warehouse.writer)."""
    store = RawStore(raw_root)
    db_path = Path(db_path)
    upgraded: list[str] = []
    skipped: list[Path] = []
    try:
        with warehouse.writer(db_path, wait=wait, command=f"etl {command}", on_migrate=upgraded.extend) as con:
            # --force re-parses: neither the warehouse's record nor the parse cache is trusted
            summary = load_files(con, iter_inputs(paths, skipped), store, command=command, force=force,
                                 workers=workers, on_file=on_file, use_cache=not force, parse=parse)
    except DiskFull:
        store.discard_written()  # the warehouse is as it was: so is the raw store
        raise
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

    path: Path
    name: str
    source_path: str
    sha: str | None = None
    raw: Path | None = None
    record: ParseRecord | None = None  # from the cache
    outcome: FileOutcome | None = None  # decided before parsing (unreadable, unchanged)


def _prepare(con, files: Iterable[Path], store: RawStore, cache: ParseCache, version: str, *, force: bool,
             names: dict[str, dict] | None) -> Iterator[_Job]:
    """Keep each file in the raw store and decide what it needs: nothing (already
    loaded by this parser version), a cached parse, or a parse."""
    for path in files:
        known = (names or {}).get(path.stem)
        job = _Job(path, printable(known["name"] if known else path.name),
                   printable(known["path"] if known else str(path)))
        try:
            if not stat.S_ISREG(path.stat().st_mode):
                raise IsADirectoryError(0, "not a regular file (a folder, pipe or device)")
            job.sha, job.raw = store.keep(path)
        except OSError as exc:
            job.outcome = FileOutcome(path, "failed", stage="read", reason=f"cannot open: {exc.strerror or exc}")
            yield job
            continue
        if not force and warehouse.loaded_version(con, job.sha) == version:
            job.outcome = FileOutcome(path, "unchanged", job.sha)
        else:
            job.record = cache.get(job.sha, version)
        yield job


def load_files(con, files: Iterable[Path], store: RawStore, *, command: str, force: bool = False, workers: int = 0,
               on_file: Callable[[FileOutcome], None] | None = None, names: dict[str, dict] | None = None,
               use_cache: bool = True, parse: Callable | None = None) -> RunSummary:
    """Parse (in `workers` processes, on a cluster when `parse` is a ClusterParser's
    parse_in_order, or from the parse cache) and load files, in the order given;
    then refresh what is derived from all documents."""
    started = time.monotonic()
    version = parser_version()
    store.clear_leftovers()
    run = warehouse.start_run(con, command, version)
    summary = RunSummary(run.run_id)
    cache = store.parse_cache
    batch = loader.BatchLoader(con)
    notices = loader.NoticeIndex(con)
    touched: set[str | None] = set()  # regions whose tasks changed: their links are derived again
    names_of: dict[str, tuple[str, str]] = {}  # sha → the exact name and path (for the warehouse's record)
    raw_of: dict[str, Path] = {}

    def report(outcome: FileOutcome) -> None:
        summary.outcomes.append(outcome)
        if outcome.sha256:
            name, source = names_of.get(outcome.sha256, (outcome.path.name, str(outcome.path)))
            outcome.name = printable(name)
            summary.taken.append(taken.entry(outcome.sha256, raw_of.get(outcome.sha256, outcome.path), name, source))
        if on_file:
            on_file(outcome)

    def settle(written: list[tuple[object, Exception | None]]) -> None:
        for (job, record, outcome), exc in written:
            if exc is not None:
                outcome = _reject(con, run, job, "load", f"{type(exc).__name__}: {exc}")
            else:
                for r in record.rejected:
                    warehouse.record_reject(con, run, source_name=job.name, source_path=job.source_path,
                                            raw_path=str(job.raw), sha256=job.sha, stage="validate",
                                            record_ref=f"{r.ref} seq {r.seq}", field=r.field, value=r.value,
                                            reason=r.reason)
                region = record.notice.document.region
                touched.add(region)
                for task in record.notice.tasks:
                    for warning in task_warnings(task, region):
                        summary.warnings.add(warning, where=f"{job.name} #{task.seq}")
            report(outcome)

    def needs_parse(job: _Job) -> tuple[str, str, str] | None:
        return None if job.outcome or (use_cache and job.record) else (str(job.raw), job.name, str(cache.root))

    def remembered(jobs: Iterator[_Job]) -> Iterator[_Job]:
        for job in jobs:
            if job.sha:
                known = (names or {}).get(job.path.stem)
                names_of[job.sha] = (known["name"], known["path"]) if known else (job.path.name, str(job.path))
                raw_of[job.sha] = job.raw
            yield job

    jobs = remembered(_prepare(con, files, store, cache, version, force=force, names=names))
    for job, parsed in (parse or parse_in_order)(jobs, needs_parse=needs_parse, version=version, workers=workers):
        if job.outcome:
            if job.outcome.status == "failed":
                job.outcome = _reject(con, run, job, job.outcome.stage, job.outcome.reason)
            report(job.outcome)
            continue
        record = parsed or job.record
        if record.error:
            outcome = _reject(con, run, job, record.error.stage, record.error.reason, record)
            outcome.detail, outcome.cached = record.error.detail, parsed is None
            report(outcome)
            continue
        if batch.holds_notice(loader.notice_key(record.notice)):
            settle(batch.flush())  # the notice may be in the batch: match it against written rows
        rows = loader.document_rows(con, doc_id=job.sha, notice=record.notice, measures=record.measures,
                                    source_name=job.name, source_path=job.source_path, raw_path=str(job.raw),
                                    fmt=record.fmt, pages=record.pages, parser_version=version, index=notices)
        outcome = FileOutcome(job.path, "loaded", job.sha, tasks=rows.tasks, rejected_records=len(record.rejected),
                              fmt=record.fmt, pages=record.pages, seconds=record.seconds if parsed else 0.0,
                              cached=parsed is None)
        settle(batch.add(rows, (job, record, outcome)))
    settle(batch.flush())
    derive.refresh(con, regions=touched)
    summary.notes += derive.revision_notes(con, [o.sha256 for o in summary.outcomes if o.status == "loaded"])
    warehouse.finish_run(con, run, seen=len(summary.outcomes), loaded=summary.count("loaded"),
                         unchanged=summary.count("unchanged"), failed=summary.failed)
    summary.seconds = time.monotonic() - started
    return summary


def _reject(con, run: warehouse.Run, job: _Job, stage: str, reason: str,
            record: ParseRecord | None = None) -> FileOutcome:
    warehouse.record_reject(con, run, source_name=job.name, source_path=job.source_path,
                            raw_path=str(job.raw) if job.raw else None, sha256=job.sha, stage=stage, reason=reason)
    return FileOutcome(job.path, "failed", job.sha, stage=stage, reason=reason,
                       fmt=record.fmt if record else None, seconds=record.seconds if record else 0.0)
