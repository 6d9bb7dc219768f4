"""The raw store: every ingested file kept by content hash, and the parse cache
beside it.

- Raw objects: objects/ab/abcdef….ext, with a manifest (one JSON line per file
  seen) so a rebuild knows the files' names. A file is hashed once, while it is
  streamed into the store; that sha256 names it everywhere after (the worker
  that parses it, the warehouse's doc_id).
- Parse cache: parse results kept by (content hash, parser version). A rebuild
  re-reads every raw file; a file whose bytes and parser version are unchanged
  cannot parse differently, so its cached record is loaded instead. One entry per
  file (parsed/ab/abcdef….json.gz): a parse under a new version replaces the old
  entry, so the cache never holds more than the raw store does. Records are JSON
  (never pickle: the cache is data, not code), written whole then renamed.
"""
from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import json
import os
import shutil
import tempfile
from pathlib import Path

from pydantic import ValidationError

from ..errors import DiskFull, is_disk_full
from ..names import printable
from ..pipeline import ParseRecord


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


class RawStore:
    """Every ingested file, kept by content hash: objects/ab/abcdef….ext, with a
    manifest (one JSON line per file seen) so a rebuild knows the files' names."""

    def __init__(self, root: Path):
        self.root = Path(root)
        self.written: list[Path] = []  # objects this run copied in: removed again if the disk fills

    def discard_written(self) -> None:
        """Take back what this run copied in (a run stopped by a full disk)."""
        for path in self.written:
            path.unlink(missing_ok=True)
        self.written.clear()
        self.clear_leftovers()

    @property
    def manifest(self) -> Path:
        return self.root / "manifest.jsonl"

    def _remember(self, sha256: str, name: str, location: str, raw: Path) -> None:
        entry = {"sha256": sha256, "name": name, "path": location, "raw": str(raw.relative_to(self.root)),
                 "seen_at": dt.datetime.now().isoformat(timespec="seconds")}
        self.root.mkdir(parents=True, exist_ok=True)
        # ASCII JSON: a name that is not UTF-8 (lone surrogates) is kept exactly, as \udcXX escapes
        with open(self.manifest, "a", encoding="ascii") as fh:
            fh.write(json.dumps(entry, ensure_ascii=True) + "\n")

    def names(self) -> dict[str, dict]:
        """sha256 → the latest manifest entry (a torn last line from a crash is skipped)."""
        entries: dict[str, dict] = {}
        if self.manifest.exists():
            for line in self.manifest.read_text(encoding="utf-8", errors="replace").splitlines():
                try:
                    entry = json.loads(line)
                    entries[entry["sha256"]] = entry
                except (ValueError, KeyError):
                    continue
        return entries

    @property
    def parse_cache(self) -> ParseCache:
        return ParseCache(self.root / "parsed")

    def path_for(self, sha256: str, suffix: str) -> Path:
        return self.root / "objects" / sha256[:2] / f"{sha256}{suffix.lower()}"

    def keep(self, path: Path, name: str | None = None, location: str | None = None) -> tuple[str, Path]:
        """The file's sha256 and its path in the store. The file is read once, in
        chunks (memory stays flat for any size), hashed while it is copied to a
        temporary file; the copy is renamed into place if the store lacks it (and
        named in the manifest, under `name` and `location` when it came from
        elsewhere (a URL): once, not per ingest), dropped if it holds it."""
        tmp_dir = self.root / "tmp"
        tmp_dir.mkdir(parents=True, exist_ok=True)
        digest = hashlib.sha256()
        tmp = None
        try:
            with tempfile.NamedTemporaryFile(dir=tmp_dir, suffix=".part", delete=False) as out, \
                    open(path, "rb") as src:
                tmp = Path(out.name)
                for chunk in iter(lambda: src.read(1 << 20), b""):
                    digest.update(chunk)
                    out.write(chunk)
            sha256 = digest.hexdigest()
            target = self.path_for(sha256, path.suffix)
            if target.exists():
                tmp.unlink()
                return sha256, target
            target.parent.mkdir(parents=True, exist_ok=True)
            tmp.replace(target)
            self.written.append(target)
            self._remember(sha256, name or path.name, location or str(path), target)
        except OSError as exc:
            if tmp is not None:
                tmp.unlink(missing_ok=True)
            if is_disk_full(exc):
                raise DiskFull(f"no space left on the disk of the raw store {self.root} (copying "
                               f"{printable(path)})") from exc
            raise
        return sha256, target

    def clear_leftovers(self) -> None:
        """Half-written files of a writer that was killed (only one writer runs at a time):
        raw copies, files it fetched (folders in tmp/), and parse cache entries a worker
        was writing."""
        for leftover in (self.root / "tmp").glob("*"):
            if leftover.is_dir() and not leftover.is_symlink():
                shutil.rmtree(leftover, ignore_errors=True)
            elif leftover.name.endswith(".part"):
                leftover.unlink(missing_ok=True)
        if (self.root / "parsed").is_dir():
            for leftover in (self.root / "parsed").glob("*/*.part"):
                leftover.unlink(missing_ok=True)

    def objects(self) -> list[Path]:
        base = self.root / "objects"
        return sorted(p for p in base.rglob("*") if p.is_file() and not p.name.endswith(".part")) \
            if base.is_dir() else []
