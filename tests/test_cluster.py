"""Parsing on a Dask cluster: the same tables as a serial and a local parallel run;
a worker killed mid-run costs nothing; no scheduler, or a mismatched one, is exit 2."""
from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import ROOT, SAMPLES
from test_speed import snapshot

distributed = pytest.importorskip("distributed")

from minsheng_etl.load.run.cluster import ClusterError, ClusterParser, connect  # noqa: E402
from minsheng_etl.load.run.ingest import ingest  # noqa: E402

ETL = [str(Path(sys.executable).parent / "etl")]
DASK = str(Path(sys.executable).parent / "dask")


@pytest.fixture(scope="module")
def cluster():
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0",
                                  worker_dashboard_address=None) as local:
        yield local


@pytest.fixture
def inputs(tmp_path) -> Path:
    src = tmp_path / "in"
    shutil.copytree(SAMPLES, src)
    (src / "empty.txt").write_bytes(b"")  # a file that fails, on every path
    return src


def test_a_cluster_loads_what_serial_and_local_parallel_runs_load(cluster, inputs, tmp_path):
    serial = ingest([inputs], db_path=tmp_path / "s.duckdb", raw_root=tmp_path / "raw-s", workers=0)
    local = ingest([inputs], db_path=tmp_path / "p.duckdb", raw_root=tmp_path / "raw-p", workers=2)
    client = connect(cluster.scheduler_address)
    try:
        parser = ClusterParser(client, address=cluster.scheduler_address)
        on_cluster = ingest([inputs], db_path=tmp_path / "c.duckdb", raw_root=tmp_path / "raw-c",
                            parse=parser.parse_in_order)
        assert parser.shared(str(tmp_path / "raw-c"))  # same machine: the workers read the raw store
    finally:
        client.close()
    outcomes = lambda run: [(o.path.name, o.status, o.tasks) for o in run.outcomes]
    assert outcomes(serial) == outcomes(local) == outcomes(on_cluster)
    assert on_cluster.tasks == 666 and on_cluster.failed == 1
    assert snapshot(tmp_path / "s.duckdb") == snapshot(tmp_path / "p.duckdb") == snapshot(tmp_path / "c.duckdb")
    # the parse cache was filled by the workers: a second run parses nothing
    again = ingest([inputs], db_path=tmp_path / "c2.duckdb", raw_root=tmp_path / "raw-c")
    assert again.to_json()["parsed"] == 0


def test_bytes_go_as_payload_when_workers_cannot_see_the_store(cluster, inputs, tmp_path, monkeypatch):
    client = connect(cluster.scheduler_address)
    try:
        parser = ClusterParser(client, address=cluster.scheduler_address)
        monkeypatch.setattr(parser, "shared", lambda folder: False)
        run = ingest([inputs], db_path=tmp_path / "c.duckdb", raw_root=tmp_path / "raw", parse=parser.parse_in_order)
    finally:
        client.close()
    assert run.tasks == 666
    again = ingest([inputs], db_path=tmp_path / "c2.duckdb", raw_root=tmp_path / "raw")
    assert again.to_json()["parsed"] == 0  # the writer filled the cache with what came back


def test_a_worker_killed_mid_run_costs_no_file(inputs, tmp_path):
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0",
                                  worker_dashboard_address=None) as local:
        client = connect(local.scheduler_address)
        try:
            pids = list(client.run(os.getpid).values())
            killed = []

            def kill_one(outcome):  # after the first file: one worker dies, files in flight on it go elsewhere
                if not killed:
                    os.kill(pids[0], signal.SIGKILL)
                    killed.append(pids[0])

            parser = ClusterParser(client, address=local.scheduler_address)
            run = ingest([inputs], db_path=tmp_path / "k.duckdb", raw_root=tmp_path / "raw", on_file=kill_one,
                         parse=parser.parse_in_order)
        finally:
            client.close()
    assert killed
    assert run.tasks == 666 and [o.path.name for o in run.outcomes if o.status == "failed"] == ["empty.txt"]


def test_workers_with_another_parser_are_refused(tmp_path):
    parsers = tmp_path / "parsers"
    shutil.copytree(ROOT / "parsers", parsers)
    with open(parsers / "status.toml", "a", encoding="utf-8") as fh:
        fh.write("\n# an edited word list: another parser version\n")
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=True, dashboard_address=":0",
                                  worker_dashboard_address=":0", env={"MINSHENG_PARSERS": str(parsers)}) as other:
        with pytest.raises(ClusterError, match="run another minsheng-etl .*install the same package and version"):
            connect(other.scheduler_address)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for_workers(address: str, n: int, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    with distributed.Client(address, timeout=seconds, set_as_default=False) as client:
        while len(client.scheduler_info()["workers"]) < n:
            assert time.monotonic() < deadline, "the Dask workers did not start"
            time.sleep(0.5)


def test_the_command_line_on_a_scheduler_and_workers_started_by_hand(tmp_path):
    port = _free_port()
    address = f"tcp://127.0.0.1:{port}"
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL, "start_new_session": True}
    scheduler = subprocess.Popen([DASK, "scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard"],
                                 **quiet)
    workers = None
    try:
        time.sleep(2)
        workers = subprocess.Popen([DASK, "worker", address, "--nworkers", "2", "--nthreads", "1",
                                    "--no-dashboard"], **quiet)
        _wait_for_workers(address, 2)
        corpus = ROOT.parent / "shared" / "corpus"
        inputs = [corpus / "seeds", corpus / "renderings"] if corpus.is_dir() else [SAMPLES]
        run = subprocess.run(ETL + ["ingest", *map(str, inputs), "--db", str(tmp_path / "w.duckdb"), "--raw",
                                    str(tmp_path / "raw"), "--scheduler", address, "--json"],
                             capture_output=True, text=True, cwd=ROOT)
        assert run.returncode == 0, run.stderr
        assert '"tasks": 666' in run.stdout
    finally:
        for process in (workers, scheduler):
            if process is not None:
                os.killpg(process.pid, signal.SIGTERM)
                process.wait(timeout=30)
    stopped = subprocess.run(ETL + ["ingest", str(SAMPLES), "--db", str(tmp_path / "x.duckdb"), "--raw",
                                    str(tmp_path / "raw"), "--scheduler", address], capture_output=True, text=True,
                             cwd=ROOT)
    assert stopped.returncode == 2
    assert f"no Dask scheduler answers at {address}" in stopped.stderr
    assert not (tmp_path / "x.duckdb").exists()
