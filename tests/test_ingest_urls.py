"""`etl ingest URL…`, `--urls FILE` and `etl inspect URL` against a local site
(tests/webserver.py): what a user gets end to end, from the fetch to the warehouse,
the views, the report and a rebuild."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from report_series import page_data
from webserver import serve

ETL = [sys.executable, "-m", "minsheng_etl.cli"]
QUICK = {"MINSHENG_FETCH_INTERVAL": "0", "MINSHENG_FETCH_TIMEOUT": "1", "MINSHENG_FETCH_RETRIES": "0"}
ATTACHMENT = "/files/%E9%99%84%E4%BB%B61.docx"


@pytest.fixture(scope="module")
def site():
    with serve() as (base, site):
        yield base, site


def etl(*args: str, cwd: Path, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([*ETL, *args], cwd=cwd, capture_output=True, text=True,
                          env=os.environ | QUICK | (env or {}), timeout=300)


def rows(db: Path, sql: str) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


@pytest.fixture(scope="module")
def fetched(site, tmp_path_factory):
    """One ingest of a landing page (two attachments), a notice, a 404 and a page that is no notice."""
    base, _ = site
    work = tmp_path_factory.mktemp("urls")
    run = etl("ingest", "--json", f"{base}/landing.html", f"{base}/redirect", f"{base}/gone.html", f"{base}/plain",
              cwd=work)
    return base, work, run


def test_urls_land_in_the_warehouse_with_where_they_came_from(fetched):
    base, work, run = fetched
    assert run.returncode == 1, run.stderr  # the 404 and the page with no tasks failed; the others loaded
    summary = json.loads(run.stdout)
    assert (summary["loaded"], summary["failed"]) == (3, 2)
    db = work / "data" / "curated" / "minsheng.duckdb"
    docs = rows(db, "SELECT source_name, source_path, source_url, source_page, task_count FROM documents ORDER BY 1")
    assert docs == [
        ("notice.html", f"{base}/redirect", f"{base}/notice.html", None, 15),  # the URL after the redirect
        ("summary.xlsx", f"{base}/files/summary.xlsx", f"{base}/files/summary.xlsx", f"{base}/landing.html", 22),
        ("附件1.docx", f"{base}{ATTACHMENT}", f"{base}{ATTACHMENT}", f"{base}/landing.html", 121),
    ]
    # the landing page only links to the notice: passed over with a note, not loaded, not rejected
    assert any("landing.html: a page that links to 2 attachment(s)" in n for n in summary["notes"])
    rejects = rows(db, "SELECT source_name, source_path, stage, reason FROM rejects ORDER BY stage")
    assert rejects == [
        ("plain.html", f"{base}/plain", "extract", rejects[0][3]),  # named for its type: the URL has none
        (f"{base}/gone.html", f"{base}/gone.html", "fetch", "HTTP 404 Not Found")]
    assert rejects[0][3].startswith("no numbered task list found")
    # fetched files wait in the raw store's tmp/ during the run only
    assert not [p for p in (work / "data" / "raw" / "tmp").iterdir() if p.is_dir()]


def test_the_url_shows_in_tasks_flat_and_the_report(fetched):
    base, work, _ = fetched
    db = work / "data" / "curated" / "minsheng.duckdb"
    assert rows(db, "SELECT DISTINCT source_url FROM tasks_flat WHERE source_name = 'summary.xlsx'") == [
        (f"{base}/files/summary.xlsx",)]
    report = work / "report.html"
    made = etl("report", "-o", str(report), cwd=work)
    assert made.returncode == 0, made.stderr
    data = page_data(report)
    links = {data["s"][row[5]] for row in data["lists"] if len(row) > 5 and row[5] is not None}
    assert {f"{base}/files/summary.xlsx", f"{base}{ATTACHMENT}", f"{base}/notice.html"} <= links


def test_again_is_unchanged_and_a_rebuild_keeps_the_urls(fetched):
    base, work, _ = fetched
    again = etl("ingest", "--json", f"{base}/landing.html", cwd=work)
    assert again.returncode == 0, again.stderr
    assert json.loads(again.stdout)["unchanged"] == 2
    rebuilt = etl("rebuild", "--json", cwd=work)
    assert rebuilt.returncode == 1  # the page with no tasks is still no notice
    db = work / "data" / "curated" / "minsheng.duckdb"
    assert rows(db, "SELECT source_url, source_page FROM documents WHERE source_name = 'summary.xlsx'") == [
        (f"{base}/files/summary.xlsx", f"{base}/landing.html")]


def test_a_url_list_file(site, tmp_path):
    base, _ = site
    listing = tmp_path / "today.txt"
    listing.write_text(f"# this morning's notices\n{base}/notice.html\n\n{base}/files/summary.xlsx\n", encoding="utf-8")
    run = etl("ingest", "--urls", str(listing), "-q", cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    assert "2 loaded (37 tasks)" in run.stdout


def test_a_slow_or_oversized_answer_is_a_reject_with_its_reason(site, tmp_path):
    base, _ = site
    run = etl("ingest", f"{base}/slow", f"{base}/big", cwd=tmp_path, env={"MINSHENG_MAX_FILE_MB": "1"})
    assert run.returncode == 1
    assert "fetch: no answer within 1 s (tried 1 times)" in run.stderr
    assert "fetch: the response is over 1.0 MB, over the limit of 1 MB (MINSHENG_MAX_FILE_MB)" in run.stderr
    assert "Traceback" not in run.stderr


def test_fetch_settings_are_checked_before_the_run(site, tmp_path):
    base, _ = site
    run = etl("ingest", f"{base}/notice.html", cwd=tmp_path, env={"MINSHENG_FETCH_TIMEOUT": "soon"})
    assert run.returncode == 2
    assert "MINSHENG_FETCH_TIMEOUT='soon' is not a number" in run.stderr
    assert not (tmp_path / "data").exists()
    nothing = etl("ingest", cwd=tmp_path)
    assert nothing.returncode == 2 and "nothing to ingest" in nothing.stderr


def test_inspect_a_url(site, tmp_path):
    base, _ = site
    shown = etl("inspect", f"{base}/notice.html", cwd=tmp_path)
    assert shown.returncode == 0, shown.stderr
    assert f"source {base}/notice.html" in shown.stdout and "15 tasks" in shown.stdout
    as_json = json.loads(etl("inspect", "--json", f"{base}/redirect", cwd=tmp_path).stdout)
    assert as_json["source"] == {"url": f"{base}/notice.html", "page": None} and len(as_json["tasks"]) == 15
    landing = etl("inspect", f"{base}/landing.html", cwd=tmp_path)
    assert landing.returncode == 2
    assert "links to the notice's attachments" in landing.stderr and f"{base}/files/summary.xlsx" in landing.stderr
    gone = etl("inspect", f"{base}/gone.html", cwd=tmp_path)
    assert gone.returncode == 2 and "fetch: HTTP 404 Not Found" in gone.stderr
