"""PDF speed and memory against pdfplumber, measured in the same run:

  ratio     `etl ingest -j 1` over a folder of PDFs (the whole command: start-up,
            reading, extraction, loading) / bare pdfplumber extract_text() over
            the same files
  memory    peak resident memory of one parser process (import, read, extract,
            measure) on the 33-page rendering of the shared corpus, and on long
            generated PDFs of 200 and 2,000 pages (flat in pages?)

`make bench` runs it on the benchmark corpus's PDFs; `make bench-pdf` alone, on
a small corpus (N = 120 notices: 48 PDFs, 249 pages), in about a minute:

    python benchmarks/bench_pdf.py --n 120
"""
from __future__ import annotations

import argparse
import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from bench import Timed, baseline_pdf, check, mb, print_rows, run
from make_corpus import make_corpus

TARGET = 0.35
NOTICE_33 = Path(os.environ.get("SHARED", ROOT.parent / "shared")) / "corpus" / "renderings" / "daxing-2023-task-division.pdf"
# VmHWM, not getrusage's ru_maxrss: Linux keeps ru_maxrss across execve, so a child of a
# large benchmark process would report its parent's peak (254 MB in a full `make bench`)
PEAK = """
import re, sys
from minsheng_etl.pipeline import parse_record
record = parse_record(open(sys.argv[1], "rb").read(), sys.argv[1])
peak = int(re.search(r"VmHWM:\\s+(\\d+) kB", open("/proc/self/status").read()).group(1)) * 1024
print(record.pages, record.tasks, record.error.reason if record.error else "", peak)
"""


def pdf_ratio(pdfs: list[Path], work: Path, baseline: tuple[float, int] | None = None) -> tuple[float, int, Timed]:
    """Bare extract_text() seconds (measured now unless given), pages, and `etl
    ingest -j 1` over a folder of the same files (linked into it), fresh warehouse."""
    folder = work / "pdfs"
    shutil.rmtree(work, ignore_errors=True)
    folder.mkdir(parents=True)
    for path in pdfs:
        shutil.copyfile(path, folder / path.name)
    base, pages = baseline or baseline_pdf(pdfs)
    ingest = run(["ingest", str(folder), "--db", str(work / "m.duckdb"), "--raw", str(work / "raw"), "-j", "1"])
    return base, pages, ingest


def parser_peak(path: Path) -> tuple[int, int, str, int]:
    """Pages, tasks, failure and peak memory (bytes) of one process parsing one file."""
    out = subprocess.run([sys.executable, "-c", PEAK, str(path)], capture_output=True, text=True, check=True)
    pages, tasks, *reason, peak = out.stdout.split()
    return int(pages or 0), int(tasks), " ".join(reason), int(peak)


def long_pdf(pages: int, path: Path) -> Path:
    """A PDF of `pages` pages: five numbered tasks on the first, then a page of
    prose under a ruling line and a page number on every page, so what grows with
    the pages is the reading, not the records."""
    if path.exists():
        return path
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    if "STSong-Light" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    for p in range(pages):
        c.setFont("STSong-Light", 11)
        lines = ([f"{k}.新建社区养老服务驿站{k}个，新增床位{k * 10}张。主责单位：区民政局" for k in range(1, 6)] if p == 0
                 else ["各单位要细化工作措施，明确时间节点，压实工作责任，确保各项任务按期保质完成。"] * 30)
        for k, line in enumerate(lines):
            c.drawString(72, 770 - 22 * k, line)
        c.line(72, 60, 520, 60)
        c.drawCentredString(297, 30, f"- {p + 1} -")
        c.showPage()
    c.save()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(buf.getvalue())
    return path


def memory_rows(work: Path) -> list[tuple[str, str]]:
    rows = []
    if NOTICE_33.exists():
        pages, tasks, _, peak = parser_peak(NOTICE_33)
        rows.append((f"parser process peak, {pages}-page notice", f"{mb(peak)}, {tasks} tasks  (target < 300 MB: "
                                                                 f"{check(peak < 300 * 2**20)})"))
    short, long = (parser_peak(long_pdf(n, work / f"prose-{n}.pdf")) for n in (200, 2000))
    rows.append(("parser process peak, 200 / 2,000 pages", f"{mb(short[3])} / {mb(long[3])} = "
                                                            f"{long[3] / short[3] - 1:+.0%} for 10x the pages"))
    return rows


def ratio_rows(label: str, base: float, pages: int, ingest: Timed) -> list[tuple[str, str]]:
    ratio = ingest.seconds / base
    return [(f"{label}: extract_text()", f"{base:.1f} s ({pages} pages, {pages / base:.1f} pages/s)"),
            (f"{label}: etl ingest -j1", f"{ingest.seconds:.1f} s, peak {mb(ingest.peak_bytes)}, "
                                         f"{ingest.output['tasks']} tasks, {ingest.output['failed']} failed"),
            (f"{label}: ingest -j1 / extract_text()", f"{ratio:.2f}x  (target ≤ {TARGET}x: {check(ratio <= TARGET)})")]


def small_corpus(n: int, seed: int, work: Path) -> list[Path]:
    corpus = work / f"corpus-{n}-{seed}"
    manifest = make_corpus(n, seed, corpus)
    return sorted(corpus / name for name in manifest["files"] if name.endswith(".pdf"))


def main() -> None:
    ap = argparse.ArgumentParser(description="PDF speed and memory against pdfplumber")
    ap.add_argument("--n", type=int, default=120, help="notices in the small corpus (45% are PDFs)")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--work", type=Path, default=ROOT / "build" / "bench")
    ap.add_argument("--json", action="store_true", help="print the rows as JSON")
    args = ap.parse_args()
    print(f"corpus: {args.n} notices (seed {args.seed}) …", flush=True)
    pdfs = small_corpus(args.n, args.seed, args.work)
    print(f"{len(pdfs)} PDFs: extract_text(), then etl ingest -j 1 …", flush=True)
    rows = ratio_rows(f"N={args.n} PDFs", *pdf_ratio(pdfs, args.work / "runs" / "pdf-small"))
    print("parser memory …", flush=True)
    rows += memory_rows(args.work)
    if args.json:
        print(json.dumps(dict(rows), ensure_ascii=False))
        return
    print_rows(rows)


if __name__ == "__main__":
    main()
