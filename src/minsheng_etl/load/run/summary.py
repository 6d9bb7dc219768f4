"""What a run did: one outcome per file, the warnings by kind, the counts, as data
(`etl ingest --json`) and for the CLI to print."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from ...names import printable
from ...validate import UNKNOWN_BODY, TaskWarning


class WarningTally:
    """Warnings of a run, by kind: a count and a few examples each."""

    def __init__(self, examples: int = 5):
        self.counts: dict[str, int] = defaultdict(int)
        self.examples: dict[str, list[str]] = defaultdict(list)
        self.names: set[str] = set()  # unknown body names count once each
        self.limit = examples

    def add(self, warning: TaskWarning, where: str) -> None:
        if warning.kind == UNKNOWN_BODY:
            if warning.text in self.names:
                return
            self.names.add(warning.text)
        self.counts[warning.kind] += 1
        seen = self.examples[warning.kind]
        example = warning.text if warning.kind == UNKNOWN_BODY else f"{where} {warning.text}".strip()
        if len(seen) < self.limit and example not in seen:
            seen.append(example)

    def as_dict(self) -> dict[str, dict]:
        return {kind: {"count": n, "examples": self.examples[kind]} for kind, n in sorted(self.counts.items())}


@dataclass
class FileOutcome:
    path: Path | str  # where it came from: a file, or a URL (str), or in a rebuild the path first ingested from
    status: str  # loaded, unchanged, failed (and "parsed", told to on_file only, before "loaded")
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
            entry = {"path": printable(o.path), "name": o.name or printable(Path(o.path).name), "status": o.status, "sha256": o.sha256, "format": o.fmt, "pages": o.pages,
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
