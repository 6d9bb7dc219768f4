"""The report of a large warehouse: its size, and how fast it opens and filters in the
headless browser the tests use (Debian's chromium + chromedriver). A benchmark, not a
test: it prints what it measured.

    python benchmarks/make_corpus.py --n 1000 --out build/bench/corpus-1000
    etl ingest build/bench/corpus-1000 --db build/bench/r.duckdb --raw build/bench/raw -q
    python benchmarks/report_size.py build/bench/r.duckdb

Reports, for the page as it is opened (file://): DOMContentLoaded (the data parsed and
the first screen rendered: the script runs before that event), load, and the time from
typing a word into the search box to the filtered rows on screen.
"""
from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("db", type=Path)
    ap.add_argument("--search", default="养老", help="a word to type into the search box")
    args = ap.parse_args()
    etl = Path(sys.executable).parent / "etl"
    out = Path(tempfile.mkdtemp()) / "report.html"
    started = time.perf_counter()
    made = subprocess.run([str(etl), "report", "--db", str(args.db), "-o", str(out)], capture_output=True, text=True)
    if made.returncode:
        sys.exit(made.stderr)
    print(f"{made.stdout.strip()} in {time.perf_counter() - started:.1f} s")
    print(f"size: {out.stat().st_size / 1e6:.2f} MB")

    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium") or shutil.which("chromium-browser")
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1400,1800"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(shutil.which("chromedriver")), options=options)
    try:
        for attempt in range(3):  # the first open warms the browser's caches
            driver.get(out.as_uri())
            WebDriverWait(driver, 60).until(lambda d: d.execute_script(
                "return document.body.classList.contains('ready')"))
            dcl, load = driver.execute_script("""const n = performance.getEntriesByType('navigation')[0];
                                                 return [n.domContentLoadedEventEnd, n.loadEventEnd]""")
            print(f"open {attempt + 1}: DOMContentLoaded {dcl / 1000:.2f} s, load {load / 1000:.2f} s")
        before = driver.find_element(By.ID, "shown").text
        started = time.perf_counter()
        driver.find_element(By.ID, "q").send_keys(args.search)
        WebDriverWait(driver, 60).until(lambda d: d.find_element(By.ID, "shown").text != before)
        # the script waits 120 ms after the last key before it filters
        print(f"search {args.search!r}: {driver.find_element(By.ID, 'shown').text} "
              f"in {time.perf_counter() - started:.2f} s (120 ms of it the typing pause)")
    finally:
        driver.quit()


if __name__ == "__main__":
    main()
