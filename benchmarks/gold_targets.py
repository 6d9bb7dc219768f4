"""Targets read from gold contents, independent of segmentation.

For every gold task, targets_from(gold content) should give the gold targets as
a multiset. Prints the misses per task and the multiset F1 over all tasks.

    .venv/bin/python benchmarks/gold_targets.py ../shared/corpus/real/gold ../shared/corpus/gold
"""
from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

from minsheng_etl.fields.quantities import targets_from


def _key(value: float, unit: str) -> tuple[float, str]:
    return round(float(value), 6), unit


def compare(folders: list[str], verbose: bool = True) -> tuple[int, int, int]:
    """(true positives, extracted, expected) over every gold task in the folders."""
    tp = got_n = want_n = 0
    for folder in folders:
        for path in sorted(Path(folder).glob("*.json")):
            for task in json.loads(path.read_text(encoding="utf-8"))["tasks"]:
                want = Counter(_key(t["value"], t["unit"]) for t in task["targets"])
                got = Counter(_key(v, u) for v, u in targets_from(task["content"]))
                hit = sum((want & got).values())
                tp, got_n, want_n = tp + hit, got_n + sum(got.values()), want_n + sum(want.values())
                if verbose and want != got:
                    print(f"{path.stem} ({task['list']}, {task['seq']}): {task['content'][:70]!r}")
                    print(f"    missing {sorted((want - got).elements())}  extra {sorted((got - want).elements())}")
    return tp, got_n, want_n


def main(argv: list[str]) -> None:
    tp, got_n, want_n = compare(argv or ["../shared/corpus/real/gold", "../shared/corpus/gold"])
    precision = tp / got_n if got_n else 1.0
    recall = tp / want_n if want_n else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    print(f"targets: precision {precision:.3f} recall {recall:.3f} F1 {f1:.3f} ({tp}/{got_n} got, {want_n} gold)")


if __name__ == "__main__":
    main(sys.argv[1:])
