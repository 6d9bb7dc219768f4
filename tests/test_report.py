"""`etl report`: the page, checked as a file against the warehouse views and in a real
headless browser (Debian's chromium + chromedriver, which .ci/run installs): filters,
search, a task opened to its history. The warehouse holds the bundled samples and a
year of reports on one list (plan → 一季度 → 上半年 → 年底, report_series.py)."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import ROOT, rows
from report_series import ETL, REGION, YEAR, ingest, page_data, write_reports

from minsheng_etl import wording

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")
REQUIRE_BROWSER = os.environ.get("MINSHENG_REQUIRE_BROWSER") == "1"  # set by .ci/run: no silent skip in CI
SHOTS = os.environ.get("MINSHENG_SCREENSHOT")  # a folder to keep the screenshots in, to look at them
ZH_STATUS = {code: words["zh"] for code, words in wording.STATUS.items()}


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory, samples) -> Path:
    base = tmp_path_factory.mktemp("report-warehouse")
    reports = write_reports(base / "reports")
    db = base / "w.duckdb"
    ingest(db, samples)
    for name in ("plan", "q1", "h1", "year_end"):
        ingest(db, reports[name])
    return db


def make_report(db: Path, out: Path, *args: str) -> Path:
    proc = subprocess.run(ETL + ["report", "--output", str(out), "--db", str(db), *args],
                          capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    assert re.fullmatch(rf"wrote {re.escape(str(out))}: \d+ tasks in \d+ regions and years\n", proc.stdout)
    return out


@pytest.fixture(scope="module")
def report(warehouse, tmp_path_factory) -> Path:
    return make_report(warehouse, tmp_path_factory.mktemp("report") / "report.html")


def test_the_report_is_one_self_contained_file(report):
    page = report.read_text(encoding="utf-8")
    assert "<link" not in page and "@import" not in page and "url(" not in page
    assert not re.search(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", page)  # nothing fetched
    assert not re.search(r"<script[^>]*\bsrc=", page)
    assert page.count("<script") == 2 and '<meta charset="utf-8">' in page  # the data and the script, inline
    assert "<tr" not in page  # rows are rendered by the script from the data, not pre-rendered


def test_each_task_once_with_every_report_in_order(warehouse, report):
    data = page_data(report)
    s = data["s"]
    shown = sorted((s[t[0]], t[1], t[2], s[t[3]], tuple(s[r[1]] for r in t[9])) for t in data["tasks"])
    expected = sorted((r, y, q, c, tuple(h)) for r, y, q, c, h in rows(warehouse, """
        SELECT f.region, f.year, f.seq, f.content, (SELECT list(h.status_now ORDER BY h.chain_pos)
                                                    FROM task_history h WHERE h.chain_id = f.chain_id)
        FROM tasks_flat f"""))
    assert shown == expected
    # the series' task 3 (due 2025-09-30): planned, then in progress in each report, still not done at the
    # year's end: reported late; each report with its date and file
    three = max([t for t in data["tasks"] if s[t[0]] == REGION and t[1] == YEAR and "学位" in s[t[3]]],
                key=lambda t: len(t[9]))
    lists = data["lists"]
    got = [(s[lists[r[0]][0]], s[r[1]], s[lists[r[0]][4]]) for r in three[9]]
    assert got == task_three(warehouse)
    assert got[0][1] == "not_started" and {g[1] for g in got[1:]} == {"in_progress"} and len(got) >= 4
    assert s[three[6]] == "reported_late" and three[7] > 0


def task_three(db: Path) -> list[tuple]:
    return [(str(a), st, src) for a, st, src in rows(db, """
        SELECT as_of, status_now, source_name FROM task_history WHERE chain_id =
          (SELECT chain_id FROM tasks_flat WHERE region = ? AND year = ? AND content LIKE '%学位%' ORDER BY reports DESC
           LIMIT 1) ORDER BY chain_pos""", [REGION, YEAR])]


def test_scope_and_language(warehouse, tmp_path):
    scoped = page_data(make_report(warehouse, tmp_path / "dx.html", "--region", REGION, "--year", str(YEAR)))
    expected = rows(warehouse, "SELECT count(*) FROM tasks_flat WHERE region = ? AND year = ?", [REGION, YEAR])[0][0]
    assert len(scoped["tasks"]) == expected and {scoped["s"][t[0]] for t in scoped["tasks"]} == {REGION}
    assert scoped["words"]["status"] == "状态" and scoped["status"]["not_started"] == "未启动"
    english = page_data(make_report(warehouse, tmp_path / "en.html", "--lang", "en"))
    assert english["words"]["status"] == "Status" and english["status"]["not_started"] == "not started"
    bad = subprocess.run(ETL + ["report", "--lang", "fr", "-o", str(tmp_path / "x.html"), "--db", str(warehouse)],
                         capture_output=True, text=True, cwd=ROOT)
    assert bad.returncode == 2 and "use zh or en" in bad.stderr


def test_a_large_scope_stays_small(warehouse, report):
    """The page grows with the data, not with rendered rows: strings are stored once."""
    data = page_data(report)
    per_task = report.stat().st_size / len(data["tasks"])
    assert per_task < 1200, per_task  # the samples' long tasks and progress texts included
    assert len(data["s"]) == len(set(data["s"]))


# --- in a browser -----------------------------------------------------------------------

def _browser():
    if not (CHROMIUM and CHROMEDRIVER):
        if REQUIRE_BROWSER:
            pytest.fail("chromium and chromedriver are required here (.ci/run installs them)")
        pytest.skip("chromium/chromedriver not installed (.ci/run installs them)")
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        pytest.fail("selenium is a test dependency: pip install -e '.[test]'")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-quic", "--window-size=1400,1800"):
        options.add_argument(flag)
    return webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)


def _matching(data, *, q="", region=None, status=None) -> list:
    """The tasks the page should show, found here from its data the way a reader would."""
    s, lists = data["s"], data["lists"]
    out = []
    for t in data["tasks"]:
        last = t[9][-1]
        text = "\n".join([s[t[3]], s[t[4]] if t[4] is not None else "",
                          s[last[4]] if len(last) > 4 and last[4] is not None else "",
                          *[s[b] for b in t[8]]]).lower()
        if q and q.lower() not in text:
            continue
        if region and s[t[0]] != region:
            continue
        if status and s[last[1]] != status:
            continue
        out.append(t)
    assert lists is not None
    return out


def _shot(driver, name: str, tmp: Path) -> Path:
    shot = tmp / name
    height = driver.execute_script("return document.documentElement.scrollHeight")
    driver.set_window_size(1400, min(height, 4000))
    driver.save_screenshot(str(shot))
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        shutil.copy(shot, Path(SHOTS) / name)
    return shot


def test_the_report_filters_searches_and_opens_a_task_in_a_real_browser(warehouse, report, tmp_path):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select, WebDriverWait

    data = page_data(report)
    driver = _browser()
    wait = WebDriverWait(driver, 10)
    js = driver.execute_script
    task_rows = "return document.querySelectorAll('#tasks tbody tr.expandable').length"
    shown = lambda: driver.find_element(By.ID, "shown").text
    try:
        driver.get(report.as_uri())
        wait.until(lambda d: js("return document.body.classList.contains('ready')"))
        assert js("return performance.getEntriesByType('resource').length") == 0  # nothing fetched
        total = len(data["tasks"])
        assert f"显示 {total} / {total} 项任务" == shown()
        assert js(task_rows) == min(100, total)  # a page of rows; the rest on request
        text = js("return document.body.innerText")
        for heading in ("总体情况", "历次报告对比", "逾期任务", "责任单位任务情况", "任务清单", "逾期天数"):
            assert heading in text, heading
        for english in ("in progress", "not started", "where the projects stand", "no figure reported"):
            assert english not in text, english
        # not started before the deadline is no alarm: only overdue rows are marked late
        marks = js("""return Array.from(document.querySelectorAll('#tasks tbody tr.expandable'))
                      .map(r => [r.classList.contains('is-late'), !!r.querySelector('.late')])""")
        assert marks and all(a == b for a, b in marks)
        assert any(not late for late, _ in marks)
        if REQUIRE_BROWSER:  # CI installs a CJK font: the Chinese text must not fall back to boxes
            fonts = subprocess.run(["fc-list", ":lang=zh", "family"], capture_output=True, text=True).stdout
            assert any(f in fonts for f in ("WenQuanYi Zen Hei", "Noto Sans CJK SC", "Source Han Sans SC")), fonts
        assert _shot(driver, "report-overview.png", tmp_path).stat().st_size > 20_000

        # search: the rows are the tasks whose text holds the word
        driver.find_element(By.ID, "q").send_keys("养老")
        expected = len(_matching(data, q="养老"))
        assert 0 < expected < total
        wait.until(lambda d: shown().startswith(f"显示 {expected} /"))
        assert js(task_rows) == min(100, expected)
        contents = js("return Array.from(document.querySelectorAll('#tasks tbody tr.expandable td.content'))"
                      ".map(td => td.textContent)")
        assert sum("养老" in c for c in contents) >= 1

        # a region and a status, the search cleared
        driver.find_element(By.ID, "reset").click()
        wait.until(lambda d: shown().startswith(f"显示 {total} /"))
        Select(driver.find_element(By.ID, "f-region")).select_by_visible_text(REGION)
        Select(driver.find_element(By.ID, "f-status")).select_by_visible_text(ZH_STATUS["in_progress"])
        expected = len(_matching(data, region=REGION, status="in_progress"))
        assert expected > 0
        wait.until(lambda d: shown().startswith(f"显示 {expected} /"))
        badges = js("return Array.from(document.querySelectorAll('#tasks tbody tr.expandable .st'))"
                    ".map(b => b.textContent)")
        assert badges and set(badges) == {ZH_STATUS["in_progress"]}

        # one task opened: its reports in order, with their status and source
        Select(driver.find_element(By.ID, "f-status")).select_by_index(0)
        Select(driver.find_element(By.ID, "f-year")).select_by_visible_text(str(YEAR))
        box = driver.find_element(By.ID, "q")
        box.send_keys("有效增加学位供给")
        wait.until(lambda d: js(task_rows) >= 1 and "/ " in shown() and not shown().startswith(f"显示 {total} /")
                   and js("return document.querySelectorAll('#tasks tbody tr.expandable').length") <= 3)
        row = max(driver.find_elements(By.CSS_SELECTOR, "#tasks tbody tr.expandable"),
                  key=lambda r: int(r.find_elements(By.TAG_NAME, "td")[-1].text))  # the one with most reports
        row.click()
        detail = wait.until(lambda d: d.find_element(By.CSS_SELECTOR, "#tasks tr.detail"))
        history = [[td.text for td in tr.find_elements(By.TAG_NAME, "td")]
                   for tr in detail.find_elements(By.CSS_SELECTOR, "table.history tbody tr")]
        expected = task_three(warehouse)
        assert [h[0] for h in history] == [e[0] for e in expected]
        assert [h[2].split()[0] for h in history] == [ZH_STATUS[e[1]] for e in expected]
        assert [h[4].split()[0] for h in history] == [e[2] for e in expected]  # each report names its file
        assert "逾期" in row.text  # reported late after its deadline, with the days
        assert _shot(driver, "report-task-history.png", tmp_path).stat().st_size > 20_000
    finally:
        driver.quit()
