"""Recovery: a damaged warehouse, a raw store shared by several warehouses, a full
disk, and the other ways a run can stop short. Each test builds its own files."""
from __future__ import annotations

import errno
import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from conftest import rows

sys.path.insert(0, str(Path(__file__).parent))
import hostile

ETL = [str(Path(sys.executable).parent / "etl")]
READERS = [["status"], ["query", "SELECT count(*) FROM tasks"], ["units"], ["export", "tasks_flat", "-o", "x.csv"],
           ["report", "-o", "r.html"]]


def etl(*args, env=None, cwd=None, timeout=300) -> subprocess.CompletedProcess:
    return subprocess.run(ETL + [str(a) for a in args], capture_output=True, text=True, timeout=timeout, cwd=cwd,
                          env={**os.environ, **(env or {})})


def notices(folder: Path, *numbers: int) -> Path:
    """Small good notices, each with its own tasks (different numbers: different files)."""
    folder.mkdir(parents=True, exist_ok=True)
    for n in numbers:
        (folder / f"notice-{n}.txt").write_text(hostile.good_text(n, n + 7), encoding="utf-8")
    return folder


@pytest.fixture
def loaded(tmp_path):
    db, raw = tmp_path / "m.duckdb", tmp_path / "raw"
    proc = etl("ingest", notices(tmp_path / "in", 200, 300), "--db", db, "--raw", raw, "-j", "1", "-q")
    assert proc.returncode == 0, proc.stderr
    return db, raw


