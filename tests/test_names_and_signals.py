"""File names that are not text, and runs stopped by signals: nothing stops a run,
nothing forges output, no process outlives its run. Real processes, real kills."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import rows

sys.path.insert(0, str(Path(__file__).parent))
import hostile

from minsheng_etl.names import printable

ETL = [str(Path(sys.executable).parent / "etl")]


def etl(*args, env=None, timeout=300) -> subprocess.CompletedProcess:
    return subprocess.run(ETL + [os.fsdecode(a) if isinstance(a, bytes) else str(a) for a in args],
                          capture_output=True, text=True, timeout=timeout, env={**os.environ, **(env or {})})


# --- item 4: names are bytes ------------------------------------------------------

def test_printable_escapes_undecodable_bytes_and_control_characters():
    assert printable(os.fsdecode(b"bad\xff\xfe.txt")) == "bad\\xff\\xfe.txt"
    assert printable("a\nfailed b.txt") == "a\\nfailed b.txt"
    assert printable("x\x1b[31my\u202ez") == "x\\x1b[31my\\u202ez"
    assert printable("民生实事 通知（第1期）.txt") == "民生实事 通知（第1期）.txt"


def test_odd_names_load_are_stored_losslessly_and_cannot_forge_a_line(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    odd = os.fsencode(src) + b"/\xff\xfe-not-utf8.txt"
    Path(os.fsdecode(odd)).write_text(hostile.good_text(201), encoding="utf-8")
    (src / "x\nfailed    forged: read.txt").write_bytes(b"")  # fails: its line must stay one line
    (src / "[bold]markup.txt").write_text(hostile.good_text(202), encoding="utf-8")
    db, raw = tmp_path / "m.duckdb", tmp_path / "raw"
    for _ in range(2):  # and again: the second run used to fail the same way
        proc = etl("ingest", src, "--db", db, "--raw", raw, "-j", "1")
        assert proc.returncode == 1 and "Traceback" not in proc.stderr, proc.stderr
    failed = [ln for ln in proc.stderr.splitlines() if ln.startswith("failed")]
    assert failed == [f"failed    {src}/x\\nfailed    forged: read.txt: read: the file is empty "
                      f"(check that the file opens in its own program; scans need OCR first)"]
    names = {n for (n,) in rows(db, "SELECT source_name FROM documents UNION ALL SELECT source_name FROM rejects")}
    assert names == {"\\xff\\xfe-not-utf8.txt", "x\\nfailed    forged: read.txt", "[bold]markup.txt"}
    # the raw store and the warehouse's record keep the exact bytes of the name
    record = [json.loads(line) for line in (tmp_path / "m.duckdb.raw.jsonl").read_text("ascii").splitlines()]
    assert os.fsencode(next(e["name"] for e in record if "utf8" in e["name"])) == b"\xff\xfe-not-utf8.txt"
    out = json.loads(etl("ingest", src, "--db", db, "--raw", raw, "--json").stdout)
    assert {o["name"] for o in out["outcomes"]} == names
    proc = etl("rebuild", "--db", db, "--raw", raw)
    assert proc.returncode == 1 and "rejected  x\\nfailed    forged: read.txt: read: the file is empty" \
        in proc.stdout


# --- item 5: workers die with their run, SIGTERM stops it cleanly -----------------

def _children() -> dict[int, int]:
    """pid → parent pid of every process."""
    found = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            found[int(entry)] = int(stat.rsplit(")", 1)[1].split()[1])
    return found


def _descendants(pid: int) -> set[int]:
    parents = _children()
    out, frontier = set(), {pid}
    while frontier:
        frontier = {p for p, pp in parents.items() if pp in frontier} - out
        out |= frontier
    return out


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _start_slow_run(tmp_path, command: str) -> tuple[subprocess.Popen, set[int], Path]:
    src = tmp_path / "in"
    src.mkdir()
    for i in range(6):  # slow enough that the workers are busy when the run is killed
        (src / f"slow{i}.html").write_bytes(hostile.html_table(rows=6000 + i))
    db, raw = tmp_path / "m.duckdb", tmp_path / "raw"
    args = ["ingest", str(src)] if command == "ingest" else ["rebuild", "--no-cache"]
    if command == "rebuild":
        (src / "good.txt").write_text(hostile.good_text(), encoding="utf-8")
        assert etl("ingest", src / "good.txt", "--db", db, "--raw", raw).returncode == 0
        assert etl("ingest", src, "--db", tmp_path / "other.duckdb", "--raw", raw, "-j", "2").returncode in (0, 1)
        args += ["--all-raw"]
    proc = subprocess.Popen(ETL + args + ["--db", str(db), "--raw", str(raw), "-j", "2"], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    workers: set[int] = set()
    while time.monotonic() < deadline and len(workers) < 3:  # the fork server and two parsers
        time.sleep(0.2)
        workers = _descendants(proc.pid)
    assert len(workers) >= 3, "the run should have started its parser processes"
    time.sleep(1.0)
    return proc, _descendants(proc.pid), db


def _all_gone(pids: set[int], within: float = 15.0) -> set[int]:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        left = {p for p in pids if _alive(p)}
        if not left:
            return left
        time.sleep(0.2)
    return {p for p in pids if _alive(p)}


@pytest.mark.parametrize("command", ["ingest", "rebuild"])
def test_kill_9_leaves_no_parser_process_behind(tmp_path, command):
    proc, workers, db = _start_slow_run(tmp_path, command)
    before = db.read_bytes() if db.exists() else None
    proc.kill()  # SIGKILL to the run only, as a scheduler or the OOM killer would
    proc.wait()
    assert _all_gone(workers) == set()
    proc.stdout.read()  # nobody holds the caller's pipe open: EOF, not a hang
    proc.stderr.read()
    assert (db.read_bytes() if db.exists() else None) == before


@pytest.mark.parametrize("command", ["ingest", "rebuild"])
def test_sigterm_stops_a_run_as_cleanly_as_sigint(tmp_path, command):
    proc, workers, db = _start_slow_run(tmp_path, command)
    before = db.read_bytes() if db.exists() else None
    proc.send_signal(signal.SIGTERM)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 143, err
    assert err.decode().strip().splitlines()[-1].startswith(f"error {command} terminated: the warehouse is unchanged")
    assert b"Traceback" not in err
    assert _all_gone(workers) == set()
    assert (db.read_bytes() if db.exists() else None) == before
    assert not list(tmp_path.glob("m.duckdb.*.tmp*"))
