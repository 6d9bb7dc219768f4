"""`make bench`: ingest a synthetic corpus and report speed as ratios to baselines
measured in the same run, so the figures hold on a noisy machine.

Runs, each `etl` in its own process (wall time, and peak memory of its whole
process tree sampled from /proc):

  baselines     pdfplumber's bare extract_text() over the corpus PDFs; bare loading
                of the other files (python-docx, beautifulsoup4+lxml, openpyxl, text)
  cold -j1      fresh warehouse and raw store, one parser process
  cold -jN      the same with one parser process per core
  again         the same files into the -jN warehouse: hash lookups only
  rebuild       nothing changed: every parse comes from the parse cache
  rebuild new   the parser version changed (a profile edited): every file re-parsed
  scale         cold -jN at --scale × N notices (time and memory against N)

The PDF pipeline time (read, repair, extract, validate, measure, load) is the PDF
files' own parse seconds plus the run's remaining time (loading, deriving, start
up) shared out by their tasks' share.

    python benchmarks/bench.py --n 1000 --scale 3
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from make_corpus import make_corpus

ETL = [str(Path(sys.executable).parent / "etl")]


# --- measuring a command ------------------------------------------------------

def _tree_rss(root_pid: int) -> int:
    """Resident memory of a process and all its descendants, in bytes."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
            children.setdefault(int(fields[1]), []).append(int(entry))
            rss[int(entry)] = int(fields[21]) * os.sysconf("SC_PAGE_SIZE")
        except (OSError, IndexError, ValueError):
            continue
    total, stack = 0, [root_pid]
    while stack:
        pid = stack.pop()
        total += rss.get(pid, 0)
        stack += children.get(pid, [])
    return total


@dataclass
class Timed:
    seconds: float
    peak_bytes: int
    output: dict


