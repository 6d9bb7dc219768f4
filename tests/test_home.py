"""Where things live (home.py): --home, MINSHENG_HOME, a minsheng.toml found upwards,
else the working folder; `etl init`; the analyst's vocabulary in the home adding to
the packaged parsers/; errors that name the setting."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, SAMPLES

from minsheng_etl import home

ETL = [sys.executable, "-m", "minsheng_etl.cli"]
NOTICE = ("2025年区民生实事项目\n序号\t任务内容\t承办科室\t完成时限\n"
          "1\t新建3所学校。\t区教委\t2025年12月31日\n2\t新增床位200张。\t区民政局\t2025年9月30日\n")


def etl(*args: str, cwd: Path, env: dict | None = None) -> subprocess.CompletedProcess:
    environ = {k: v for k, v in os.environ.items() if k not in ("MINSHENG_HOME", "MINSHENG_DB", "MINSHENG_RAW",
                                                                "MINSHENG_VOCABULARY")}
    return subprocess.run([*ETL, *args], cwd=cwd, capture_output=True, text=True, env=environ | (env or {}),
                          timeout=300)


# --- finding the home ------------------------------------------------------------------

def test_the_home_is_the_option_then_the_environment_then_a_config_upwards(tmp_path):
    a, b, c = (tmp_path / n for n in "abc")
    for folder in (a, b, c):
        home.init(folder)
    below = c / "reports" / "2025"
    below.mkdir(parents=True)
    env = {home.ENV: str(b)}
    assert home.find(a, cwd=below, environ=env).root == a.resolve()  # --home first
    assert home.find(None, cwd=below, environ=env).root == b.resolve()  # then MINSHENG_HOME
    found = home.find(None, cwd=below, environ={})  # then the nearest minsheng.toml above
    assert found.root == c.resolve() and found.warehouse == c.resolve() / "data/curated/minsheng.duckdb"
    assert "minsheng.toml found in" in found.found_by
    nowhere = tmp_path / "elsewhere"
    nowhere.mkdir()
    none = home.find(None, cwd=nowhere, environ={})
    assert none.root is None and none.warehouse == Path("data/curated/minsheng.duckdb") and none.vocabulary is None


def test_a_config_says_where_each_thing_is(tmp_path):
    (tmp_path / "minsheng.toml").write_text('[home]\nwarehouse = "db/w.duckdb"\nraw = "/srv/raw"\n', encoding="utf-8")
    found = home.find(None, cwd=tmp_path, environ={})
    assert found.warehouse == tmp_path.resolve() / "db/w.duckdb"
    assert found.raw == Path("/srv/raw") and found.vocabulary == tmp_path.resolve() / "vocabulary"


def test_a_bad_setting_is_named(tmp_path):
    with pytest.raises(home.HomeError, match=r"MINSHENG_HOME=.*nothere: no such folder"):
        home.find(None, cwd=tmp_path, environ={home.ENV: str(tmp_path / "nothere")})
    (tmp_path / "minsheng.toml").write_text("[home\n", encoding="utf-8")
    with pytest.raises(home.HomeError, match=r"minsheng.toml \(--home\): cannot read it"):
        home.find(tmp_path, environ={})


def test_init_makes_a_home_once(tmp_path):
    made = home.init(tmp_path / "h")
    assert {p.name for p in made} == {"minsheng.toml", "raw", "curated", "vocabulary", "body_aliases.toml"}
    assert home.init(tmp_path / "h") == []


# --- the CLI ------------------------------------------------------------------------------

@pytest.fixture
def analyst_home(tmp_path) -> Path:
    made = etl("init", "h", cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    return tmp_path / "h"


def test_from_any_folder_below_the_home_commands_use_its_warehouse(analyst_home):
    below = analyst_home / "work" / "today"
    below.mkdir(parents=True)
    run = etl("ingest", "-q", str(SAMPLES / "daxing-2025-h1-summary.xlsx"), cwd=below)
    assert run.returncode == 0, run.stderr
    assert (analyst_home / "data/curated/minsheng.duckdb").is_file() and not (below / "data").exists()
    counted = etl("query", "SELECT count(*) AS n FROM tasks_flat", "--format", "json", cwd=below)
    assert json.loads(counted.stdout) == [{"n": 22}]
    elsewhere = analyst_home.parent / "elsewhere"
    elsewhere.mkdir()
    by_env = etl("status", "--json", cwd=elsewhere, env={"MINSHENG_HOME": str(analyst_home)})
    assert json.loads(by_env.stdout)["tasks"] == 22
    by_option = etl("--home", str(analyst_home), "status", "--json", cwd=elsewhere)
    assert json.loads(by_option.stdout)["tasks"] == 22
    report = etl("report", cwd=below)  # written beside the warehouse
    assert report.returncode == 0 and (analyst_home / "data/curated/report.html").is_file()


def test_with_no_home_the_error_says_where_it_looked_and_what_to_do(tmp_path):
    run = etl("query", "SELECT 1", cwd=tmp_path)
    assert run.returncode == 2
    assert "no warehouse at data/curated/minsheng.duckdb" in run.stderr
    assert "no minsheng.toml here or above, MINSHENG_HOME unset" in run.stderr and "etl init" in run.stderr
    assert not (tmp_path / "data").exists()  # nothing made by a reader


def test_the_analysts_vocabulary_in_the_home_adds_to_the_packaged_one(analyst_home):
    notice = analyst_home / "n.txt"
    notice.write_text(NOTICE, encoding="utf-8")
    before = json.loads(etl("inspect", "--json", str(notice), cwd=analyst_home).stdout)
    assert [t["units"] for t in before["tasks"]] == [[], []]  # 承办科室 is no header word of the package
    (analyst_home / "vocabulary" / "columns.toml").write_text('[fields]\nunits = ["承办科室"]\n', encoding="utf-8")
    after = json.loads(etl("inspect", "--json", str(notice), cwd=analyst_home).stdout)
    assert [t["units"] for t in after["tasks"]] == [["区教委"], ["区民政局"]]
    # the packaged words are all still there: the sample reads as ever
    sample = json.loads(etl("inspect", "--json", str(SAMPLES / "daxing-2025-h1-summary.txt"), cwd=analyst_home).stdout)
    assert len(sample["tasks"]) == 22 and sample["tasks"][0]["units"] == ["区民政局"]


def test_a_body_alias_added_in_the_home_shows_in_etl_units(analyst_home):
    run = etl("ingest", "-q", str(SAMPLES / "daxing-2025-h1-summary.xlsx"), cwd=analyst_home)
    assert "vocabulary/body_aliases.toml" in run.stdout  # where to add the unknown names
    aliases = analyst_home / "vocabulary" / "body_aliases.toml"
    aliases.write_text(aliases.read_text(encoding="utf-8") + '\n[[body]]\ncanonical = "园林绿化服务中心"\n'
                       'aliases = ["园林服务中心"]\n', encoding="utf-8")
    again = etl("ingest", "-q", str(SAMPLES / "daxing-2025-h1-summary.xlsx"), cwd=analyst_home)
    assert again.returncode == 0 and "1 unchanged" in again.stdout  # nothing re-parsed: applied at load
    units = etl("query", "SELECT name, canonical_name, known FROM task_units WHERE name = '区园林服务中心' LIMIT 1",
                "--format", "json", cwd=analyst_home)
    assert json.loads(units.stdout) == [{"name": "区园林服务中心", "canonical_name": "区园林绿化服务中心",
                                         "known": True}]


def test_the_repository_is_a_home_for_its_own_quick_start():
    found = home.find(None, cwd=ROOT / "src" / "minsheng_etl", environ={})
    assert found.root == ROOT.resolve() and found.warehouse == ROOT.resolve() / "data/curated/minsheng.duckdb"


def test_the_analysts_parse_words_are_part_of_the_parser_version(tmp_path, monkeypatch):
    """Editing the home's vocabulary re-parses what it may change (the parse cache is
    keyed by the parser version); body_aliases.toml, applied at load, re-parses nothing."""
    from minsheng_etl import profiles
    from minsheng_etl.pipeline import parser_version

    def version() -> str:
        profiles.fingerprint.cache_clear()
        return parser_version()

    words = tmp_path / "vocabulary"
    words.mkdir()
    monkeypatch.setenv(home.VOCABULARY_ENV, str(words))
    packaged = version()
    (words / "body_aliases.toml").write_text('[[body]]\ncanonical = "区教委"\naliases = ["教委"]\n', encoding="utf-8")
    assert version() == packaged
    (words / "columns.toml").write_text('[fields]\nunits = ["承办科室"]\n', encoding="utf-8")
    assert version() != packaged
    profiles.fingerprint.cache_clear()
