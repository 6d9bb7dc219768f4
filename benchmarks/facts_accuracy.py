"""Document-fact accuracy over a gold corpus, independent of task extraction.

Each input is read and repaired as the pipeline does, then `read_facts` runs on
its Layout directly, so a file whose task list is not found still shows its
title, issuer, 文号, region, published date and period.

    python benchmarks/facts_accuracy.py --corpus ../shared/corpus/real [-v]
"""
from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

from minsheng_etl.extract import extract_drafts
from minsheng_etl.extract.assemble import list_kind, list_year
from minsheng_etl.extract.document import read_facts
from minsheng_etl.readers import read, sniff
from minsheng_etl.repair import repair

FIELDS = ["title", "issuer", "doc_number", "region", "published", "period"]


def _squash(value) -> str | None:
    return None if value is None else "".join(str(value).split())


def _inputs(corpus: Path, stem: str) -> list[Path]:
    return sorted(p for sub in ("docs", "seeds", "renderings") for p in (corpus / sub).glob(f"{stem}.*")
                  if p.is_file())


def _facts(path: Path):
    data = path.read_bytes()
    layout = repair(read(data, sniff(data)))
    drafts, headers = extract_drafts(layout)
    facts = read_facts(layout, headers)
    lists: dict[int, list] = {}
    for d in drafts:
        lists.setdefault(d.list_no, []).append(d)
    kinds = [(list_kind(m[0].section, facts, m), list_year(m[0].section, facts, m)) for _, m in sorted(lists.items())]
    # lists the task extraction missed: judged from the document facts alone
    return facts, kinds + [(list_kind(None, facts, []), list_year(None, facts, []))] * 4


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", type=Path, required=True)
    ap.add_argument("-v", action="store_true", help="print every mismatch")
    args = ap.parse_args()
    right, total = Counter(), Counter()
    for gold_path in sorted((args.corpus / "gold").glob("*.json")):
        gold = json.loads(gold_path.read_text(encoding="utf-8"))
        gold_kinds = sorted({(t["list"], t["list_kind"], t["year"]) for t in gold.get("tasks", [])})
        for path in _inputs(args.corpus, gold_path.stem):
            try:
                facts, kinds = _facts(path)
            except Exception as exc:  # a reader failure: every field counts as wrong
                print(f"{path.name}: {type(exc).__name__}: {exc}")
                facts, kinds = None, []
            for name in FIELDS:
                want = _squash(gold["document"].get(name))
                got = _squash(getattr(facts, name)) if facts else None
                total[name] += 1
                right[name] += want == got
                if want != got and args.v:
                    print(f"{path.name:38} {name:10} gold {want!r} got {got!r}")
            for index, kind, year in gold_kinds:
                got = kinds[index] if index < len(kinds) else None
                total["list_kind"] += 1
                total["year"] += 1
                right["list_kind"] += bool(got) and got[0] == kind
                right["year"] += bool(got) and got[1] == year
                if args.v and (not got or got != (kind, year)):
                    print(f"{path.name:38} list {index}    gold {(kind, year)} got {got}")
    cells = [f"{n} {right[n]}/{total[n]}" for n in FIELDS + ["list_kind", "year"]]
    print("ACCURACY  " + "  ".join(cells))
    all_right = sum(right[n] for n in FIELDS)
    print(f"document fields {all_right}/{sum(total[n] for n in FIELDS)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
