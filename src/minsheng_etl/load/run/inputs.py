"""What a run takes in: files named, the notice files inside folders, and URLs.

Every input becomes a `Source`: the bytes' path on disk and what to call it. A
file from disk is called by its own name and path; a file fetched from the web by
the URL's last segment (附件1.doc) and the URL, with the page that linked to it when
it was an attachment. A URL that gave no file is a Source with its failure, which
the run rejects at stage "fetch" like any other file failure.
"""
from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from ... import readers

INPUT_SUFFIXES = readers.SUFFIXES
SKIP_NAMES = {".DS_Store", "Thumbs.db", "desktop.ini"}


@dataclass
class Source:
    path: Path | None  # where the bytes are (None: a URL that gave none)
    name: str | None = None  # the name it came in under (None: the file's own)
    location: str | None = None  # where it came from: a path or a URL (None: the file's own path)
    url: str | None = None  # the URL its bytes came from, after redirects
    page: str | None = None  # the page that linked to it (an attachment)
    attachments: int = 0  # for a page: how many files it links to (they follow it)
    failure: str | None = None  # why a URL gave no file

    @property
    def shown(self) -> Path | str:
        """What a run's output calls it: where it came from (the URL; in a rebuild, the
        path it was first ingested from), else the file itself."""
        return self.location or self.url or self.path


def iter_inputs(paths: Iterable[Path], skipped: list[Path] | None = None) -> Iterator[Path]:
    """Files named, and the notice files inside folders named (recursively, sorted).
    Inside folders, symbolic links are not followed: a link loop cannot hang the
    walk, and a link cannot pull a file from elsewhere into the raw store (the
    links passed over go to `skipped`, so the summary can count them). A file
    named on the command line is read wherever its link points."""
    for path in paths:
        if not path.is_dir():
            yield path
            continue
        for folder, dirs, files in os.walk(path, followlinks=False):
            dirs.sort()
            if skipped is not None:  # os.walk lists a link to a folder among dirs and does not enter it
                skipped += [Path(folder) / d for d in dirs if (Path(folder) / d).is_symlink()]
            for name in sorted(files):
                child = Path(folder) / name
                if name in SKIP_NAMES or name.startswith("~$") or child.suffix.lower() not in INPUT_SUFFIXES:
                    continue
                if child.is_symlink():
                    if skipped is not None:
                        skipped.append(child)
                    continue
                if not child.is_file():
                    continue
                yield child


@dataclass
class Fetching:
    """The URLs of a run, fetched one by one as the run asks for the next file (so
    fetching overlaps parsing), into a private folder of the raw store's tmp/ that
    is removed when the run ends."""

    urls: list[str]
    tmp_root: Path
    policy: object | None = None  # fetch.Policy (None: from the environment)
    folder: Path | None = field(default=None, init=False)

    def __iter__(self) -> Iterator[Source]:
        if not self.urls:
            return
        from ...fetch import Fetcher, Policy  # httpx only when there is something to fetch

        self.tmp_root.mkdir(parents=True, exist_ok=True)
        self.folder = Path(tempfile.mkdtemp(prefix="fetch-", dir=self.tmp_root))
        try:
            with Fetcher(self.policy or Policy.from_env()) as fetcher:
                for url in self.urls:
                    for got in fetcher.fetch(url, self.folder):
                        if got.error:
                            yield Source(None, name=got.url, location=got.url, page=got.linked_from,
                                         failure=got.error)
                        else:
                            yield Source(got.path, name=got.path.name, location=got.url, url=got.final_url,
                                         page=got.linked_from, attachments=len(got.attachments))
        finally:
            self.close()

    def close(self) -> None:
        if self.folder is not None:
            shutil.rmtree(self.folder, ignore_errors=True)
            self.folder = None

