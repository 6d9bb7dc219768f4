"""OCR accuracy and speed: corpus PDFs printed to scans (every page an image at
200 dpi, no text layer; image-only PDFs, or multi-page TIFFs with --as tiff),
each read by `etl inspect --json` and scored with ../shared/tools/score.py
against the gold of its text version, which is scored beside it. Prints the
scorer's table for both, the totals, and the seconds per scanned page (wall
time and CPU time: OCR uses every core).

    .venv/bin/python benchmarks/ocr_accuracy.py [--shared ../shared] [--dpi 200] [--as tiff] [--keep DIR]

Default notices: three (19 pages): two renderings (a progress table, a plan in
prose and tables) and a real plan.
"""
from __future__ import annotations

import argparse
import importlib.util
import json
import os
import resource
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOCS = ["renderings/daxing-2025-h1-summary.pdf", "renderings/dongcheng-2023-results-2024-plan.pdf",
        "real/docs/shanghai-2014-plan.pdf"]


def scan(source: Path, target: Path, dpi: float, kind: str) -> int:
    """Print a PDF's pages to grey images at `dpi` and save them as one image-only
    PDF or multi-page TIFF; the number of pages."""
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(source)
    try:
        pages = [doc[i].render(scale=dpi / 72, grayscale=True).to_pil() for i in range(len(doc))]
    finally:
        doc.close()
    if kind == "pdf":
        pages[0].save(target, "PDF", resolution=dpi, save_all=True, append_images=pages[1:])
    else:
        pages[0].save(target, "TIFF", dpi=(dpi, dpi), compression="tiff_deflate", save_all=True,
                      append_images=pages[1:])
    return len(pages)


def load_scorer(shared: Path):
    spec = importlib.util.spec_from_file_location("score", shared / "tools" / "score.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    ap.add_argument("--dpi", type=float, default=200)
    ap.add_argument("--as", dest="kind", choices=("pdf", "tiff"), default="pdf")
    ap.add_argument("--docs", nargs="*", default=DOCS, help="PDFs under SHARED/corpus")
    ap.add_argument("--etl", default=str(ROOT / ".venv" / "bin" / "etl"))
    ap.add_argument("--timeout", type=float, default=3600)
    ap.add_argument("--keep", type=Path, help="write the scans here (else a temporary folder)")
    ap.add_argument("--verbose", "-v", action="store_true", help="print the mismatches")
    args = ap.parse_args(argv)
    scorer = load_scorer(args.shared)
    folder = args.keep or Path(tempfile.mkdtemp(prefix="ocr-accuracy-"))
    folder.mkdir(parents=True, exist_ok=True)
    totals = {"text": scorer.Tally(), "scan": scorer.Tally()}
    pages = seconds = cpu_seconds = 0.0
    failed = 0
    print(scorer.HEADER + "  seconds (wall, CPU)")
    try:
        for name in args.docs:
            source = args.shared / "corpus" / name
            gold = json.loads((source.parent.parent / "gold" / f"{source.stem}.json").read_text(encoding="utf-8"))
            scanned = folder / f"{source.stem}.scan.{args.kind}"
            count = scan(source, scanned, args.dpi, args.kind)
            for label, path in (("text", source), ("scan", scanned)):
                before = resource.getrusage(resource.RUSAGE_CHILDREN)
                pred, err, elapsed = scorer.run_cmd(f"{args.etl} inspect --json {{file}}", path, args.timeout)
                after = resource.getrusage(resource.RUSAGE_CHILDREN)
                cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
                if pred is None:
                    failed += 1
                    print(f"{label} {path.name}: FAILED {err}")
                    pred = {"document": {}, "tasks": []}
                tally, notes = scorer.score(gold, pred)
                totals[label].add(tally)
                print(scorer.row(f"{label} {path.name}"[:46], tally) + f"  {elapsed:7.1f} {cpu:7.1f}")
                for note in notes if args.verbose else []:
                    print("    " + note)
                if label == "scan":
                    pages += count
                    seconds += elapsed
                    cpu_seconds += cpu
        for label, tally in totals.items():
            print(scorer.row(f"TOTAL {label}", tally))
        summary = {label: {"recall": round(t.recall, 4), "precision": round(t.precision, 4),
                           "fields": round(t.field_accuracy, 4), "targets_f1": round(t.targets_f1, 4)}
                   for label, t in totals.items()}
        summary |= {"scanned_pages": int(pages), "seconds_per_page": round(seconds / max(pages, 1), 2),
                    "cpu_seconds_per_page": round(cpu_seconds / max(pages, 1), 2), "cores": os.cpu_count(),
                    "dpi": args.dpi, "as": args.kind, "failed": failed}
        print(json.dumps(summary))
    finally:
        if args.keep is None:
            shutil.rmtree(folder, ignore_errors=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
