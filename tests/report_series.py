"""One list of tasks reported on through its year, built from the bundled half-year
sample (22 tasks of 大兴 2025): the plan, 一季度, 上半年 and 年底 reports, and a
corrected re-issue of the half-year one, each with its own status and progress.
Used by the tests of the views over time and of the report."""
from __future__ import annotations

import html
import json
import subprocess
from pathlib import Path

from minsheng_etl import parse

ROOT = Path(__file__).resolve().parents[1]
ETL = [str(ROOT / ".venv" / "bin" / "etl")] if (ROOT / ".venv" / "bin" / "etl").exists() else ["etl"]
SAMPLE = ROOT / "data" / "raw" / "samples" / "daxing-2025-h1-summary.txt"
REGION, YEAR = "北京市大兴区", 2025
HEADER = ["序号", "任务内容", "主责单位", "完成时限", "任务进度", "进展情况"]


def _page(title: str, header: list[str], rows: list[list], date: str) -> str:
    cells = lambda row, tag: "".join(f"<{tag}>{html.escape(str(c or ''))}</{tag}>" for c in row)
    body = "".join(f"<tr>{cells(r, 'td')}</tr>" for r in rows)
    return (f"<html><head><meta charset='utf-8'><title>{title}</title></head><body><h1>{title}</h1>"
            f"<table><tr>{cells(header, 'th')}</tr>{body}</table>"
            f"<p>北京市大兴区人民政府办公室</p><p>{date}</p></body></html>")


def write_reports(folder: Path) -> dict[str, Path]:
    """The year's four reports of one list, and a corrected re-issue of the half-year one."""
    tasks = parse(SAMPLE).tasks
    assert len(tasks) == 22
    base = lambda t: [t.seq, t.content, "、".join(t.units), t.deadline_text]

    def q1(t):
        return ["正在推进", "已完成100张养老家庭照护床位建设。" if t.seq == 1 else "按计划推进前期工作。"]

    def year_end(t):
        if t.seq == 3:  # due 2025-09-30, still not done at the year's end: reported late
            return ["正在推进", "枣园小学扩建正在组织竣工验收。"]
        return ["已完成", "全面完成年度任务。"]

    def revised(t):
        row = base(t) + [t.status, t.progress]
        if t.seq == 3:
            row[3] = "2025年10月31日"
        if t.seq == 1:
            row[5] = row[5].replace("已完成500张", "已完成520张")
        return row

    pages = {
        "plan": _page("北京市大兴区2025年民生实事任务清单", HEADER[:4], [base(t) for t in tasks], "2025年1月20日"),
        "q1": _page("北京市大兴区2025年民生实事任务一季度进展情况", HEADER, [base(t) + q1(t) for t in tasks],
                    "2025年4月10日"),
        "h1": _page("北京市大兴区2025年民生实事任务进展情况（截至6月底）", HEADER,
                    [base(t) + [t.status, t.progress] for t in tasks], "2025年7月10日"),
        "year_end": _page("北京市大兴区2025年民生实事任务完成情况", HEADER, [base(t) + year_end(t) for t in tasks],
                          "2026年1月15日"),
        "h1_revised": _page("北京市大兴区2025年民生实事任务进展情况（截至6月底）", HEADER,
                            [revised(t) for t in tasks], "2025年7月20日"),
    }
    folder.mkdir(parents=True, exist_ok=True)
    out = {}
    for name, text in pages.items():
        out[name] = folder / f"{name}.html"
        out[name].write_text(text, encoding="utf-8")
    return out


def ingest(db: Path, *files: Path) -> dict:
    """`etl ingest --json` of files into db (its raw store beside it); the run summary."""
    run = subprocess.run(ETL + ["ingest", *map(str, files), "--db", str(db), "--raw", str(db.parent / "raw"),
                                "--json"], capture_output=True, text=True, cwd=ROOT)
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout)


def page_data(page: Path) -> dict:
    """The data a report page holds (the JSON its script renders)."""
    import re

    text = page.read_text(encoding="utf-8")
    found = re.search(r'<script type="application/json" id="report-data">(.*?)</script>', text, flags=re.DOTALL)
    assert found, f"{page}: no report data"
    return json.loads(found.group(1))
