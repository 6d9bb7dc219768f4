"""A synthetic corpus of notices for the benchmark, deterministic for a seed.

The task texts of the bundled sample notices (data/raw/samples/*.txt, read by the
pipeline itself) are recombined into new notices: renumbered, for other regions
(county-level areas of the national gazetteer), years and reporting periods, 5 to
150 tasks each, in every format and layout the readers handle:

    pdf-table, pdf-prose (≥ 40% of files together; 2 to 30 pages),
    docx-table, docx-prose, html-utf8, html-gbk, xlsx, text-prose

Each file's expected task count is written to manifest.json beside the files, so
the benchmark can check that what it timed was also read correctly.

    python benchmarks/make_corpus.py --n 1000 --seed 7 --out build/bench/corpus-1000
"""
from __future__ import annotations

import argparse
import html
import io
import json
import random
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "data" / "raw" / "samples"

# share of files per layout (PDF: 45%)
LAYOUTS = {"pdf-table": 0.25, "pdf-prose": 0.20, "docx-table": 0.08, "docx-prose": 0.06,
           "html-utf8": 0.10, "html-gbk": 0.06, "xlsx": 0.12, "text-prose": 0.13}
PERIODS = ["一季度", "上半年", "三季度", "1-11月", "截至6月底", "截至9月底"]
UNIT_HEADERS = ["主责单位", "牵头单位", "责任单位", "考评对象", "主要责任单位"]
TASK_HEADERS = ["任务内容", "任务标题", "项目名称", "重点任务"]
DEADLINE_HEADERS = ["完成时限", "完成时间", "时限要求"]
PROGRESS_HEADERS = ["进展情况", "工作进展", "推进情况"]
NUMBER_STYLES = ["{n}.", "{n}、", "（{n}）"]
PREAMBLE = ("为深入贯彻落实区委区政府决策部署，扎实推进重要民生实事项目，切实增进民生福祉，"
            "各责任单位围绕年度目标任务，细化工作措施，明确时间节点，压实工作责任，确保各项任务按期保质完成。"
            "现将有关情况报告如下，请各单位结合实际认真抓好落实，及时报送工作进展，遇有重大问题及时请示报告。")


@dataclass(frozen=True)
class PoolTask:
    content: str
    units: tuple[str, ...]
    deadline: str | None
    progress: str | None


@dataclass
class Spec:
    name: str
    layout: str
    region: str
    year: int
    period: str
    published: str
    tasks: list[PoolTask]
    headers: dict[str, str]
    numbering: str

    @property
    def title(self) -> str:
        return f"{self.region}{self.year}年重要民生实事项目{self.period}进展情况"


def task_pool() -> list[PoolTask]:
    sys.path.insert(0, str(ROOT / "src"))
    from minsheng_etl import parse

    pool = []
    for path in sorted(SAMPLES.glob("*.txt")):
        for t in parse(path).tasks:
            if len(t.content) >= 8:
                pool.append(PoolTask(t.content, tuple(t.units), t.deadline_text, t.progress))
    return pool


def counties() -> list[str]:
    """Full names of county-level areas (e.g. 天津市河西区), from the gazetteer."""
    names: dict[str, str] = {}
    for line in (ROOT / "parsers" / "regions.tsv").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            code, name = line.split("\t")[:2]
            names[code] = name
    out = []
    for code, name in names.items():
        if not code.endswith("00") and name.endswith(("区", "县")):
            prov, city = names.get(code[:2] + "0000", ""), names.get(code[:4] + "00", "")
            out.append(prov + (city if city != prov else "") + name)
    return sorted(out)


def task_count(rng: random.Random) -> int:
    roll = rng.random()
    if roll < 0.70:
        return rng.randint(5, 40)
    if roll < 0.95:
        return rng.randint(41, 100)
    return rng.randint(101, 150)


def make_specs(n: int, seed: int) -> list[Spec]:
    rng = random.Random(seed)
    pool, areas = task_pool(), counties()
    layouts, weights = zip(*LAYOUTS.items())
    specs = []
    for i in range(n):
        layout = rng.choices(layouts, weights)[0]
        year = rng.randint(2019, 2026)
        tasks = []
        for _ in range(task_count(rng)):
            t = rng.choice(pool)
            units = t.units or ("区" + rng.choice(["教委", "民政局", "卫生健康委", "住房城乡建设委", "城市管理委"]),)
            deadline = t.deadline or f"{year}年{rng.choice([6, 9, 12])}月底"
            progress = t.progress or "按计划推进，已完成阶段性工作。"
            tasks.append(PoolTask(t.content, units, deadline, progress))
        specs.append(Spec(
            name=f"notice-{i:05d}", layout=layout, region=rng.choice(areas), year=year, period=rng.choice(PERIODS),
            published=f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}", tasks=tasks,
            headers={"task": rng.choice(TASK_HEADERS), "units": rng.choice(UNIT_HEADERS),
                     "deadline": rng.choice(DEADLINE_HEADERS), "progress": rng.choice(PROGRESS_HEADERS)},
            numbering=rng.choice(NUMBER_STYLES)))
    return specs


# --- renderers ----------------------------------------------------------------

def header_row(spec: Spec) -> list[str]:
    h = spec.headers
    return ["序号", h["task"], h["units"], h["deadline"], h["progress"]]


def table_rows(spec: Spec) -> list[list[str]]:
    return [[str(i), t.content, "、".join(t.units), t.deadline or "", t.progress or ""]
            for i, t in enumerate(spec.tasks, start=1)]


