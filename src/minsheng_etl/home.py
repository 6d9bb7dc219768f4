"""Where things live: the warehouse, the raw store and the analyst's own vocabulary.

One setting says it, found the way git finds its repository:
1. `etl --home DIR …`, else
2. the environment's MINSHENG_HOME, else
3. a `minsheng.toml` in the working folder or the nearest folder above it, else
4. the working folder itself (data/curated/minsheng.duckdb, data/raw), as before.

A home is a folder with a `minsheng.toml` (`etl init` makes one): its paths are
relative to that folder. `--db`/`MINSHENG_DB` and `--raw`/`MINSHENG_RAW` still name
one file or folder over whatever the home says.

The vocabulary a pip-installed user edits lives in the home (`vocabulary/`, the
`vocabulary` key), not in site-packages: a file there with the name of one of the
packaged parsers/ files adds to it (lists gain its words, tables its keys, a single
value replaces the packaged one; body_aliases.toml gains its [[body]] entries,
which win over the packaged ones; regions.tsv its rows). The
parser version hashes it with the packaged files, so editing it re-parses what it
may change, as editing parsers/ does.
"""
from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from pathlib import Path

CONFIG = "minsheng.toml"
ENV = "MINSHENG_HOME"
VOCABULARY_ENV = "MINSHENG_VOCABULARY"  # set for the run (and its parser processes) from the home
DEFAULTS = {"warehouse": "data/curated/minsheng.duckdb", "raw": "data/raw", "vocabulary": "vocabulary"}


class HomeError(Exception):
    """A home that cannot be used, named with the setting that points at it."""


@dataclass(frozen=True)
class Home:
    root: Path | None  # None: no home, the working folder's defaults
    found_by: str  # what set it, for messages: "--home", "MINSHENG_HOME", "minsheng.toml in /x", …
    settings: dict

    def path(self, key: str) -> Path:
        value = Path(self.settings.get(key, DEFAULTS[key]))
        return value if self.root is None or value.is_absolute() else self.root / value

    @property
    def warehouse(self) -> Path:
        return self.path("warehouse")

    @property
    def raw(self) -> Path:
        return self.path("raw")

    @property
    def vocabulary(self) -> Path | None:
        """The analyst's vocabulary folder (None without a home)."""
        return self.path("vocabulary") if self.root is not None else None

    def describe(self) -> str:
        if self.root is None:
            return (f"no home: the working folder {Path.cwd()} (no {CONFIG} here or above, {ENV} unset; "
                    f"`etl init` makes one, --home or {ENV} names one)")
        return f"the home {self.root} ({self.found_by})"


def _read(root: Path, found_by: str) -> Home:
    config = root / CONFIG
    settings: dict = {}
    if config.is_file():
        try:
            data = tomllib.loads(config.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            raise HomeError(f"{config} ({found_by}): cannot read it: {exc}") from None
        settings = {k: str(v) for k, v in (data.get("home") or {}).items() if k in DEFAULTS}
    return Home(root.resolve(), found_by, settings)


def find(option: Path | None = None, *, cwd: Path | None = None, environ=os.environ) -> Home:
    """The home, by the first of --home, MINSHENG_HOME, a minsheng.toml upwards."""
    for value, name in ((option, "--home"), (environ.get(ENV) or None, ENV)):
        if value is not None:
            root = Path(value).expanduser()
            if not root.is_dir():
                raise HomeError(f"{name}={value}: no such folder (`etl init {value}` makes a home there)")
            return _read(root, name)
    here = (cwd or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / CONFIG).is_file():
            return _read(folder, f"{CONFIG} found in {folder}")
    return Home(None, "the working folder", {})


_TEMPLATE = """\
# minsheng-etl home: etl finds this file from this folder or any folder below it
# (as git finds its repository), or by `etl --home DIR` / MINSHENG_HOME=DIR.
# Paths are relative to this folder.
[home]
warehouse = "data/curated/minsheng.duckdb"  # the DuckDB warehouse
raw = "data/raw"                            # every ingested file, kept by content hash
vocabulary = "vocabulary"                   # your words: added to the packaged parsers/ files
"""

_ALIASES = """\
# Your body aliases: added to the packaged table (yours win where both name a body).
# `etl units --unknown` lists the names the table does not know yet. No rebuild is
# needed: the next `etl ingest` applies them.
#
# [[body]]
# canonical = "住房和城乡建设委员会"
# aliases = ["住建委"]
# region = "北京市大兴区"   # optional: only for notices of this region
"""


def init(folder: Path) -> list[Path]:
    """Make a home in `folder`: minsheng.toml, the data folders and a vocabulary folder
    with a commented body_aliases.toml. What exists already is left as it is.
    Returns what it made."""
    made = []
    folder.mkdir(parents=True, exist_ok=True)
    config = folder / CONFIG
    if not config.exists():
        config.write_text(_TEMPLATE, encoding="utf-8")
        made.append(config)
    home = _read(folder, "etl init")
    for path in (home.raw, home.warehouse.parent, home.vocabulary):
        if not path.exists():
            path.mkdir(parents=True)
            made.append(path)
    aliases = home.vocabulary / "body_aliases.toml"
    if not aliases.exists():
        aliases.write_text(_ALIASES, encoding="utf-8")
        made.append(aliases)
    return made
