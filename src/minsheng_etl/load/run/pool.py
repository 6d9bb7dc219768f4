"""Parse files in worker processes, results back in input order.

Files are independent, so parsing spreads over processes (the GIL rules out
threads: the work is Python). Results come back in the order the files were
given, so a parallel run loads exactly what a serial one does. At most
`workers × LOOKAHEAD` files are in flight, which bounds memory whatever the
corpus size.

Worker processes also contain damage: each runs under the file limits (time,
address space), and a worker that dies on a file (a crash in a C library, the
kernel's OOM killer) costs that file only: it is retried alone in a fresh process
and rejected if it kills that one too; the files queued behind it are re-queued.
Workers start from a fork server that imported the parser once, not forked from
the loader (which holds a DuckDB connection and its threads).

Workers die with the run, three ways: each watches the run's process (a pidfd)
and exits when it ends; each asks the kernel for SIGKILL when its parent, the
fork server, dies (a watcher thread needs the interpreter, a long C call may
hold it); and each lets go of the fork server's "alive" pipe, which
multiprocessing hands every child and which otherwise keeps the fork server
running after the run, so the kernel's signal never came. A run killed with
kill -9 thus leaves no parser behind holding the caller's stdout; a run that
stops short (an error, SIGINT, SIGTERM) kills its workers rather than waiting.

The time limit fires wherever the time goes: a signal in the worker stops Python
code anywhere in the parse (reading, extracting, measuring); a C call that holds
the interpreter past the limit is ended by faulthandler's watchdog thread, which
needs no interpreter lock, and the file is then rejected like a crash. A page
read by OCR grants the file more time (limits.grant): the worker's signal timer
and watchdog move on, and so does the run's own wait, through a counter of the
seconds granted that the workers share with it.
"""
from __future__ import annotations

import ctypes
import faulthandler
import multiprocessing
import os
import select
import signal
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import NamedTuple, TypeVar

from ... import limits as file_limits
from ...pipeline import FileError, ParseRecord, parse_record
from ..store import ParseCache
from . import notes

LOOKAHEAD = 8
MAX_FILES_PER_WORKER = 200
HARD_STOP_GRACE = 10.0  # seconds past max_seconds before a stuck worker ends itself
_PR_SET_PDEATHSIG = 1
_in_worker = False  # set in worker processes: only they may arm the watchdog that exits the process
J = TypeVar("J")


class Target(NamedTuple):
    """A file to parse: only this crosses the pipe to a worker."""

    path: str  # its copy in the raw store
    name: str  # the name to report
    sha256: str  # hashed once, as the raw store took it in: the worker does not hash it again
    cache_root: str | None = None  # the parse cache folder, None: no caching

    def failed(self, version: str, stage: str, reason: str) -> ParseRecord:
        return ParseRecord(sha256=self.sha256, parser_version=version, error=FileError(stage=stage, reason=reason))


def default_workers() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


def parse_path(target: Target, version: str) -> ParseRecord:
    """Parse one file (the worker entry point), and keep the result in the parse
    cache unless a limit stopped it (the worker writes it: serialising is parse
    work, spread over the workers)."""
    seconds = file_limits.current().max_seconds
    path = target.path
    notes.parsing(target.name)

    armed = False
    if _in_worker:
        stop_at = time.monotonic() + seconds + HARD_STOP_GRACE

        def arm() -> None:  # again after a grant: the hard stop moves with the file's deadline
            faulthandler.dump_traceback_later(stop_at + file_limits.granted() - time.monotonic(), exit=True,
                                              file=_devnull())

        try:
            arm()
            armed = True
            file_limits.on_grant = arm
        except (RuntimeError, OSError, MemoryError):  # no thread under a tight memory cap: the run's fallback stays
            pass
    try:
        with file_limits.time_limit(seconds):  # the whole file: reading, parsing, measuring
            size = os.stat(path).st_size
            file_limits.check_size(size)
            with open(path, "rb") as fh:
                data = fh.read()
            record = parse_record(data, target.name, version=version, sha256=target.sha256)
    except file_limits.LimitExceeded as exc:
        return target.failed(version, exc.stage, str(exc))
    except file_limits.TimeLimitExceeded:
        return target.failed(version, "limits", file_limits.time_message(seconds))
    except MemoryError:
        return target.failed(version, "limits", file_limits.memory_message())
    finally:
        if armed:
            file_limits.on_grant = None
            faulthandler.cancel_dump_traceback_later()
    if target.cache_root and (record.error is None or record.error.lasting):
        try:
            ParseCache(Path(target.cache_root)).put(record)
        except (OSError, MemoryError):  # a full disk or the like: a cache miss next time, not a failed file
            pass
    return record


