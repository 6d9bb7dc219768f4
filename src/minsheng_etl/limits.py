"""Limits on what one file may cost. Hitting one rejects that file with a reason
(stage "limits"); the run goes on. Defaults suit real notices with a wide margin;
each can be set in the environment (MINSHENG_MAX_FILE_MB=500 ...).

A limit failure is not cached: raise the limit and the next run tries again.
"""
from __future__ import annotations

import math
import os
import resource
import signal
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, fields

from .errors import EtlError


class LimitExceeded(EtlError):
    stage = "limits"


class TimeLimitExceeded(BaseException):
    """The time limit, raised wherever the time goes: a BaseException, so no reader's
    or measure's `except Exception` can take it for a failure of its own."""

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
            name = f"MINSHENG_{f.name.upper()}"
            raw = os.environ.get(name)
            if raw is not None and raw.strip():
                values[f.name] = _setting(name, raw, whole=isinstance(getattr(cls, f.name), int))
        return cls(**values)


_current = Limits()


def _setting(name: str, raw: str, *, whole: bool) -> float | int:
    """A limit's value: a positive finite number (1e3 is a number; nan, inf, 0 and -1
    are not limits: nan would switch a comparison off, -1 the timer)."""
    kind = "a positive whole number" if whole else "a positive number"
    try:
        value = float(raw.strip())
    except ValueError:
        raise ValueError(f"{name}={raw!r} is not a number: it must be {kind}") from None
    if not math.isfinite(value) or value <= 0:
        raise ValueError(f"{name}={raw!r} must be {kind} (finite, above 0)")
    if whole:
        if not value.is_integer():
            raise ValueError(f"{name}={raw!r} must be {kind}")
        return int(value)
    return value


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


def time_message(seconds: float) -> str:
    return f"took longer than {seconds:g} s to read (limit max_seconds; MINSHENG_MAX_SECONDS raises it)"


def memory_message() -> str:
    return (f"ran out of memory reading it (limit max_memory_mb={current().max_memory_mb}; "
            f"MINSHENG_MAX_MEMORY_MB raises it)")


@contextmanager
def time_limit(seconds: float):
    """Raise TimeLimitExceeded in this thread after `seconds` (main thread only:
    signals). Nests: an inner limit never outlives or switches off an outer one
    (the outer timer's remaining time is restored when the inner one ends)."""
    if not 0 < seconds < math.inf or threading.current_thread() is not threading.main_thread():
        yield
        return

    def expired(signum, frame):
        raise TimeLimitExceeded(time_message(seconds))

    started = time.monotonic()
    previous = signal.signal(signal.SIGALRM, expired)
    outer, _ = signal.setitimer(signal.ITIMER_REAL, seconds)
    if outer and outer < seconds:  # the outer limit comes first: keep its deadline and its handler
        signal.signal(signal.SIGALRM, previous)
        signal.setitimer(signal.ITIMER_REAL, outer)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        if outer:
            remaining = outer - (time.monotonic() - started)
            if remaining <= 0:  # the outer deadline passed meanwhile: it fires now
                signal.raise_signal(signal.SIGALRM)
            else:
                signal.setitimer(signal.ITIMER_REAL, remaining)


def check_size(size: int, limits: Limits | None = None) -> None:
    limits = limits or _current
    if size > limits.max_file_mb * 2**20:
        raise LimitExceeded(f"the file is {size / 2**20:.0f} MB, over the limit of {limits.max_file_mb:g} MB "
                            f"(MINSHENG_MAX_FILE_MB)")
