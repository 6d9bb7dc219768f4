"""Limits on what one file may cost. Hitting one rejects that file with a reason
(stage "limits"); the run goes on. Defaults suit real notices with a wide margin;
each can be set in the environment (MINSHENG_MAX_FILE_MB=500 ...).

A limit failure is not cached: raise the limit and the next run tries again.
"""
from __future__ import annotations

import os
import resource
import signal
import threading
from contextlib import contextmanager
from dataclasses import dataclass, fields

from .errors import EtlError


class LimitExceeded(EtlError):
    stage = "limits"


@dataclass(frozen=True)
class Limits:
    max_file_mb: float = 200.0  # bytes of one input file
    max_pages: int = 2000  # pages of one PDF
    max_unzipped_mb: float = 500.0  # a DOCX/XLSX's parts, uncompressed (ZIP bombs)
    max_nesting: int = 1000  # element depth of an HTML page
    max_empty_rows: int = 10_000  # an XLSX sheet stops after this many empty rows in a row
    max_seconds: float = 300.0  # wall time to parse one file
    max_memory_mb: int = 3072  # address space of a parser process

    @classmethod
    def from_env(cls) -> Limits:
        values = {}
        for f in fields(cls):
            raw = os.environ.get(f"MINSHENG_{f.name.upper()}")
            if raw:
                try:
                    values[f.name] = type(getattr(cls, f.name))(raw)
                except ValueError as exc:
                    raise ValueError(f"MINSHENG_{f.name.upper()}={raw!r} is not a number") from exc
        return cls(**values)

    def describe(self) -> str:
        return ", ".join(f"{f.name}={getattr(self, f.name)}" for f in fields(self))


_current = Limits()


def current() -> Limits:
    """The limits of this process (a worker gets the parent's at start)."""
    return _current


def apply(limits: Limits, *, memory: bool = False) -> None:
    """Make these the process's limits; with memory, cap its address space too (for
    parser processes only: a capped loader could fail mid-write)."""
    global _current
    _current = limits
    if memory:
        cap = limits.max_memory_mb * 2**20
        _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        if hard == resource.RLIM_INFINITY or cap <= hard:
            resource.setrlimit(resource.RLIMIT_AS, (cap, hard))


@contextmanager
def time_limit(seconds: float):
    """Raise LimitExceeded in this thread after `seconds` (main thread only: signals)."""
    if seconds <= 0 or threading.current_thread() is not threading.main_thread():
        yield
        return

    def expired(signum, frame):
        raise LimitExceeded(f"took longer than {seconds:g} s to read (limit max_seconds; "
                            f"MINSHENG_MAX_SECONDS raises it)")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def check_size(size: int, limits: Limits | None = None) -> None:
    limits = limits or _current
    if size > limits.max_file_mb * 2**20:
        raise LimitExceeded(f"the file is {size / 2**20:.0f} MB, over the limit of {limits.max_file_mb:g} MB "
                            f"(MINSHENG_MAX_FILE_MB)")
