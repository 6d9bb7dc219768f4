"""Parse results kept by (content hash, parser version), inside the raw store.

A rebuild re-reads every raw file; a file whose bytes and parser version are
unchanged cannot parse differently, so its cached record is loaded instead. One
entry per file (parsed/ab/abcdef….json.gz): a parse under a new version replaces
the old entry, so the cache never holds more than the raw store does. Records are
JSON (never pickle: the cache is data, not code), written whole then renamed.
"""
from __future__ import annotations

import gzip
import os
from pathlib import Path

from pydantic import ValidationError

from .pipeline import ParseRecord


class ParseCache:
    def __init__(self, root: Path):
        self.root = Path(root)

    def path_for(self, sha256: str) -> Path:
        return self.root / sha256[:2] / f"{sha256}.json.gz"

    def get(self, sha256: str, version: str) -> ParseRecord | None:
        path = self.path_for(sha256)
        try:
            record = ParseRecord.model_validate_json(gzip.decompress(path.read_bytes()))
        except (OSError, EOFError, ValueError, ValidationError):  # absent, torn or from an older format
            return None
        return record if record.parser_version == version and record.sha256 == sha256 else None

    def put(self, record: ParseRecord) -> None:
        path = self.path_for(record.sha256)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f"{path.name}.{os.getpid()}.part")
        try:
            tmp.write_bytes(gzip.compress(record.model_dump_json().encode(), compresslevel=3))
            tmp.replace(path)
        except BaseException:  # a full disk mid-write: no torn .part is left behind
            tmp.unlink(missing_ok=True)
            raise

    def clear(self) -> int:
        removed = 0
        if self.root.is_dir():
            for path in self.root.rglob("*.json.gz"):
                path.unlink(missing_ok=True)
                removed += 1
        return removed
