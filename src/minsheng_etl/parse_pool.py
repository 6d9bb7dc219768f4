"""Parse files in worker processes, results back in input order.

Files are independent, so parsing spreads over processes (the GIL rules out
threads: the work is Python). Results come back in the order the files were
given, so a parallel run loads exactly what a serial one does. At most
`workers × LOOKAHEAD` files are in flight, which bounds memory whatever the
corpus size. Workers start from a fork server that has imported the parser once,
not forked from the loader (which holds a DuckDB connection and its threads).
"""
from __future__ import annotations

import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from typing import TypeVar

from .pipeline import ParseRecord, parse_record

LOOKAHEAD = 8
J = TypeVar("J")


def default_workers() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


def parse_path(path: str, name: str, version: str) -> ParseRecord:
    """Worker entry point: the file is read here, so only a path crosses the pipe."""
    with open(path, "rb") as fh:
        data = fh.read()
    return parse_record(data, name, version=version)


def parse_in_order(jobs: Iterable[J], *, needs_parse: Callable[[J], tuple[str, str] | None], version: str,
                   workers: int = 1) -> Iterator[tuple[J, ParseRecord | None]]:
    """(job, record) for each job, in order. `needs_parse(job)` gives the (path, name)
    to parse, or None when the job needs no parse (its record is None)."""
    if workers <= 1:
        for job in jobs:
            target = needs_parse(job)
            yield job, parse_path(*target, version) if target else None
        return
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["minsheng_etl.pipeline"])
    pending: deque[tuple[J, Future | None]] = deque()
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        for job in jobs:
            target = needs_parse(job)
            pending.append((job, pool.submit(parse_path, *target, version) if target else None))
            while len(pending) > workers * LOOKAHEAD or pending and (pending[0][1] is None or pending[0][1].done()):
                head, future = pending.popleft()
                yield head, future.result() if future else None
        while pending:
            head, future = pending.popleft()
            yield head, future.result() if future else None