_DEVNULL = None


def _devnull():
    global _DEVNULL
    if _DEVNULL is None:
        _DEVNULL = open(os.devnull, "w")
    return _DEVNULL


def _die_with_parent() -> None:
    """SIGKILL this process when its parent dies (Linux; elsewhere the fork server's
    exit still closes the workers' call pipe)."""
    if not sys.platform.startswith("linux"):
        return
    parent = os.getppid()
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):
        return
    if os.getppid() != parent:  # the parent died before the request took effect
        os._exit(1)


def _let_go_of_the_fork_server() -> None:
    """Close this worker's copy of the write end of the fork server's "alive" pipe:
    the fork server exits when the run's copy closes, and workers start no processes."""
    from multiprocessing import forkserver

    server = getattr(forkserver, "_forkserver", None)
    fd = getattr(server, "_forkserver_alive_fd", None)
    if fd is not None:
        try:
            os.close(fd)
        except OSError:
            pass
        server._forkserver_alive_fd = None


def _exit_with_run(run_pid: int) -> None:
    """A daemon thread that ends this worker when the run's process ends."""
    try:
        pidfd = os.pidfd_open(run_pid)
    except (AttributeError, OSError):  # not Linux ≥ 5.3, or the run is already gone
        if not _pid_alive(run_pid):
            os._exit(1)
        return

    def watch() -> None:
        select.select([pidfd], [], [])  # readable when the process exits
        os._exit(1)

    try:
        threading.Thread(target=watch, name="exit-with-run", daemon=True).start()
    except RuntimeError:  # no thread under a tight memory cap: the parent-death signal remains
        os.close(pidfd)


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _start_worker(limits: file_limits.Limits, run_pid: int, granted, ocr_threads: int, note_queue) -> None:
    global _in_worker
    _in_worker = True
    file_limits.share_grants(granted)
    notes.send_from_worker(note_queue)
    os.environ.setdefault("MINSHENG_OCR_THREADS", str(ocr_threads))  # the workers share the cores
    _let_go_of_the_fork_server()
    _die_with_parent()
    _exit_with_run(run_pid)
    # SIGINT goes to the whole terminal process group: the run, not each worker, decides what stops
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    file_limits.apply(limits, memory=True)


