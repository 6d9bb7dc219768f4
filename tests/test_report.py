"""`etl report`: the HTML page, checked as a file and in a real headless browser
(Debian's chromium + chromedriver, which .ci/run installs)."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT

ETL = [str(Path(sys.executable).parent / "etl")]
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")
REQUIRE_BROWSER = os.environ.get("MINSHENG_REQUIRE_BROWSER") == "1"  # set by .ci/run: no silent skip in CI


@pytest.fixture(scope="module")
def report(sample_warehouse, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("report") / "report.html"
    proc = subprocess.run(ETL + ["report", "--output", str(out), "--db", str(sample_warehouse)],
                          capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    assert re.search(r"wrote .*report\.html: \d+ tasks in \d+ regions and years", proc.stdout)
    return out


def test_the_report_is_one_self_contained_file(report):
    page = report.read_text(encoding="utf-8")
    assert "<script" not in page and "<link" not in page and "@import" not in page and "url(" not in page
    assert not re.search(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", page)  # nothing fetched
    assert page.count("<svg") >= 3 and '<meta charset="utf-8">' in page


def test_the_report_has_each_region_and_year_with_its_parts(report):
    page = report.read_text(encoding="utf-8")
    for heading in ("北京市大兴区 · 2025", "北京市大兴区 · 2024", "北京市大兴区 · 2023", "北京市东城区 · 2023",
                    "北京市 · 2025"):
        assert heading in page, heading
    assert page.count("<h3>Tasks by status</h3>") == page.count("<section")
    assert page.count("<h3>Tasks per responsible body</h3>") == page.count("<section")
    # target vs achieved from the 2025 half-year summary: housing 2809 of 4000 套
    assert "2809 / 4000套 (70%)" in page
    # every task in a target list names its source file (and page for a PDF)
    assert re.search(r"source daxing-2025-h1-summary\.(docx|xlsx|pdf|txt)", page)


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
                 "--disable-quic", "--window-size=1280,2000"):
        options.add_argument(flag)
    return webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)


def test_the_report_renders_in_a_real_browser(report):
    driver = _browser()
    try:
        driver.get(report.as_uri())
        text = driver.execute_script("return document.body.innerText")
        assert "where the projects stand" in text and "北京市大兴区 · 2025" in text and "Overdue" in text
        charts = driver.execute_script("""
            return Array.from(document.querySelectorAll('svg.chart')).map(s => {
                const box = s.getBoundingClientRect();
                const bars = Array.from(s.querySelectorAll('rect')).filter(r => r.getBoundingClientRect().width > 0);
                return [box.width, box.height, bars.length];
            });""")
        assert charts and all(w > 0 and h > 0 and bars > 0 for w, h, bars in charts), charts
        drawn = driver.execute_script("""return Array.from(document.querySelectorAll('svg.bar rect'))
                                         .filter(r => r.getBoundingClientRect().width > 1).length""")
        assert drawn > 10
        assert driver.execute_script("return performance.getEntriesByType('resource').length") == 0
        if REQUIRE_BROWSER:  # CI installs a CJK font: the Chinese text must not fall back to boxes
            fonts = subprocess.run(["fc-list", ":lang=zh", "family"], capture_output=True, text=True).stdout
            assert any(f in fonts for f in ("WenQuanYi Zen Hei", "Noto Sans CJK SC", "Source Han Sans SC")), fonts
        shot = report.with_suffix(".png")
        driver.save_screenshot(str(shot))
        assert shot.stat().st_size > 20_000
        keep = os.environ.get("MINSHENG_SCREENSHOT")  # where to keep the picture, to look at it
        if keep:
            shutil.copy(shot, keep)
    finally:
        driver.quit()
