"""Parsing on a Dask cluster (`etl ingest --scheduler ADDRESS`, `pip install 'minsheng-etl[cluster]'`).

The parse is a pure function of a file's bytes, so it maps over the cluster's
workers; the single writer here loads the results in input order, exactly as a
local run does (pool.parse_in_order has the same contract). What crosses
to a worker is the raw store path when the workers can read the raw store (a
shared or network folder), else the file's bytes; what comes back is the
ParseRecord. The parse cache is filled as in a local run: by the worker through
the shared folder, else here.

- back-pressure: at most LOOKAHEAD files in flight per worker, so the writer's
  memory does not grow with the number of files;
- a worker lost mid-file: the scheduler runs the file elsewhere; a file that is
  running when workers die `allowed-failures` times (the scheduler's setting,
  DASK_DISTRIBUTED__SCHEDULER__ALLOWED_FAILURES) is a reject, stage "worker";
- the per-file time limit: the writer stops waiting at max_seconds (plus grace)
  and rejects the file ("limits"); a worker thread cannot be interrupted, so
  its worker finishes it (or is restarted by its nanny) in its own time;
- no scheduler, no workers, or workers with another minsheng-etl: ClusterError
  (exit 2 at the CLI), never a silent local run.
"""
from __future__ import annotations

import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TypeVar

from ... import limits as file_limits
from ...errors import EtlError
from ...pipeline import ParseRecord, parse_record, parser_version
from ..store import ParseCache
from .pool import HARD_STOP_GRACE, LOOKAHEAD, Target, parse_path

J = TypeVar("J")
CONNECT_SECONDS = 10.0


class ClusterError(EtlError):
    stage = "cluster"


def _dask():
    try:
        from distributed import Client
        from distributed.client import FutureCancelledError
        from distributed.scheduler import KilledWorker
    except ImportError as exc:
        raise ClusterError("--scheduler needs Dask: pip install 'minsheng-etl[cluster]' (here and on the workers)") \
            from exc
    return Client, KilledWorker, FutureCancelledError


def _worker_identity() -> str:
    """What a worker would parse with: the package's parser version."""
    return parser_version()


def _readable(path: str) -> bool:
    return os.access(path, os.R_OK)


def connect(address: str, *, timeout: float = CONNECT_SECONDS):
    """A client of the scheduler at `address`, checked: reachable, with workers that
    run this minsheng-etl and the same Dask. ClusterError with what to check otherwise."""
    Client, _, _ = _dask()
    try:
        client = Client(address, timeout=timeout, set_as_default=False)
    except (OSError, TimeoutError) as exc:
        raise ClusterError(f"no Dask scheduler answers at {address} ({type(exc).__name__}): start one with "
                           f"`dask scheduler`, or check the address and that its port is open") from None
    try:
        check(client, address)
    except BaseException:
        client.close()
        raise
    return client


def check(client, address: str) -> None:
    try:
        client.get_versions(check=True)
    except ValueError as exc:  # distributed names the packages that differ
        raise ClusterError(f"the Dask cluster at {address} runs other package versions than this machine: "
                           f"{' '.join(str(exc).split())[:300]}") from None
    identities = client.run(_worker_identity)
    if not identities:
        raise ClusterError(f"the Dask scheduler at {address} has no workers: start some with "
                           f"`dask worker {address}`")
    ours = parser_version()
    other = sorted({v for v in identities.values() if v != ours})
    if other:
        raise ClusterError(f"workers at {address} run another minsheng-etl (parser version {', '.join(other)}, here "
                           f"{ours}): install the same package and version on every worker")


def _parse_bytes(data: bytes, name: str, version: str, sha256: str) -> ParseRecord:
    return parse_record(data, name, version=version, sha256=sha256)


class ClusterParser:
    """parse_in_order over a Dask cluster: (job, record) for each job, in order."""

    def __init__(self, client, *, address: str = ""):
        self.client = client
        self.address = address
        self.limits = file_limits.current()
        self._shared: dict[str, bool] = {}

    def workers(self) -> int:
        return max(1, len(self.client.scheduler_info().get("workers", {})))

    def shared(self, folder: str) -> bool:
        """Can every worker read this folder (the raw store on a shared path)?"""
        if folder not in self._shared:
            answers = self.client.run(_readable, folder)
            self._shared[folder] = bool(answers) and all(answers.values())
        return self._shared[folder]

    def _submit(self, target: Target, version: str):
        cache = target.cache_root
        if self.shared(str(Path(target.path).parent)) and (cache is None or self.shared(cache)):
            return self.client.submit(parse_path, target, version, pure=False), False
        data = Path(target.path).read_bytes()  # the workers cannot see the store: the bytes go as payload
        return self.client.submit(_parse_bytes, data, target.name, version, target.sha256, pure=False), True

    def parse_in_order(self, jobs: Iterable[J], *, needs_parse: Callable[[J], Target | None], version: str,
                       workers: int = 0, on_note=None) -> Iterator[tuple[J, ParseRecord | None]]:
        # (on_note: what a parse says as it goes stays in the worker's log on a cluster)
        _, KilledWorker, FutureCancelledError = _dask()
        in_flight = self.workers() * LOOKAHEAD
        wait = self.limits.max_seconds + 3 * HARD_STOP_GRACE
        pending: deque[tuple[J, Target | None, object, bool]] = deque()

        def head() -> tuple[J, ParseRecord | None]:
            job, target, future, payload = pending.popleft()
            if future is None:
                return job, None
            try:
                record = future.result(timeout=wait)
            except TimeoutError:
                future.cancel()
                return job, target.failed(version, "limits", f"took longer than {self.limits.max_seconds:g} s to "
                                                             f"read on the cluster (limit max_seconds)")
            except KilledWorker:
                return job, target.failed(version, "worker", "Dask workers died parsing it (the scheduler's "
                                                             "allowed-failures): a crash in a C library or the "
                                                             "memory limit of the workers")
            except FutureCancelledError:
                return job, target.failed(version, "worker", f"the cluster at {self.address} dropped it "
                                                             f"(scheduler restarted?)")
            except Exception as exc:  # the task failed outside any file's parse (deserialising, ...)
                return job, target.failed(version, "worker", f"the Dask worker failed: {type(exc).__name__}: {exc}")
            finally:
                future.release()
            if payload and target.cache_root and (record.error is None or record.error.lasting):
                try:  # the workers could not reach the cache: it is filled here, as a local run would
                    ParseCache(Path(target.cache_root)).put(record)
                except (OSError, MemoryError):
                    pass
            return job, record

        try:
            for job in jobs:
                target = needs_parse(job)
                future, payload = self._submit(target, version) if target else (None, False)
                pending.append((job, target, future, payload))
                while len(pending) > in_flight or pending and (pending[0][2] is None or pending[0][2].done()):
                    yield head()
            while pending:
                yield head()
        finally:  # stopped short (an error, SIGINT): the cluster drops what nobody will load
            for _, _, future, _ in pending:
                if future is not None:
                    future.cancel()
