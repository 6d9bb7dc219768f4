"""CLI: inspect, ingest exit codes, query formats."""
import json

from typer.testing import CliRunner

from minsheng_etl.cli import app

runner = CliRunner()
NOTICE = ("2025年区民生实事任务进展情况汇总表\n序号\t任务内容\t主责单位\t完成时限\t任务进度\t进展情况\n"
          "1\t建设筹集保障性住房4000套。\t区住房城乡建设委\t2025年12月31日\t正在推进\t截至6月底，已建设2809套。\n"
          "2\t新建中医馆2家。\t区卫生健康委\t2025年12月31日\t已完成\t截至6月底，已建成2家。\n")


def test_inspect_json_prints_the_gold_shape(tmp_path):
    path = tmp_path / "n.txt"
    path.write_text(NOTICE, encoding="utf-8")
    result = runner.invoke(app, ["inspect", "--json", str(path)])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["document"]["period"] == "截至6月底"
    assert [t["status"] for t in data["tasks"]] == ["正在推进", "已完成"]
    assert data["tasks"][0]["targets"] == [{"value": 4000, "unit": "套"}]


def test_inspect_table_shows_provenance(tmp_path):
    path = tmp_path / "n.txt"
    path.write_text(NOTICE, encoding="utf-8")
    result = runner.invoke(app, ["inspect", str(path)])
    assert result.exit_code == 0
    assert "2 tasks in 1 list" in result.stdout and "l3" in result.stdout


def test_inspect_bad_file_names_the_file_and_the_problem(tmp_path):
    path = tmp_path / "bad.docx"
    path.write_bytes(b"PK\x03\x04 not really a zip")
    result = runner.invoke(app, ["inspect", str(path)])
    assert result.exit_code == 2
    assert "bad.docx" in result.output and "ZIP" in result.output


def test_ingest_then_query_in_every_format(tmp_path):
    (tmp_path / "n.txt").write_text(NOTICE, encoding="utf-8")
    (tmp_path / "bad.txt").write_text("", encoding="utf-8")
    db, raw = tmp_path / "w.duckdb", tmp_path / "raw"
    first = runner.invoke(app, ["ingest", str(tmp_path), "--db", str(db), "--raw", str(raw)])
    assert first.exit_code == 1  # one file failed
    assert "1 loaded" in first.stdout and "1 failed" in first.stdout
    second = runner.invoke(app, ["ingest", str(tmp_path / "n.txt"), "--db", str(db), "--raw", str(raw)])
    assert second.exit_code == 0 and "already loaded, nothing changed" in second.stdout
    sql = "SELECT seq, units, status FROM tasks_flat ORDER BY seq"
    as_json = runner.invoke(app, ["query", sql, "--db", str(db), "--format", "json"])
    assert json.loads(as_json.stdout) == [{"seq": 1, "units": "区住房城乡建设委", "status": "正在推进"},
                                          {"seq": 2, "units": "区卫生健康委", "status": "已完成"}]
    as_csv = runner.invoke(app, ["query", sql, "--db", str(db), "--format", "csv"])
    assert as_csv.stdout.splitlines()[0] == "seq,units,status"
    bad = runner.invoke(app, ["query", "SELECT nope FROM tasks", "--db", str(db)])
    assert bad.exit_code == 2 and "query failed" in bad.output


def test_query_is_read_only(tmp_path):
    (tmp_path / "n.txt").write_text(NOTICE, encoding="utf-8")
    db = tmp_path / "w.duckdb"
    runner.invoke(app, ["ingest", str(tmp_path), "--db", str(db), "--raw", str(tmp_path / "raw")])
    result = runner.invoke(app, ["query", "DELETE FROM tasks", "--db", str(db)])
    assert result.exit_code == 2 and "query refused" in result.output and "never changes the warehouse" in result.output