def truncate(db: Path) -> None:
    data = db.read_bytes()
    db.write_bytes(data[: len(data) // 2])


def garble(db: Path) -> None:
    data = bytearray(db.read_bytes())
    data[4096:] = os.urandom(len(data) - 4096)
    db.write_bytes(bytes(data))


# --- item 2: a damaged warehouse ------------------------------------------------

@pytest.mark.parametrize("damage", [truncate, garble, lambda db: db.write_bytes(b"")], ids=["truncated", "garbled",
                                                                                          "emptied"])
def test_every_command_says_the_warehouse_is_damaged_and_rebuild_restores_it(loaded, damage, tmp_path):
    db, raw = loaded
    before = rows(db, "SELECT task_id, content FROM tasks ORDER BY 1")
    damage(db)
    broken = db.read_bytes()
    for args in READERS + [["ingest", tmp_path / "in"]]:
        proc = etl(*args, "--db", db, *(["--raw", raw] if args[0] == "ingest" else []), cwd=tmp_path)
        assert proc.returncode == 2, (args, proc.stderr)
        lines = proc.stderr.strip().splitlines()
        assert len(lines) == 1 and "is damaged" in lines[0] and "`etl rebuild` restores it" in lines[0], proc.stderr
        assert "Traceback" not in proc.stderr + proc.stdout
    assert db.read_bytes() == broken  # the failed ingest changed nothing
    assert not list(tmp_path.glob("m.duckdb.*.tmp*"))

    proc = etl("rebuild", "--db", db, "--raw", raw, "-q")
    assert proc.returncode == 0, proc.stderr
    aside = list(tmp_path.glob("m.duckdb.damaged-*"))
    assert len(aside) == 1 and aside[0].read_bytes() == broken  # kept, and named in the output
    assert aside[0].name in proc.stdout and "could not be read" in proc.stdout
    assert rows(db, "SELECT task_id, content FROM tasks ORDER BY 1") == before
    assert etl("status", "--db", db).returncode == 0


def test_a_damaged_warehouse_made_before_the_record_rebuilds_from_the_whole_store(loaded):
    db, raw = loaded
    Path(str(db) + ".raw.jsonl").unlink()  # as an older version left it
    garble(db)
    proc = etl("rebuild", "--db", db, "--raw", raw, "--json")
    out = json.loads(proc.stdout)
    assert proc.returncode == 0 and out["whole_store"] and out["took"] == 2 and out["damaged"]
    assert rows(db, "SELECT count(*) FROM documents") == [(2,)]


# --- item 3: a warehouse takes in only what was ingested into it -----------------

def test_a_rebuild_takes_only_the_files_ingested_into_its_warehouse(tmp_path):
    raw = tmp_path / "raw"  # one raw store, two warehouses
    prod, test = tmp_path / "prod.duckdb", tmp_path / "test.duckdb"
    assert etl("ingest", notices(tmp_path / "a", 200, 300), "--db", prod, "--raw", raw, "-q").returncode == 0
    # a test run, with a file that fails, into another warehouse over the same raw store
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "empty.txt").write_bytes(b"")
    assert etl("ingest", notices(tmp_path / "b", 400), "--db", test, "--raw", raw, "-q").returncode == 1
    prod_docs = rows(prod, "SELECT doc_id, source_name FROM documents ORDER BY 1")

    proc = etl("rebuild", "--db", prod, "--raw", raw)
    assert proc.returncode == 0, proc.stderr
    assert "took the 2 files ingested into this warehouse" in proc.stdout
    assert "2 other files in the raw store belong to other warehouses: not taken" in proc.stdout
    assert rows(prod, "SELECT doc_id, source_name FROM documents ORDER BY 1") == prod_docs
    assert rows(prod, "SELECT count(*) FROM rejects") == [(0,)]

    out = json.loads(etl("rebuild", "--db", test, "--raw", raw, "--json").stdout)
    assert (out["took"], out["not_taken"], out["loaded"], out["failed"]) == (2, 2, 1, 1)
    assert rows(test, "SELECT source_name FROM documents") == [("notice-400.txt",)]


def test_a_warehouse_older_than_its_record_takes_what_it_holds(loaded):
    db, raw = loaded
    Path(str(db) + ".raw.jsonl").unlink()
    assert etl("ingest", notices(db.parent / "other", 500), "--db", db.parent / "o.duckdb", "--raw", raw,
               "-q").returncode == 0
    out = json.loads(etl("rebuild", "--db", db, "--raw", raw, "--json").stdout)
    assert (out["took"], out["not_taken"], out["whole_store"]) == (2, 1, False)
    assert Path(str(db) + ".raw.jsonl").exists()  # written anew by the rebuild


def test_a_rebuild_of_a_warehouse_nobody_ingested_into_says_what_to_do(tmp_path):
    raw = tmp_path / "raw"
    assert etl("ingest", notices(tmp_path / "a", 200), "--db", tmp_path / "a.duckdb", "--raw", raw,
               "-q").returncode == 0
    proc = etl("rebuild", "--db", tmp_path / "new.duckdb", "--raw", raw)
    assert proc.returncode == 2 and "--all-raw" in proc.stderr and not (tmp_path / "new.duckdb").exists()
    proc = etl("rebuild", "--db", tmp_path / "new.duckdb", "--raw", raw, "--all-raw", "-q")
    assert proc.returncode == 0 and "took every file in the raw store: 1" in proc.stdout


# --- item 6: a full disk, memory, settings and vocabulary --------------------------

@pytest.fixture
def small_disk(tmp_path):
    """A 6 MB tmpfs (root can mount one); skipped where mounting is not allowed."""
    mount = tmp_path / "disk"
    mount.mkdir()
    proc = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=6m", "tmpfs", str(mount)], capture_output=True)
    if proc.returncode:
        pytest.skip(f"cannot mount a tmpfs here: {proc.stderr.decode().strip()}")
    yield mount
    subprocess.run(["umount", "-l", str(mount)], check=False)


def _filled(mount: Path, leave_kb: int) -> None:
    st = os.statvfs(mount)
    free = st.f_bavail * st.f_frsize
    (mount / "filler").write_bytes(b"\0" * max(free - leave_kb * 1024, 0))


def test_a_full_disk_under_the_raw_store_stops_the_run_and_takes_back_its_copies(small_disk, loaded, tmp_path):
    db, _ = loaded
    before = db.read_bytes()
    raw = small_disk / "raw"
    big = tmp_path / "big"
    big.mkdir()
    for i in range(4):  # each file fits, all of them do not
        (big / f"n{i}.txt").write_text(hostile.good_text(200 + i) + "。" * 300_000 + f"{i}", encoding="utf-8")
    _filled(small_disk, 2500)
    proc = etl("ingest", big, "--db", db, "--raw", raw, "-j", "1")
    assert proc.returncode == 2, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "no space left" in lines[0] and "Traceback" not in proc.stderr
    assert db.read_bytes() == before
    assert not [p for p in raw.rglob("*") if p.is_file() and p.suffix in (".txt", ".part")]


def test_a_full_disk_under_the_warehouse_leaves_no_copy_and_the_warehouse_whole(small_disk, loaded, tmp_path):
    src_db, raw = loaded
    db = small_disk / "m.duckdb"
    db.write_bytes(src_db.read_bytes())
    Path(str(db) + ".raw.jsonl").write_bytes(Path(str(src_db) + ".raw.jsonl").read_bytes())
    before = db.read_bytes()
    _filled(small_disk, 64)  # the scratch copy cannot be made
    for command in (["ingest", notices(tmp_path / "more", 600)], ["rebuild"]):
        proc = etl(*command, "--db", db, "--raw", raw, "-j", "1")
        assert proc.returncode == 2, proc.stderr
        assert "no space left" in proc.stderr and "Traceback" not in proc.stderr, proc.stderr
        assert db.read_bytes() == before
        assert not list(small_disk.glob("m.duckdb.*.tmp*"))


def test_a_cache_write_that_fails_is_a_cache_miss(tmp_path, monkeypatch):
    from minsheng_etl.load import store as parse_cache
    from minsheng_etl.load.run.ingest import ingest

    def no_space(self, data):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(parse_cache.Path, "write_bytes", no_space)
    summary = ingest([notices(tmp_path / "in", 200)], db_path=tmp_path / "m.duckdb", raw_root=tmp_path / "raw")
    monkeypatch.undo()
    assert summary.count("loaded") == 1 and summary.failed == 0
    assert not [p for p in (tmp_path / "raw" / "parsed").rglob("*") if p.is_file()]  # no entry, no torn .part


def test_scratch_copy_that_fails_midway_is_removed(tmp_path, monkeypatch, loaded):
    """A disk that fills while the working copy is written (simulated): exit path removes it."""
    from minsheng_etl.errors import DiskFull
    from minsheng_etl.load.warehouse import writers
    from minsheng_etl.load.run.ingest import ingest

    db, raw = loaded
    before = db.read_bytes()

    def half_copy(src, dst):
        Path(dst).write_bytes(Path(src).read_bytes()[:1000])
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(writers.shutil, "copyfile", half_copy)
    with pytest.raises(DiskFull):
        ingest([notices(tmp_path / "more", 700)], db_path=db, raw_root=raw)
    assert db.read_bytes() == before and not list(db.parent.glob("m.duckdb.*.tmp*"))
    assert len(list((raw / "objects").rglob("*.txt"))) == 2  # the new file's copy is not kept


def test_running_out_of_memory_is_one_line(tmp_path):
    # the CLI itself under a 2 GB address space, told to use far more: a MemoryError in the run
    code = ("import resource, sys; resource.setrlimit(resource.RLIMIT_AS, (2 << 30, resource.RLIM_INFINITY)); "
            "import minsheng_etl.load.run.ingest as i; real = i.load_files; "
            "i.load_files = lambda *a, **k: bytearray(8 << 30); "
            "from minsheng_etl.cli import app; sys.argv = ['etl'] + sys.argv[1:]; app()")
    proc = subprocess.run([sys.executable, "-c", code, "ingest", str(notices(tmp_path / "in", 200)), "--db",
                           str(tmp_path / "m.duckdb"), "--raw", str(tmp_path / "raw")], capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 2 and "out of memory" in proc.stderr and "Traceback" not in proc.stderr
    assert not (tmp_path / "m.duckdb").exists()


def test_an_unexpected_error_is_one_line_and_exit_2(loaded, tmp_path):
    db, raw = loaded
    (tmp_path / "aliases").mkdir()
    from minsheng_etl.profiles import parsers_dir

    for f in parsers_dir().iterdir():
        (tmp_path / "aliases" / f.name).write_bytes(f.read_bytes())
    (tmp_path / "aliases" / "body_aliases.toml").write_text('[[body]]\ncanonical = "区民政局"\naliases = [\n',
                                                            encoding="utf-8")
    for command in (["ingest", tmp_path / "in"], ["rebuild"]):
        proc = etl(*command, "--db", db, "--raw", raw, env={"MINSHENG_PARSERS": tmp_path / "aliases"})
        assert proc.returncode == 2 and "Traceback" not in proc.stderr, proc.stderr
        assert "body_aliases.toml: line 4, column 1" in proc.stderr


# --- item 12: leftovers ---------------------------------------------------------

def test_torn_parse_cache_entries_are_cleaned_and_skipped_links_counted(tmp_path):
    src = notices(tmp_path / "in", 200)
    (src / "link.txt").symlink_to(src / "notice-200.txt")
    (src / "folder-link").symlink_to(tmp_path, target_is_directory=True)
    raw = tmp_path / "raw"
    torn = raw / "parsed" / "ab" / f"ab{uuid.uuid4().hex}.json.gz.123.part"
    torn.parent.mkdir(parents=True)
    torn.write_bytes(b"half")
    proc = etl("ingest", src, "--db", tmp_path / "m.duckdb", "--raw", raw)
    assert proc.returncode == 0, proc.stderr
    assert "skipped   2 symbolic link(s)" in proc.stdout
    assert not torn.exists()
    out = json.loads(etl("ingest", src, "--db", tmp_path / "m.duckdb", "--raw", raw, "--json").stdout)
    assert out["skipped_links"] == 2


def test_a_low_memory_cap_on_the_parsers_rejects_files_not_the_run(tmp_path):
    """Under a tight MINSHENG_MAX_MEMORY_MB the parsers cannot even start their threads:
    each file is rejected with a reason, the run finishes (exit 1), no traceback."""
    proc = etl("ingest", notices(tmp_path / "in", 200, 300), "--db", tmp_path / "m.duckdb", "--raw",
               tmp_path / "raw", "-j", "2", "--json", env={"MINSHENG_MAX_MEMORY_MB": "50"})
    assert proc.returncode in (0, 1) and "Traceback" not in proc.stderr, proc.stderr
    out = json.loads(proc.stdout)
    assert out["files"] == 2 and all(o["status"] in ("loaded", "failed") for o in out["outcomes"])
    assert all(o["reason"] for o in out["outcomes"] if o["status"] == "failed")
