"""`etl ingest`: files and folders in, warehouse rows out.

Each file is copied into the raw store by content hash first (so a failed file is
kept), parsed, and loaded in its own transaction. A file already loaded by this
parser version is a hash lookup and changes nothing. A file that fails is listed
in `rejects` with its stage and reason, and the run goes on.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from . import derive, loader, warehouse
from .errors import EtlError
from .pipeline import Parsed, parse_bytes, parser_version

INPUT_SUFFIXES = {".pdf", ".docx", ".xlsx", ".html", ".htm", ".txt", ".text", ".shtml", ".xhtml"}
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


@dataclass
class RunSummary:
    run_id: str
    outcomes: list[FileOutcome] = field(default_factory=list)
    upgraded: list[str] = field(default_factory=list)  # schema files applied to an older warehouse

    def count(self, status: str) -> int:
        return sum(1 for o in self.outcomes if o.status == status)

    @property
    def failed(self) -> int:
        return self.count("failed")


def iter_inputs(paths: Iterable[Path]) -> Iterator[Path]:
    """Files named, and the files inside folders named (recursively, sorted)."""
    for path in paths:
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                if child.is_file() and child.name not in SKIP_NAMES and not child.name.startswith("~$") \
                        and child.suffix.lower() in INPUT_SUFFIXES:
                    yield child
        else:
            yield path


class RawStore:
    """Every ingested file, kept by content hash: objects/ab/abcdef….ext, with a
    manifest (one JSON line per file seen) so a rebuild knows the files' names."""

    def __init__(self, root: Path):
        self.root = Path(root)

    @property
    def manifest(self) -> Path:
        return self.root / "manifest.jsonl"

    def _remember(self, sha256: str, path: Path, raw: Path) -> None:
        entry = {"sha256": sha256, "name": path.name, "path": str(path), "raw": str(raw.relative_to(self.root)),
                 "seen_at": dt.datetime.now().isoformat(timespec="seconds")}
        self.root.mkdir(parents=True, exist_ok=True)
        with open(self.manifest, "a", encoding="utf-8") as fh:
            fh.write(json.dumps(entry, ensure_ascii=False) + "\n")

    def names(self) -> dict[str, dict]:
        """sha256 → the latest manifest entry (a torn last line from a crash is skipped)."""
        entries: dict[str, dict] = {}
        if self.manifest.exists():
            for line in self.manifest.read_text(encoding="utf-8").splitlines():
                try:
                    entry = json.loads(line)
                    entries[entry["sha256"]] = entry
                except (ValueError, KeyError):
                    continue
        return entries

    def path_for(self, sha256: str, suffix: str) -> Path:
        return self.root / "objects" / sha256[:2] / f"{sha256}{suffix.lower()}"

    def keep(self, data: bytes, sha256: str, path: Path) -> Path:
        """Store the file unless it is there; its stored path. A new file is written
        whole then renamed, and named in the manifest (once, not per ingest)."""
        target = self.path_for(sha256, path.suffix)
        if target.exists():
            return target
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_suffix(target.suffix + ".part")
        tmp.write_bytes(data)
        tmp.replace(target)
        self._remember(sha256, path, target)
        return target

    def objects(self) -> list[Path]:
        base = self.root / "objects"
        return sorted(p for p in base.rglob("*") if p.is_file() and not p.name.endswith(".part")) \
            if base.is_dir() else []


def ingest(paths: list[Path], *, db_path: Path, raw_root: Path, command: str = "ingest", wait: float = 0.0,
           force: bool = False, on_file: Callable[[FileOutcome], None] | None = None) -> RunSummary:
    """Load files into the warehouse. The run works on a copy that replaces the
    warehouse when the run ends (see warehouse.writer)."""
    store = RawStore(raw_root)
    upgraded: list[str] = []
    with warehouse.writer(db_path, wait=wait, command=f"etl {command}", on_migrate=upgraded.extend) as con:
        summary = load_files(con, iter_inputs(paths), store, command=command, force=force, on_file=on_file)
    summary.upgraded = upgraded
    return summary


def load_files(con, files: Iterable[Path], store: RawStore, *, command: str, force: bool = False,
               on_file: Callable[[FileOutcome], None] | None = None, names: dict[str, dict] | None = None) -> RunSummary:
    version = parser_version()
    run = warehouse.start_run(con, command, version)
    summary = RunSummary(run.run_id)
    for path in files:
        outcome = ingest_one(con, run, path, store, version, force=force, known=(names or {}).get(path.stem))
        summary.outcomes.append(outcome)
        if on_file:
            on_file(outcome)
    derive.refresh(con)
    warehouse.finish_run(con, run, seen=len(summary.outcomes), loaded=summary.count("loaded"),
                         unchanged=summary.count("unchanged"), failed=summary.failed)
    return summary


def ingest_one(con, run: warehouse.Run, path: Path, store: RawStore, version: str, *,
               force: bool = False, known: dict | None = None) -> FileOutcome:
    """One file: kept, parsed, loaded in its own transaction. `known` is the raw
    store's manifest entry when the file is re-read from the store (a rebuild)."""
    name = known["name"] if known else path.name
    source_path = known["path"] if known else str(path)
    sha: str | None = None
    raw: Path | None = None

    def fail(stage: str, reason: str) -> FileOutcome:
        warehouse.record_reject(con, run, source_name=name, source_path=source_path,
                                raw_path=str(raw) if raw else None, sha256=sha, stage=stage, reason=reason)
        return FileOutcome(path, "failed", sha, stage=stage, reason=reason)

    try:
        data = path.read_bytes()
    except OSError as exc:
        return fail("read", f"cannot open: {exc.strerror or exc}")
    sha = hashlib.sha256(data).hexdigest()
    raw = store.keep(data, sha, path)
    if not force and warehouse.loaded_version(con, sha) == version:
        return FileOutcome(path, "unchanged", sha)
    try:
        parsed: Parsed = parse_bytes(data, path)
    except EtlError as exc:
        return fail(exc.stage, str(exc))
    except Exception as exc:  # a bug or a library failure: the file fails, the run goes on
        return fail("pipeline", f"unexpected {type(exc).__name__}: {exc}")
    try:
        measures = loader.measure_notice(parsed.notice)
    except Exception as exc:
        return fail("measure", f"unexpected {type(exc).__name__}: {exc}")
    try:
        with warehouse.transaction(con):
            n = loader.load_notice(con, doc_id=sha, notice=parsed.notice, source_name=name,
                                   source_path=source_path, raw_path=str(raw), fmt=parsed.fmt,
                                   pages=parsed.layout.pages, parser_version=version, measures=measures)
            for r in parsed.result.rejected:
                warehouse.record_reject(con, run, source_name=name, source_path=source_path, raw_path=str(raw),
                                        sha256=sha, stage="validate", record_ref=f"{r.ref} seq {r.seq}",
                                        field=r.field, value=r.value, reason=r.reason)
    except Exception as exc:
        return fail("load", f"{type(exc).__name__}: {exc}")
    return FileOutcome(path, "loaded", sha, tasks=n, rejected_records=len(parsed.result.rejected))