class _Workers:
    """A process pool made again when a worker dies."""

    def __init__(self, workers: int, limits: file_limits.Limits):
        self.workers, self.limits = workers, limits
        self.context = multiprocessing.get_context("forkserver")
        # the PDF reader too: its libraries take a second to import, which would come out of a file's time
        self.context.set_forkserver_preload(["minsheng_etl.pipeline", "minsheng_etl.readers.pdf", "cn2an"])
        self.executor: ProcessPoolExecutor | None = None
        self.granted = self.context.Value("d", 0.0)  # seconds the workers' files were granted (OCR pages)
        self.notes = self.context.Queue()  # what parses say as they go (notes.py)

    def _pool(self, workers: int) -> ProcessPoolExecutor:
        # a worker is replaced after MAX_FILES_PER_WORKER files: whatever a reader library leaks stays bounded
        return ProcessPoolExecutor(max_workers=workers, mp_context=self.context, initializer=_start_worker,
                                   initargs=(self.limits, os.getpid(), self.granted,
                                             max(1, default_workers() // self.workers), self.notes),
                                   max_tasks_per_child=MAX_FILES_PER_WORKER)

    def submit(self, target: Target, version: str) -> Future:
        if self.executor is None:
            self.executor = self._pool(self.workers)
        before = self.granted.value  # read first: the file's own grants come after it
        future = self.executor.submit(parse_path, target, version)
        future.granted_before = before
        return future

    def result(self, future: Future) -> ParseRecord:
        """The file's record. The worker stops itself at max_seconds and its grants;
        this wait, as long and what the workers were granted since the file was
        submitted (its own grants among them), catches one stuck inside a C call."""
        started, budget = time.monotonic(), 0.0
        while True:
            grown = self.limits.max_seconds + 3 * HARD_STOP_GRACE + self.granted.value - future.granted_before
            if grown <= budget:  # nothing granted since the last wait ran out
                raise TimeoutError
            budget = grown
            try:
                return future.result(timeout=max(0.0, started + budget - time.monotonic()))
            except TimeoutError:
                continue

    def reset(self, kill: bool = False) -> None:
        if self.executor is not None:
            if kill:  # a worker stuck in C code: nothing else stops it
                for process in list(getattr(self.executor, "_processes", {}).values()):
                    process.kill()
            self.executor.shutdown(wait=False, cancel_futures=True)
            self.executor = None

    def alone(self, target: Target, version: str) -> ParseRecord:
        """Parse one file in a process of its own: did the file kill the last one?"""
        with self._pool(1) as single:
            try:
                return single.submit(parse_path, target, version).result()
            except BrokenProcessPool:
                return target.failed(version, "worker", "the parser process died reading this file (a crash in a "
                                     "reader library, killed for using too much memory, or stuck in one past "
                                     "the time limit)")

    def close(self) -> None:
        if self.executor is not None:
            self.executor.shutdown(wait=True, cancel_futures=True)
            self.executor = None


def parse_in_order(jobs: Iterable[J], *, needs_parse: Callable[[J], Target | None], version: str,
                   workers: int = 0, on_note: notes.Note | None = None) -> Iterator[tuple[J, ParseRecord | None]]:
    """(job, record) for each job, in order. `needs_parse(job)` gives the (path, name,
    cache folder) to parse, or None when the job needs no parse (its record is None). workers=0
    parses in this process (no isolation: for the library and its tests). What the
    parses say as they go (a page read by OCR) reaches `on_note` meanwhile."""
    if workers <= 0:
        with notes.relayed(on_note):
            for job in jobs:
                target = needs_parse(job)
                yield job, parse_path(target, version) if target else None
        return
    pool = _Workers(workers, file_limits.current())
    with notes.relayed(on_note, pool.notes):
        yield from _in_workers(pool, jobs, needs_parse, version, workers)


def _in_workers(pool: _Workers, jobs: Iterable[J], needs_parse: Callable[[J], Target | None], version: str,
                workers: int) -> Iterator[tuple[J, ParseRecord | None]]:
    pending: deque[tuple[J, Target | None, Future | None]] = deque()

    def head() -> tuple[J, ParseRecord | None]:
        nonlocal pending
        job, target, future = pending.popleft()
        if future is None:
            return job, None
        try:
            return job, pool.result(future)
        except BrokenProcessPool:
            pool.reset()
            record = pool.alone(target, version)
        except TimeoutError:
            pool.reset(kill=True)
            record = target.failed(version, "limits", file_limits.time_message(pool.limits.max_seconds))
        except (Exception, MemoryError) as exc:  # the worker failed outside any file's parse (memory cap...)
            record = target.failed(version, "worker", f"the parser process failed: {type(exc).__name__}: {exc}")
            return job, record
        pending = deque((j, t, pool.submit(t, version) if t else None) for j, t, _ in pending)
        return job, record

    finished = False
    try:
        for job in jobs:
            target = needs_parse(job)
            pending.append((job, target, pool.submit(target, version) if target else None))
            while len(pending) > workers * LOOKAHEAD or pending and (pending[0][2] is None or pending[0][2].done()):
                yield head()
        while pending:
            yield head()
        finished = True
    finally:
        if finished:
            pool.close()
        else:  # stopped short (an error, SIGINT, SIGTERM): do not wait for files nobody will load
            pool.reset(kill=True)
