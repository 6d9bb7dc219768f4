"""Each hostile case (tests/hostile.py) ingested alone by the CLI: what the pipeline
said, wall time and peak memory (the whole process tree). Prints a Markdown table.

    python benchmarks/hostile_report.py
"""
from __future__ import annotations

import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent / "tests")]

import hostile
from bench import mb, run


def main() -> None:
    print("| case | what it is | outcome | time | peak memory |")
    print("| --- | --- | --- | --- | --- |")
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        for case in hostile.CASES:
            path = hostile.build(case, base / "in")
            t = run(["ingest", str(path), "--db", str(base / "m.duckdb"), "--raw", str(base / "raw"), "-j", "1"])
            o = t.output["outcomes"][0]
            said = f"loaded, {o['tasks']} tasks" if o["status"] == "loaded" else f"`{o['stage']}`: {o['reason']}"
            print(f"| `{case.name}` | {case.about} | {said} | {t.seconds:.1f} s | {mb(t.peak_bytes)} |")
            path.unlink()


if __name__ == "__main__":
    main()