def prose_lines(spec: Spec) -> list[str]:
    h = spec.headers
    lines = [spec.title, f"发布日期：{spec.published}", PREAMBLE, "一、重要民生实事项目进展情况"]
    for i, t in enumerate(spec.tasks, start=1):
        lines.append(spec.numbering.format(n=i) + t.content)
        lines.append(f"{h['units']}：{'、'.join(t.units)}")
        lines.append(f"{h['deadline']}：{t.deadline}")
        lines.append(f"{h['progress']}：{t.progress}")
    return lines


def render_text(spec: Spec) -> bytes:
    return "\n\n".join(prose_lines(spec)).encode("utf-8")


def render_html(spec: Spec, charset: str) -> bytes:
    esc = html.escape
    head = "".join(f"<th>{esc(c)}</th>" for c in header_row(spec))
    body = "".join("<tr>" + "".join(f"<td>{esc(c)}</td>" for c in row) + "</tr>" for row in table_rows(spec))
    page = (f'<!DOCTYPE html><html><head><meta charset="{charset}"><title>{esc(spec.title)}</title></head><body>'
            f'<div class="nav">首页 &gt; 政务公开</div><h1>{esc(spec.title)}</h1>'
            f'<p class="meta">发布日期：{spec.published}</p><p>{esc(PREAMBLE)}</p>'
            f'<table border="1"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></body></html>')
    return page.encode(charset, errors="xmlcharrefreplace")


def render_xlsx(spec: Spec) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "汇总表"
    ws.append([spec.title])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=5)
    ws.append(header_row(spec))
    for row in table_rows(spec):
        ws.append([int(row[0])] + row[1:])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def render_docx(spec: Spec, table: bool) -> bytes:
    from docx import Document

    doc = Document()
    doc.add_heading(spec.title, level=1)
    doc.add_paragraph(f"发布日期：{spec.published}")
    if table:
        doc.add_paragraph(PREAMBLE)
        rows = [header_row(spec)] + table_rows(spec)
        grid = doc.add_table(rows=len(rows), cols=len(rows[0]))
        grid.style = "Table Grid"
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                grid.cell(r, c).text = value
    else:
        for line in prose_lines(spec)[2:]:
            doc.add_paragraph(line)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


_FONT = "STSong-Light"


def render_pdf(spec: Spec, table: bool) -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import (
        Paragraph,
        SimpleDocTemplate,
        Spacer,
        Table,
        TableStyle,
    )

    if _FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(_FONT))
    body = ParagraphStyle("body", fontName=_FONT, fontSize=11, leading=17, wordWrap="CJK", firstLineIndent=22)
    cell = ParagraphStyle("cell", fontName=_FONT, fontSize=9, leading=12, wordWrap="CJK")
    title = ParagraphStyle("title", fontName=_FONT, fontSize=16, leading=24, alignment=1)

    def footer(canvas, doc):
        canvas.setFont(_FONT, 9)
        canvas.drawCentredString(A4[0] / 2, 28, f"- {doc.page} -")

    story = [Paragraph(html.escape(spec.title), title), Paragraph(f"发布日期：{spec.published}", body),
             Paragraph(html.escape(PREAMBLE), body), Spacer(1, 8)]
    if table:
        rows = [[Paragraph(html.escape(c), cell) for c in header_row(spec)]]
        rows += [[Paragraph(html.escape(c), cell) for c in row] for row in table_rows(spec)]
        grid = Table(rows, colWidths=[28, 170, 70, 60, 180], repeatRows=1)
        grid.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.black), ("VALIGN", (0, 0), (-1, -1), "TOP")]))
        story.append(grid)
    else:
        story += [Paragraph(html.escape(line), body) for line in prose_lines(spec)[2:]]
    buf = io.BytesIO()
    SimpleDocTemplate(buf, pagesize=A4, title=spec.title).build(story, onFirstPage=footer, onLaterPages=footer)
    return buf.getvalue()


def render(spec: Spec) -> tuple[str, bytes]:
    kind = spec.layout
    if kind.startswith("pdf"):
        return ".pdf", render_pdf(spec, table=kind == "pdf-table")
    if kind.startswith("docx"):
        return ".docx", render_docx(spec, table=kind == "docx-table")
    if kind.startswith("html"):
        return ".html", render_html(spec, "gbk" if kind == "html-gbk" else "utf-8")
    if kind == "xlsx":
        return ".xlsx", render_xlsx(spec)
    return ".txt", render_text(spec)


def make_corpus(n: int, seed: int, out: Path) -> dict:
    """Write the corpus (unless it is there already for this n and seed); its manifest."""
    manifest_path = out / "manifest.json"
    if manifest_path.exists():
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        if manifest.get("n") == n and manifest.get("seed") == seed:
            return manifest
    out.mkdir(parents=True, exist_ok=True)
    files = {}
    for spec in make_specs(n, seed):
        suffix, data = render(spec)
        (out / f"{spec.name}{suffix}").write_bytes(data)
        files[spec.name + suffix] = {"layout": spec.layout, "tasks": len(spec.tasks), "region": spec.region,
                                     "year": spec.year}
    manifest = {"n": n, "seed": seed, "files": files}
    manifest_path.write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    return manifest


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--out", type=Path, default=None)
    args = ap.parse_args()
    out = args.out or ROOT / "build" / "bench" / f"corpus-{args.n}-{args.seed}"
    manifest = make_corpus(args.n, args.seed, out)
    print(f"{len(manifest['files'])} files in {out}")


if __name__ == "__main__":
    main()
