"""Limits on what one file may cost. Hitting one rejects that file with a reason
(stage "limits"); the run goes on. Defaults suit real notices with a wide margin;
each can be set in the environment (MINSHENG_MAX_FILE_MB=500 ...).

A limit failure is not cached: raise the limit and the next run tries again.

OCR is among them: a page read by OCR takes seconds where a text layer takes
milliseconds, so each such page adds max_ocr_page_seconds to the file's time
(grant), and OCR can be switched off (MINSHENG_OCR=0, `--no-ocr`).
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
    max_ocr_page_seconds: float = 60.0  # added to max_seconds for each page read by OCR
    ocr: bool = True  # read pages without a text layer (scans, photos) by OCR

    @classmethod
    def from_env(cls) -> Limits:
        values = {}
        for f in fields(cls):
            name = f"MINSHENG_{f.name.upper()}"
            raw = os.environ.get(name)
            if raw is not None and raw.strip():
                default = getattr(cls, f.name)
                values[f.name] = (_switch(name, raw) if isinstance(default, bool)
                                  else setting(name, raw, whole=isinstance(default, int)))
        return cls(**values)


_current = Limits()


def setting(name: str, raw: str, *, whole: bool, zero: bool = False) -> float | int:
    """A limit's value: a positive finite number (1e3 is a number; nan, inf, 0 and -1
    are not limits: nan would switch a comparison off, -1 the timer); `zero` lets 0
    through (a count of retries, a pause)."""
    kind = ("a whole number" if whole else "a number") + (" of 0 or more" if zero else " above 0")
    try:
        value = float(raw.strip())
    except ValueError:
        raise ValueError(f"{name}={raw!r} is not a number: it must be {kind}") from None
    if not math.isfinite(value) or value < 0 or (value == 0 and not zero):
        raise ValueError(f"{name}={raw!r} must be {kind} (finite)")
    if whole:
        if not value.is_integer():
            raise ValueError(f"{name}={raw!r} must be {kind}")
        return int(value)
    return value


def _switch(name: str, raw: str) -> bool:
    word = raw.strip().lower()
    if word in ("1", "true", "yes", "on"):
        return True
    if word in ("0", "false", "no", "off"):
        return False
    raise ValueError(f"{name}={raw!r} must be 1 or 0 (on or off)")


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


_granted = 0.0  # seconds granted to the file being read on top of max_seconds (its OCR pages)
_shared_grants = None  # a parser process adds its grants here too, for the run's own clock (parse_pool)
on_grant = None  # called after a grant (the parser process moves its hard stop)


def share_grants(counter) -> None:
    """Add this process's grants to a counter shared with the run (a multiprocessing Value)."""
    global _shared_grants
    _shared_grants = counter


def granted() -> float:
    return _granted


def grant(seconds: float) -> None:
    """More time for the file being read: every time limit in force moves its
    deadline `seconds` later (a page about to be read by OCR)."""
    global _granted
    _granted += seconds
    if threading.current_thread() is threading.main_thread():
        remaining, _ = signal.getitimer(signal.ITIMER_REAL)
        if remaining > 0:
            signal.setitimer(signal.ITIMER_REAL, remaining + seconds)
    if _shared_grants is not None:
        with _shared_grants.get_lock():
            _shared_grants.value += seconds
    if on_grant is not None:
        on_grant()


def time_message(seconds: float) -> str:
    if _granted:
        return (f"took longer than {seconds + _granted:g} s to read (limits max_seconds and max_ocr_page_seconds "
                f"for each page read by OCR; MINSHENG_MAX_SECONDS and MINSHENG_MAX_OCR_PAGE_SECONDS raise them)")
    return f"took longer than {seconds:g} s to read (limit max_seconds; MINSHENG_MAX_SECONDS raises it)"


def memory_message() -> str:
    return (f"ran out of memory reading it (limit max_memory_mb={current().max_memory_mb}; "
            f"MINSHENG_MAX_MEMORY_MB raises it)")


@contextmanager
def time_limit(seconds: float):
    """Raise TimeLimitExceeded in this thread after `seconds` (main thread only:
    signals) and whatever is granted meanwhile. Nests: an inner limit never
    outlives or switches off an outer one (the outer timer's remaining time, with
    the grants made meanwhile, is restored when the inner one ends). The
    outermost limit starts a file: no grants yet."""
    global _granted
    if not 0 < seconds < math.inf or threading.current_thread() is not threading.main_thread():
        yield
        return

    def expired(signum, frame):
        raise TimeLimitExceeded(time_message(seconds))

    started = time.monotonic()
    previous = signal.signal(signal.SIGALRM, expired)
    outer, _ = signal.setitimer(signal.ITIMER_REAL, seconds)
    if not outer:
        _granted = 0.0
    granted_before = _granted
    if outer and outer < seconds:  # the outer limit comes first: keep its deadline and its handler
        signal.signal(signal.SIGALRM, previous)
        signal.setitimer(signal.ITIMER_REAL, outer)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        if outer:
            remaining = outer + (_granted - granted_before) - (time.monotonic() - started)
            if remaining <= 0:  # the outer deadline passed meanwhile: it fires now
                signal.raise_signal(signal.SIGALRM)
            else:
                signal.setitimer(signal.ITIMER_REAL, remaining)


def check_size(size: int, limits: Limits | None = None) -> None:
    limits = limits or _current
    if size > limits.max_file_mb * 2**20:
        raise LimitExceeded(f"the file is {size / 2**20:.0f} MB, over the limit of {limits.max_file_mb:g} MB "
                            f"(MINSHENG_MAX_FILE_MB)")
