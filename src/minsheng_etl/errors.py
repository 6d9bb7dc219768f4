"""Errors a user sees. Each carries the stage it happened in, so a rejected file
is listed with where and why it failed."""
from __future__ import annotations


class EtlError(Exception):
    stage = "pipeline"


class ReadError(EtlError):
    """The bytes cannot be read as a notice (unknown format, broken text layer...)."""

    stage = "read"


class ToolMissing(EtlError):
    """A format whose reader needs a program that is not installed (LibreOffice for
    .doc/.wps): not the file's fault, so not remembered as its failure."""

    stage = "setup"


class ExtractError(EtlError):
    """A readable file that holds no task list we recognise."""

    stage = "extract"


class LoadError(EtlError):
    """The warehouse cannot take the run: it stops, and the warehouse stays as it was."""

    stage = "load"


class WarehouseBusy(LoadError):
    """Another writer holds the warehouse (--wait waits for it)."""


class SchemaError(LoadError):
    """The warehouse was built by another schema: upgrade the tool or rebuild."""


class WarehouseDamaged(LoadError):
    """The warehouse file cannot be read (truncated, garbled): `etl rebuild` restores it."""

    reason = ""  # what DuckDB said


class DiskFull(LoadError):
    """No space left where the run writes: the run stops, what it wrote is removed."""


class VocabularyError(EtlError):
    """A file of parsers/ is missing or broken: no file could be parsed, so no run starts."""

    stage = "pipeline"


def is_disk_full(exc: BaseException) -> bool:
    """ENOSPC/EDQUOT from Python, or DuckDB's IO error that wraps it."""
    import errno

    if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return True
    text = str(exc).lower()
    return "no space left on device" in text or "disk quota exceeded" in text


HINTS = {
    "read": "check that the file opens in its own program; scans need OCR first",
    "extract": "`etl inspect FILE` shows what was read from it",
    "setup": "install the program it names (README: Quick start), then run again",
    "limits": "the limit is a setting: see `etl ingest --help`",
    "validate": "the rejects table has the field and value",
    "load": "the warehouse is unchanged for this file; run the ingest again",
    "worker": "run the file alone: `etl inspect FILE --verbose`",
    "pipeline": "this is a bug: run `etl inspect FILE --verbose` and report the traceback",
    "measure": "this is a bug: run `etl inspect FILE --verbose` and report the traceback",
}


def hint(stage: str | None) -> str:
    return HINTS.get(stage or "", "")
