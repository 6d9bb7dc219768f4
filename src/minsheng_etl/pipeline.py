"""The stages tied together: read → repair → extract → validate. Loading is in
warehouse.py; this module touches no database."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from . import __version__, profiles
from .errors import EtlError, ExtractError, ReadError
from .extract import ExtractResult, extract
from .layout import Layout
from .readers import read, sniff
from .repair import repair


def parser_version() -> str:
    """Code version plus a hash of the parser profiles: a parse made under another
    version may differ and must be redone."""
    return f"{__version__}+{profiles.fingerprint()}"


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


def parse_bytes(data: bytes, path: Path | str = "<bytes>") -> Parsed:
    """Every stage but loading. Raises an EtlError subclass naming the stage."""
    path = Path(path)
    sha = hashlib.sha256(data).hexdigest()
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
