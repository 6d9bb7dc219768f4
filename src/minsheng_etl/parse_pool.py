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
"""
from __future__ import annotations

import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import TypeVar

from . import limits as file_limits
from .parse_cache import ParseCache
from .pipeline import FileError, ParseRecord, file_sha256, parse_record

LOOKAHEAD = 8
MAX_FILES_PER_WORKER = 200
J = TypeVar("J")
Target = tuple[str, str, str | None]  # (path to read, name to report, parse cache folder)


def default_workers() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


def parse_path(path: str, name: str, version: str, cache_root: str | None = None) -> ParseRecord:
    """Parse one file (the worker entry point: only a path crosses the pipe), and
    keep the result in the parse cache unless a limit stopped it (the worker
    writes it: serialising is parse work, spread over the workers)."""
    try:
        size = os.stat(path).st_size
        file_limits.check_size(size)
        with open(path, "rb") as fh:
            data = fh.read()
    except file_limits.LimitExceeded as exc:
        return ParseRecord(sha256=file_sha256(path), parser_version=version, error=FileError(stage=exc.stage,
                                                                                          reason=str(exc)))
    record = parse_record(data, name, version=version)
    if cache_root and (record.error is None or record.error.lasting):
        ParseCache(Path(cache_root)).put(record)
    return record


def _args(target: Target, version: str) -> tuple:
    path, name, cache_root = target
    return path, name, version, cache_root


def _start_worker(limits: file_limits.Limits) -> None:
    file_limits.apply(limits, memory=True)


class _Workers:
    """A process pool made again when a worker dies."""

    def __init__(self, workers: int, limits: file_limits.Limits):
        self.workers, self.limits = workers, limits
        self.context = multiprocessing.get_context("forkserver")
        self.context.set_forkserver_preload(["minsheng_etl.pipeline"])
        self.executor: ProcessPoolExecutor | None = None

    def _pool(self, workers: int) -> ProcessPoolExecutor:
        # a worker is replaced after MAX_FILES_PER_WORKER files: whatever a reader library leaks stays bounded
        return ProcessPoolExecutor(max_workers=workers, mp_context=self.context, initializer=_start_worker,
                                   initargs=(self.limits,), max_tasks_per_child=MAX_FILES_PER_WORKER)

    def submit(self, target: Target, version: str) -> Future:
        if self.executor is None:
            self.executor = self._pool(self.workers)
        return self.executor.submit(parse_path, *_args(target, version))

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
                return single.submit(parse_path, *_args(target, version)).result()
            except BrokenProcessPool:
                return ParseRecord(sha256=file_sha256(target[0]), parser_version=version, error=FileError(
                    stage="worker", reason="the parser process died reading this file (a crash in a reader "
                                           "library, or killed for using too much memory)"))

    def close(self) -> None:
        if self.executor is not None:
            self.executor.shutdown(wait=True, cancel_futures=True)
            self.executor = None


def parse_in_order(jobs: Iterable[J], *, needs_parse: Callable[[J], Target | None], version: str,
                   workers: int = 0) -> Iterator[tuple[J, ParseRecord | None]]:
    """(job, record) for each job, in order. `needs_parse(job)` gives the (path, name,
    cache folder) to parse, or None when the job needs no parse (its record is None). workers=0
    parses in this process (no isolation: for the library and its tests)."""
    if workers <= 0:
        for job in jobs:
            target = needs_parse(job)
            yield job, parse_path(*_args(target, version)) if target else None
        return
    pool = _Workers(workers, file_limits.current())
    pending: deque[tuple[J, Target | None, Future | None]] = deque()

    def head() -> tuple[J, ParseRecord | None]:
        nonlocal pending
        job, target, future = pending.popleft()
        if future is None:
            return job, None
        try:  # the worker stops itself at max_seconds; this catches one stuck inside a C call
            return job, future.result(timeout=pool.limits.max_seconds + 60)
        except BrokenProcessPool:
            pool.reset()
            record = pool.alone(target, version)
        except TimeoutError:
            pool.reset(kill=True)
            record = ParseRecord(sha256=file_sha256(target[0]), parser_version=version, error=FileError(
                stage="limits", reason=f"took longer than {pool.limits.max_seconds:g} s to read (limit max_seconds)"))
        pending = deque((j, t, pool.submit(t, version) if t else None) for j, t, _ in pending)
        return job, record

    try:
        for job in jobs:
            target = needs_parse(job)
            pending.append((job, target, pool.submit(target, version) if target else None))
            while len(pending) > workers * LOOKAHEAD or pending and (pending[0][2] is None or pending[0][2].done()):
                yield head()
        while pending:
            yield head()
    finally:
        pool.close()