def run(args: list[str], env: dict | None = None) -> Timed:
    """Run an etl command with --json; wall time, peak tree memory, its JSON."""
    start = time.perf_counter()
    proc = subprocess.Popen(ETL + args + ["--json"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, **(env or {})})
    peak = 0
    done = threading.Event()

    def sample():
        nonlocal peak
        while not done.is_set():
            peak = max(peak, _tree_rss(proc.pid))
            done.wait(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, errs = proc.communicate()
    seconds = time.perf_counter() - start
    done.set()
    sampler.join()
    if proc.returncode not in (0, 1) or not out.strip():
        raise SystemExit(f"etl {' '.join(args)} failed ({proc.returncode}):\n{errs[-3000:]}")
    return Timed(seconds, peak, json.loads(out.strip().splitlines()[-1]))


# --- baselines ----------------------------------------------------------------

def baseline_pdf(files: list[Path]) -> tuple[float, int]:
    import pdfplumber

    start, pages = time.perf_counter(), 0
    for path in files:
        with pdfplumber.open(path) as pdf:
            for page in pdf.pages:
                page.extract_text()
                page.close()  # as the pipeline does: cached layout objects freed page by page
                pages += 1
    return time.perf_counter() - start, pages


def baseline_other(files: list[Path]) -> float:
    import docx
    import openpyxl
    from bs4 import BeautifulSoup

    start = time.perf_counter()
    for path in files:
        suffix = path.suffix
        if suffix == ".docx":
            d = docx.Document(str(path))
            _ = [p.text for p in d.paragraphs] + [c.text for t in d.tables for row in t.rows for c in row.cells]
        elif suffix == ".html":
            BeautifulSoup(path.read_bytes(), "lxml").get_text()
        elif suffix == ".xlsx":
            wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
            _ = [row for ws in wb.worksheets for row in ws.iter_rows(values_only=True)]
            wb.close()
        else:
            path.read_bytes().decode("utf-8")
    return time.perf_counter() - start


# --- report -------------------------------------------------------------------

def mb(n: int) -> str:
    return f"{n / 2**20:.0f} MB"


def check(ok: bool) -> str:
    return "ok" if ok else "MISSED"


def pipeline_seconds(t: Timed, pdf: bool) -> float:
    """Parse seconds of the PDF (or the other) files, plus their tasks' share of the
    rest of the run (loading, deriving, start-up)."""
    outs = [o for o in t.output["outcomes"] if o["status"] == "loaded"]
    parse_all = sum(o["parse_seconds"] for o in outs)
    mine = [o for o in outs if (o["format"] == "pdf") == pdf]
    share = sum(o["tasks"] for o in mine) / max(1, sum(o["tasks"] for o in outs))
    return sum(o["parse_seconds"] for o in mine) + max(0.0, t.seconds - parse_all) * share


def main() -> None:
    ap = argparse.ArgumentParser(description="minsheng-etl benchmark")
    ap.add_argument("--n", type=int, default=1000, help="notices in the synthetic corpus")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--scale", type=int, default=3, help="also run N × SCALE notices (0: skip)")
    ap.add_argument("--work", type=Path, default=ROOT / "build" / "bench")
    args = ap.parse_args()
    cores = len(os.sched_getaffinity(0))

    corpus = args.work / f"corpus-{args.n}-{args.seed}"
    print(f"corpus: {args.n} notices (seed {args.seed}) in {corpus} …", flush=True)
    manifest = make_corpus(args.n, args.seed, corpus)
    files = sorted(corpus / name for name in manifest["files"])
    pdfs = [f for f in files if f.suffix == ".pdf"]
    others = [f for f in files if f.suffix != ".pdf"]
    expected = sum(v["tasks"] for v in manifest["files"].values())

    print("baselines …", flush=True)
    base_pdf, pages = baseline_pdf(pdfs)
    base_other = baseline_other(others)

    def fresh(name: str) -> tuple[Path, Path]:
        d = args.work / "runs" / name
        shutil.rmtree(d, ignore_errors=True)
        d.mkdir(parents=True)
        return d / "m.duckdb", d / "raw"

    def ingest(name, workers, src=corpus, place=None):
        db, raw = place or fresh(name)
        print(f"{name} …", flush=True)
        return run(["ingest", str(src), "--db", str(db), "--raw", str(raw), "-j", str(workers)]), (db, raw)

    one, _ = ingest("cold -j1", 1)
    many, place = ingest(f"cold -j{cores}", cores)
    again, _ = ingest("again", cores, place=place)
    db, raw = place
    print("rebuild (nothing changed) …", flush=True)
    warm = run(["rebuild", "--db", str(db), "--raw", str(raw), "-j", str(cores)])
    print("rebuild (parser version changed) …", flush=True)
    edited = args.work / "runs" / "parsers-edited"
    shutil.rmtree(edited, ignore_errors=True)
    shutil.copytree(ROOT / "parsers", edited)
    with open(edited / "columns.toml", "a", encoding="utf-8") as fh:
        fh.write("\n# edited by the benchmark: a new parser version\n")
    cold_rebuild = run(["rebuild", "--db", str(db), "--raw", str(raw), "-j", str(cores)],
                       env={"MINSHENG_PARSERS": str(edited)})
    scaled = None
    if args.scale > 1:
        n2 = args.n * args.scale
        corpus2 = args.work / f"corpus-{n2}-{args.seed}"
        print(f"corpus: {n2} notices …", flush=True)
        make_corpus(n2, args.seed, corpus2)
        scaled, _ = ingest(f"scale ×{args.scale} -j{cores}", cores, src=corpus2)

    from bench_pdf import memory_rows, pdf_ratio, ratio_rows, small_corpus

    print("PDFs alone: etl ingest -j 1 …", flush=True)
    pdf_rows = ratio_rows(f"{len(pdfs)} PDFs", *pdf_ratio(pdfs, args.work / "runs" / "pdf-only", (base_pdf, pages)))
    print("small corpus (N=120) PDFs: extract_text(), etl ingest -j 1 …", flush=True)
    pdf_rows += ratio_rows("N=120 PDFs", *pdf_ratio(small_corpus(120, args.seed, args.work),
                                                    args.work / "runs" / "pdf-small"))
    print("parser memory …", flush=True)
    pdf_rows += memory_rows(args.work)

    loaded_tasks = many.output["tasks"]
    pdf_one = pipeline_seconds(one, pdf=True)
    rows = [
        ("corpus", f"{len(files)} files ({len(pdfs)} PDF, {pages} PDF pages), {expected} tasks"),
        ("tasks loaded / generated", f"{loaded_tasks}/{expected} ({loaded_tasks / expected:.1%}), "
                                     f"{many.output['failed']} files failed"),
        ("baseline: pdfplumber extract_text()", f"{base_pdf:.1f} s ({pages / base_pdf:.1f} pages/s)"),
        ("baseline: docx/bs4/openpyxl/text load", f"{base_other:.1f} s ({len(others)} files)"),
        ("cold ingest -j1", f"{one.seconds:.1f} s, peak {mb(one.peak_bytes)}"),
        (f"cold ingest -j{cores}", f"{many.seconds:.1f} s, peak {mb(many.peak_bytes)}: "
                                   f"{len(files) / many.seconds:.1f} documents/s, {pages / many.seconds:.1f} "
                                   f"PDF pages/s, {loaded_tasks / many.seconds:.0f} tasks/s"),
        ("PDF pipeline -j1 / extract_text()", f"{pdf_one / base_pdf:.2f}x  (target ≤ 0.35x: "
                                              f"{check(pdf_one / base_pdf <= 0.35)})"),
        ("other formats -j1 / bare load", f"{pipeline_seconds(one, pdf=False) / base_other:.2f}x"),
        (f"speed-up -j{cores} vs -j1", f"{one.seconds / many.seconds:.2f}x  (target ≥ 1.6x: "
                                       f"{check(one.seconds / many.seconds >= 1.6)})"),
        ("second ingest / first", f"{again.seconds:.2f} s = {again.seconds / many.seconds:.1%}  (target < 3%: "
                                  f"{check(again.seconds / many.seconds < 0.03)})"),
        ("rebuild, nothing changed / cold", f"{warm.seconds:.1f} s / {cold_rebuild.seconds:.1f} s = "
                                            f"{warm.seconds / cold_rebuild.seconds:.1%}  (target < 10%: "
                                            f"{check(warm.seconds / cold_rebuild.seconds < 0.10)})"),
        ("rebuild after a profile edit", f"{cold_rebuild.output['parsed']} files re-parsed, "
                                         f"{cold_rebuild.output['from_cache']} from cache"),
        ("rebuild nothing changed", f"{warm.output['parsed']} files re-parsed, {warm.output['from_cache']} from "
                                    f"cache, {warm.output['changed']} tasks changed"),
        ("peak memory at N", f"{mb(max(one.peak_bytes, many.peak_bytes))}  (target < 500 MB: "
                             f"{check(max(one.peak_bytes, many.peak_bytes) < 500 * 2**20)})"),
    ]
    if scaled:
        t_ratio, m_ratio = scaled.seconds / many.seconds, scaled.peak_bytes / many.peak_bytes
        rows += [
            (f"scale: N={args.n * args.scale}", f"{scaled.seconds:.1f} s, peak {mb(scaled.peak_bytes)}, "
                                                f"{scaled.output['tasks']} tasks"),
            ("scale: time ratio", f"{t_ratio:.2f}x for {args.scale}x the notices  (target ≤ {1.1 * args.scale:.1f}x: "
                                  f"{check(t_ratio <= 1.1 * args.scale)})"),
            ("scale: memory growth", f"{m_ratio - 1:+.0%}  (target ≤ +20%: {check(m_ratio <= 1.2)})"),
        ]
    rows += pdf_rows
    print_rows(rows)


def print_rows(rows: list[tuple[str, str]]) -> None:
    """The figures as a two-column table, labels aligned."""
    width = max(len(k) for k, _ in rows)
    print()
    for k, v in rows:
        print(f"{k:<{width}}  {v}")



if __name__ == "__main__":
    main()
