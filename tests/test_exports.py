"""An analyst's files: `etl export --zh` (a 汇总表 opened with openpyxl: headers, widths,
number formats), `etl export --sql`, `etl views`, `etl query --format line / xlsx / csv
-o`, `etl status --json`."""
from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, rows
from openpyxl import load_workbook

from minsheng_etl import wording
from minsheng_etl.export import display_width

ETL = [str(Path(sys.executable).parent / "etl")]
HEADERS = ["序号", "任务内容", "责任单位", "完成时限", "进展情况", "状态", "目标", "完成", "完成率", "来源"]
DAXING_2025 = "SELECT task_id FROM tasks_flat WHERE region = '北京市大兴区' AND year = 2025 ORDER BY seq"


def etl(*args, db: Path) -> subprocess.CompletedProcess:
    return subprocess.run(ETL + [str(a) for a in args] + ["--db", str(db)], capture_output=True, text=True, cwd=ROOT)


@pytest.fixture(scope="module")
def summary(sample_warehouse, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("zh") / "汇总表.xlsx"
    run = etl("export", "--zh", "--sql", DAXING_2025, "-o", out, db=sample_warehouse)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == f"wrote 22 rows of the query as a 汇总表 to {out}"
    return out


def test_zh_export_is_a_summary_table(summary, sample_warehouse):
    ws = load_workbook(summary).active
    header = [c.value for c in ws[1]]
    assert header[:10] == HEADERS and header[10:] == ["地区", "年度", "报告"]
    got = {r[0]: r for r in ws.iter_rows(min_row=2, values_only=True)}
    assert sorted(got) == list(range(1, 23))  # the query's tasks, in its order
    assert [r[0] for r in ws.iter_rows(min_row=2, values_only=True)] == list(range(1, 23))
    housing = got[5]  # 保障性住房: 2809 of 4000 套 in the half-year summary
    assert housing[6] == "4000套" and housing[7] == "2809套" and housing[8] == pytest.approx(0.7023)
    status_words = {w["zh"] for w in wording.STATUS.values()}
    for r in got.values():
        assert r[5].split("（")[0] in status_words  # 推进中, 已完成 … never in_progress
        assert ".0" not in (r[6] or "") + (r[7] or "")  # 10个, not 10.0个
        assert r[9].startswith("daxing-2025-h1-summary.")
    # several targets: each with what was achieved of it, in the same order (— where nothing was reported)
    beds = got[1]
    assert beds[6] == "2处；3处；200张" and beds[7] == "2处；—；500张"


def test_zh_export_cells_are_typed_and_columns_wide_enough(summary):
    ws = load_workbook(summary).active
    first = ws[2]
    assert first[0].number_format == "0" and isinstance(first[0].value, int)
    assert first[3].is_date and first[3].number_format == "yyyy-mm-dd"
    share = next(r[8] for r in ws.iter_rows(min_row=2) if r[8].value is not None)
    assert share.number_format == "0.0%" and isinstance(share.value, (int, float)) and 0 <= share.value
    for col, header in enumerate(HEADERS, start=1):
        letter = ws.cell(1, col).column_letter
        width = ws.column_dimensions[letter].width
        widest = max((display_width(str(c.value)) for (c,) in ws.iter_rows(min_col=col, max_col=col)
                      if isinstance(c.value, (str, int))), default=0)
        # as wide as the widest cell counted in display columns (a CJK character is two), up to the cap
        assert width >= min(widest, 60), (header, width, widest)
    assert ws.column_dimensions["C"].width >= display_width("区人力资源社会保障局")  # 20, not 10
    assert all(c.data_type == "s" for row in ws.iter_rows(min_row=2) for c in row if isinstance(c.value, str))


def test_zh_export_as_csv_and_of_a_view(sample_warehouse, tmp_path):
    out = tmp_path / "汇总表.csv"
    run = etl("export", "overdue_tasks", "--zh", "-o", out, db=sample_warehouse)
    assert run.returncode == 0, run.stderr
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")  # a BOM: Excel reads UTF-8
    table = list(csv.reader(out.open(encoding="utf-8-sig")))
    assert table[0][:10] == HEADERS
    overdue = rows(sample_warehouse, "SELECT count(*) FROM overdue_tasks")[0][0]
    assert len(table) - 1 == overdue and all("逾期" in r[5] and "天" in r[5] for r in table[1:])
    refused = etl("export", "notices", "--zh", "-o", tmp_path / "n.csv", db=sample_warehouse)
    assert refused.returncode == 2 and "task_id" in refused.stderr
    refused = etl("export", "tasks_flat", "--zh", "-o", tmp_path / "n.parquet", db=sample_warehouse)
    assert refused.returncode == 2 and ".xlsx or .csv" in refused.stderr


def test_export_takes_a_query(sample_warehouse, tmp_path):
    out = tmp_path / "q.csv"
    run = etl("export", "--sql", "SELECT seq, value, unit FROM targets_flat WHERE region = '北京市大兴区' AND year = 2024 "
              "AND seq IN (2, 4) ORDER BY seq, position", "-o", out, db=sample_warehouse)
    assert run.returncode == 0, run.stderr
    assert out.read_text(encoding="utf-8-sig").splitlines() == ["seq,value,unit", "2,12000,人次", "4,1088,个"]
    parquet = tmp_path / "q.parquet"
    assert etl("export", "--sql", DAXING_2025, "-o", parquet, db=sample_warehouse).returncode == 0
    import duckdb
    assert duckdb.sql(f"SELECT count(*) FROM '{parquet}'").fetchall() == [(22,)]
    # it only reads, and only the warehouse
    for sql in ("DELETE FROM tasks", "SELECT * FROM read_csv('/etc/hostname')", "SELECT 1; SELECT 2"):
        refused = etl("export", "--sql", sql, "-o", tmp_path / "x.csv", db=sample_warehouse)
        assert refused.returncode == 2 and refused.stderr.startswith("error"), (sql, refused.stderr)
    both = etl("export", "tasks_flat", "--sql", "SELECT 1", "-o", tmp_path / "x.csv", db=sample_warehouse)
    assert both.returncode == 2 and "not both" in both.stderr


def test_views_lists_every_view_with_an_example_that_runs(sample_warehouse):
    run = etl("views", db=sample_warehouse)
    assert run.returncode == 0, run.stderr
    names = [n for (n,) in rows(sample_warehouse, """
        SELECT view_name FROM duckdb_views() WHERE NOT internal AND schema_name = 'main' UNION
        SELECT function_name FROM duckdb_functions() WHERE NOT internal AND function_type = 'table_macro'
          AND schema_name = 'main'""")]
    assert "tasks_flat" in names and "tasks_as_of" in names
    blocks = {}
    for line in run.stdout.splitlines():
        if line and not line.startswith(" "):
            current = line.split()[0]
            blocks[current] = []
        elif line.strip():
            blocks[current].append(line.strip())
    for name in names:
        assert name in blocks, name
        what, example = blocks[name][0], blocks[name][1]
        assert "not described" not in what and len(what) > 20
        assert example.startswith('etl query "') and name in example
        sql = example[len('etl query "'):-1]
        ran = etl("query", sql, "--format", "json", db=sample_warehouse)
        assert ran.returncode == 0, (name, ran.stderr)
        assert json.loads(ran.stdout), (name, "the example returns no rows")


def test_query_line_format(sample_warehouse):
    run = etl("query", "SELECT seq, content, units_canonical, stated_share FROM tasks_flat "
              "WHERE title = '2025年区民生实事任务进展情况汇总表' AND seq <= 2 ORDER BY seq", "--format", "line",
              db=sample_warehouse)
    assert run.returncode == 0, run.stderr
    lines = run.stdout.splitlines()
    assert lines[0].startswith("-[ row 1 ]") and sum(ln.startswith("-[ row ") for ln in lines) == 2
    fields = [ln for ln in lines if " = " in ln]
    assert len(fields) == 8 and fields[0] == "seq             = 1"
    assert fields[2] == "units_canonical = 区民政局" and fields[3] == "stated_share    = NULL"
    assert len({ln.index(" = ") for ln in fields}) == 1  # the names aligned


def test_query_to_files(sample_warehouse, tmp_path):
    sql = "SELECT seq, units, deadline FROM tasks_flat WHERE title = '2025年区民生实事任务进展情况汇总表' ORDER BY seq"
    xlsx = tmp_path / "q.xlsx"
    run = etl("query", sql, "--format", "xlsx", "-o", xlsx, db=sample_warehouse)
    assert run.returncode == 0 and run.stdout.strip() == f"wrote 22 rows to {xlsx}", run.stderr
    ws = load_workbook(xlsx).active
    assert [c.value for c in ws[1]] == ["seq", "units", "deadline"] and ws.max_row == 23
    assert ws["B2"].value == "区民政局" and ws["C2"].is_date
    out = tmp_path / "q.csv"
    assert etl("query", sql, "--format", "csv", "-o", out, db=sample_warehouse).returncode == 0
    assert out.read_bytes().startswith(b"\xef\xbb\xbfseq,units,deadline")  # a BOM in a file, like export
    to_stdout = etl("query", sql, "--format", "csv", db=sample_warehouse)
    assert to_stdout.stdout.startswith("seq,units,deadline")  # none on the terminal
    no_file = etl("query", sql, "--format", "xlsx", db=sample_warehouse)
    assert no_file.returncode == 2 and "-o" in no_file.stderr


def test_status_json(sample_warehouse):
    run = etl("status", "--json", db=sample_warehouse)
    assert run.returncode == 0, run.stderr
    got = json.loads(run.stdout)
    (tasks, overdue, late), = rows(sample_warehouse, """SELECT count(*), count(*) FILTER (WHERE overdue),
        count(*) FILTER (WHERE overdue_kind = 'reported_late') FROM tasks_flat""")
    assert (got["notices"], got["documents"], got["tasks"]) == (5, 14, tasks)
    assert got["overdue"]["total"] == overdue and got["overdue"]["reported_late"] == late
    assert sum(got["formats"].values()) == 14
    assert got["runs"] and got["runs"][0]["command"] == "ingest" and got["runs"][0]["loaded"] == 14
    assert got["rejected_files"] == []


def test_flags_show_no_type_in_help():
    for command in ("export", "query", "report", "status", "ingest"):
        run = subprocess.run(ETL + [command, "--help"], capture_output=True, text=True, cwd=ROOT,
                             env={"COLUMNS": "160", "PATH": "/usr/bin:/bin"})
        assert run.returncode == 0 and "--help" in run.stdout
        assert "<bool>" not in run.stdout, command
    run = subprocess.run(ETL + ["export", "--help"], capture_output=True, text=True, cwd=ROOT,
                         env={"COLUMNS": "160", "PATH": "/usr/bin:/bin"})
    assert "<path>" in run.stdout  # options that take a value still say what
