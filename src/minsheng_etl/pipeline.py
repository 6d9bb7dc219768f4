"""The stages tied together: read → repair → extract → validate → measure.

This module touches no database and no disk but the file it is given:
`parse_record(bytes, name)` is a pure function of the file's bytes and the parser
version, so it can run in worker processes (load/run/pool.py), be cached by content hash
(load/store.py) and, on a cluster, run anywhere that has the package, its
results shipped back as JSON lines or Parquet for the loader.
"""
from __future__ import annotations

import hashlib
import os
import time
import traceback
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from pydantic import BaseModel, Field

from . import __version__, profiles
from . import limits as file_limits
from .errors import EtlError, ExtractError, ReadError
from .extract import ExtractResult, extract
from .layout import Layout
from .measures import measure_task
from .validate import Notice, Rejected, TaskMeasures, TaskWarning
from .readers import read, sniff
from .repair import repair

# The code a parse runs: editing any of it may change a parse. Loading, the CLI and
# the warehouse are not in it, so changing them re-parses nothing.
_PARSE_CODE = ("readers", "extract", "fields", "repair.py", "layout.py", "textnorm.py", "validate.py",
               "measures.py", "profiles.py", "pipeline.py")


@lru_cache(maxsize=1)
def _code_fingerprint() -> str:
    here = Path(__file__).resolve().parent
    digest = hashlib.sha256()
    for name in _PARSE_CODE:
        path = here / name
        for file in sorted(path.rglob("*.py")) if path.is_dir() else [path]:
            digest.update(file.relative_to(here).as_posix().encode())
            digest.update(file.read_bytes())
    return digest.hexdigest()[:8]


def parser_version() -> str:
    """Package version, a hash of the parse code and a hash of the parser profiles:
    a parse made under another version may differ and must be redone."""
    return f"{__version__}+{_code_fingerprint()}.{profiles.fingerprint()}"


@dataclass
class Parsed:
    path: Path
    sha256: str
    fmt: str
    layout: Layout
    result: ExtractResult

    @property
    def notice(self):
        return self.result.notice


def parse_bytes(data: bytes, path: Path | str = "<bytes>", sha256: str | None = None) -> Parsed:
    """Every stage but loading. Raises an EtlError subclass naming the stage."""
    path = Path(path)
    sha = sha256 or hashlib.sha256(data).hexdigest()
    if not data.strip():
        raise ReadError("the file is empty")
    fmt = sniff(data)
    try:
        layout = read(data, fmt)
    except EtlError:
        raise
    except Exception as exc:  # a reader library choking on a damaged file
        raise ReadError(f"cannot read this {fmt.upper()} file: {type(exc).__name__}: {exc}") from exc
    layout = repair(layout)
    result = extract(layout)
    if not result.notice.tasks and not result.rejected:
        raise ExtractError("no numbered task list found (no table with a task column, no numbered items)")
    return Parsed(path, sha, fmt, layout, result)


def parse_file(path: Path | str) -> Parsed:
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ReadError(f"cannot open: {exc.strerror or exc}") from exc
    return parse_bytes(data, path)


def parse(source: bytes | str | os.PathLike, name: str | None = None) -> Notice:
    """A notice file (its path) or its bytes → the Notice it holds: the document's
    facts and its validated tasks. Raises EtlError (ReadError, ExtractError) naming
    the stage that failed. (The public entry point: `minsheng_etl.parse`.)"""
    if isinstance(source, (bytes, bytearray, memoryview)):
        return parse_bytes(bytes(source), name or "<bytes>").notice
    return parse_file(source).notice


# --- the pure parse result: what crosses processes, the cache and the network ---

class FileError(BaseModel):
    stage: str
    reason: str
    detail: str | None = None  # the traceback of an unexpected error (etl … --verbose shows it)

    @property
    def lasting(self) -> bool:
        """Would this file fail the same way next time? Not if a limit or a dying
        worker stopped it, nor if a program its format needs was missing: those are not cached."""
        return self.stage not in ("limits", "worker", "setup")


class ParseRecord(BaseModel):
    """Everything the loader needs from one file, or why it failed."""

    sha256: str
    parser_version: str
    fmt: str | None = None
    pages: int | None = None
    notice: Notice | None = None
    measures: list[TaskMeasures] = Field(default_factory=list)  # parallel to notice.tasks
    warnings: list[list[TaskWarning]] = Field(default_factory=list)  # parallel to notice.tasks
    rejected: list[Rejected] = Field(default_factory=list)
    error: FileError | None = None
    seconds: float = 0.0

    @property
    def tasks(self) -> int:
        return len(self.notice.tasks) if self.notice else 0


def parse_record(data: bytes, name: str = "<bytes>", *, version: str | None = None,
                 sha256: str | None = None) -> ParseRecord:
    """Parse and measure one file's bytes (their sha256 if the caller has it: the raw
    store hashed them as it took them in). Never raises for a bad file: the failure
    is in `record.error` with its stage, as the rejects table lists it."""
    start = time.perf_counter()
    sha = sha256 or hashlib.sha256(data).hexdigest()
    record = ParseRecord(sha256=sha, parser_version=version or parser_version())
    limits = file_limits.current()
    try:
        with file_limits.time_limit(limits.max_seconds):
            file_limits.check_size(len(data))
            parsed = parse_bytes(data, name, sha)
        record.fmt, record.pages, record.notice = parsed.fmt, parsed.layout.pages, parsed.notice
        record.rejected, record.warnings = parsed.result.rejected, parsed.result.warnings
    except EtlError as exc:
        record.error = FileError(stage=exc.stage, reason=str(exc))
    except MemoryError:
        record.error = FileError(stage="limits", reason=file_limits.memory_message())
    except RecursionError:
        record.error = FileError(stage="read", reason="its structure is nested too deeply to read")
    except Exception as exc:  # a bug or a library failure: the file fails, the run goes on
        record.error = FileError(stage="pipeline", reason=f"unexpected {type(exc).__name__}: {exc}",
                                 detail=traceback.format_exc())
    if record.notice is not None:
        try:
            record.measures = [measure_task(task, record.notice.document, quantities)
                               for task, quantities in zip(record.notice.tasks, parsed.result.quantities)]
        except Exception as exc:
            record.notice = None
            record.error = FileError(stage="measure", reason=f"unexpected {type(exc).__name__}: {exc}",
                                     detail=traceback.format_exc())
    record.seconds = round(time.perf_counter() - start, 4)
    return record
