"""The public surface: what a Python user imports from `minsheng_etl`. Pinned:
adding to it is a decision, removing from it breaks users."""
from __future__ import annotations

import subprocess
import sys

import duckdb
import pytest
from conftest import SAMPLES

import minsheng_etl

PUBLIC = ["__version__", "parse", "open_warehouse", "EtlError", "Notice", "DocumentFacts", "Task", "Target",
          "Provenance", "TaskMeasures", "Achievement", "TaskWarning"]


def test_the_public_surface_is_pinned():
    assert minsheng_etl.__all__ == PUBLIC
    assert sorted(dir(minsheng_etl)) == sorted(PUBLIC)
    for name in PUBLIC:
        assert getattr(minsheng_etl, name) is not None
    with pytest.raises(AttributeError):
        minsheng_etl.parse_record  # noqa: B018 (internal: not exported)


def test_importing_the_package_does_not_load_the_parser():
    code = "import sys, minsheng_etl; print('minsheng_etl.pipeline' in sys.modules, 'duckdb' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).stdout.split() == \
        ["False", "False"]


def test_parse_a_file_or_its_bytes_to_a_notice(tmp_path):
    path = SAMPLES / "daxing-2025-h1-summary.txt"
    notice = minsheng_etl.parse(path)
    assert isinstance(notice, minsheng_etl.Notice) and len(notice.tasks) == 22
    assert minsheng_etl.parse(path.read_bytes(), "daxing.txt") == notice
    assert isinstance(notice.tasks[0], minsheng_etl.Task)
    (tmp_path / "empty.txt").write_bytes(b"")
    with pytest.raises(minsheng_etl.EtlError, match="empty"):
        minsheng_etl.parse(tmp_path / "empty.txt")


def test_open_the_warehouse_read_only(sample_warehouse):
    con = minsheng_etl.open_warehouse(sample_warehouse)
    try:
        assert con.execute("SELECT count(*) FROM tasks_flat").fetchone()[0] > 0
        with pytest.raises(duckdb.Error, match="read-only"):
            con.execute("DELETE FROM tasks")
    finally:
        con.close()
