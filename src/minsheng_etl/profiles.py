"""Declarative parser profiles: the TOML/TSV files in `parsers/`.

Synonyms, labels, suffixes and glyph repairs are data so that a new layout with
other words for the same things is a data change. The folder is found inside the
installed package (wheel) or at the repository root (editable install);
MINSHENG_PARSERS overrides both.
"""
from __future__ import annotations

import hashlib
import os
import tomllib
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path

import regex

from .script import to_simplified


def _resource_dir(name: str, env: str) -> Path:
    override = os.environ.get(env)
    if override:
        return Path(override)
    here = Path(__file__).resolve().parent
    for candidate in (here / name, here.parents[1] / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"cannot find the '{name}' folder next to the package or at the repository root")


LOAD_TIME_FILES = {"body_aliases.toml"}


def parsers_dir() -> Path:
    return _resource_dir("parsers", "MINSHENG_PARSERS")


def schemas_dir() -> Path:
    return _resource_dir("schemas", "MINSHENG_SCHEMAS")


def user_vocabulary() -> Path | None:
    """The analyst's own vocabulary folder (home.py), which adds to parsers/; None
    when there is none."""
    folder = os.environ.get("MINSHENG_VOCABULARY")
    return Path(folder) if folder and Path(folder).is_dir() else None


def vocabulary_files(name: str) -> list[Path]:
    """The packaged file, then the analyst's file of that name if there is one."""
    user = user_vocabulary()
    extra = user / name if user is not None else None
    return [parsers_dir() / name] + ([extra] if extra is not None and extra.is_file() else [])


def merged(base, extra):
    """The analyst's words added to the packaged ones: tables key by key, lists
    extended (each item once), a single value replaced."""
    if isinstance(base, dict) and isinstance(extra, dict):
        return {**base, **{k: merged(base[k], v) if k in base else v for k, v in extra.items()}}
    if isinstance(base, list) and isinstance(extra, list):
        return base + [x for x in extra if x not in base]
    return extra


def _load_toml(name: str) -> dict:
    data: dict = {}
    for path in vocabulary_files(name):
        with open(path, "rb") as fh:
            data = merged(data, tomllib.load(fh)) if data else tomllib.load(fh)
    return data


@dataclass(frozen=True)
class GlyphRule:
    name: str
    pattern: regex.Pattern
    replacement: str


@dataclass(frozen=True)
class Profiles:
    columns: dict[str, list[str]]
    column_ignore: list[str]
    co_when_beside_units: list[str]
    remark_source_words: tuple[str, ...]
    labels: dict[str, list[str]]
    body_suffixes: tuple[str, ...]
    body_separators: tuple[str, ...]
    body_trailing: tuple[str, ...]
    body_collective: regex.Pattern  # 各单位, 区有关部门: a group of bodies
    glyph_rules: tuple[GlyphRule, ...]
    quantity_units: tuple[str, ...]
    currency_units: frozenset[str]
    quantity_not_after: tuple[str, ...]
    quantity_not_before: tuple[str, ...]
    fixed_phrases: tuple[str, ...]
    noun_verbs: tuple[str, ...]
    noun_stops: tuple[str, ...]
    target_words: tuple[str, ...]
    achieved_words: tuple[str, ...]
    status_words: dict[str, tuple[str, ...]]  # completed / in_progress / not_started -> words
    stated_share: tuple[regex.Pattern, ...]
    same_measure: dict[str, str]  # unit -> the first unit of its group
    regions: dict[str, str]  # code -> name
    document: dict  # document-fact vocabularies (document.toml), read by extract/document.py

    @cached_property
    def column_synonyms(self) -> list[tuple[str, str]]:
        """(synonym, field) pairs, longest synonym first, ignore-list included."""
        pairs = [(s, f) for f, syns in self.columns.items() for s in syns]
        pairs += [(s, "ignore") for s in self.column_ignore]
        return sorted(pairs, key=lambda p: -len(p[0]))

    @cached_property
    def page_furniture(self) -> tuple[regex.Pattern, regex.Pattern]:
        """(page number, bracket debris): lines that are page furniture (document.toml)."""
        chrome = self.document["chrome"]
        return regex.compile(chrome["page_number"]), regex.compile(chrome["page_debris"])

    @cached_property
    def label_synonyms(self) -> list[tuple[str, str]]:
        pairs = [(s, f) for f, syns in self.labels.items() for s in syns]
        return sorted(pairs, key=lambda p: -len(p[0]))


def _load_regions(name: str) -> dict[str, str]:
    regions = {}
    for path in vocabulary_files(name):
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip() or line.startswith("#"):
                continue
            code, place = line.split("\t")[:2]
            regions[code.strip()] = place.strip()
    return regions


def _longest_first(words: list[str]) -> tuple[str, ...]:
    return tuple(sorted(set(words), key=len, reverse=True))


def _collective_pattern(words: dict) -> regex.Pattern:
    """A name of a group of bodies: a level word, then a group opening (区有关部门), or
    a group ending (县政府有关部门, 食安委成员单位)."""
    alt = lambda ws: "|".join(map(regex.escape, _longest_first(ws))) or "(?!)"
    return regex.compile(f"^(?:{alt(words.get('levels', []))})?(?:{alt(words.get('openings', []))})"
                         f"|(?:{alt(words.get('endings', []))})$")


@lru_cache(maxsize=1)
def load() -> Profiles:
    columns = _load_toml("columns.toml")
    labels = _load_toml("labels.toml")
    bodies = _load_toml("bodies.toml")
    glyphs = _load_toml("glyphs.toml")
    quantities = _load_toml("quantities.toml")
    status = _load_toml("status.toml")
    fields = dict(columns["fields"])
    ignore = fields.pop("ignore", []) + columns.get("ignore", [])
    label_fields = dict(labels["fields"])
    return Profiles(
        columns=fields,
        column_ignore=ignore,
        co_when_beside_units=columns.get("co_when_beside_units", {}).get("headers", []),
        remark_source_words=tuple(columns.get("remark_source", {}).get("words", [])),
        labels=label_fields,
        body_suffixes=_longest_first(bodies["suffixes"]),
        body_separators=tuple(bodies.get("separators", ["、"])),
        body_trailing=tuple(bodies.get("trailing", [])),
        body_collective=_collective_pattern(bodies.get("collective", {})),
        glyph_rules=tuple(
            GlyphRule(r["name"], regex.compile(r["pattern"]), r["replacement"]) for r in glyphs.get("rule", [])
        ),
        quantity_units=_longest_first(quantities["units"]),
        currency_units=frozenset(quantities.get("currency", [])),
        quantity_not_after=tuple(quantities.get("not_after", [])),
        quantity_not_before=tuple(quantities.get("not_before", [])),
        fixed_phrases=_longest_first(quantities.get("fixed_phrases", [])),
        noun_verbs=_longest_first(quantities.get("noun_verbs", [])),
        noun_stops=_longest_first(quantities.get("noun_stops", [])),
        target_words=tuple(quantities.get("target_words", [])),
        achieved_words=tuple(quantities.get("achieved_words", [])),
        status_words={k: _longest_first(status.get(k, [])) for k in ("not_started", "in_progress", "completed")},
        stated_share=tuple(regex.compile(p) for p in status.get("stated_share", [])),
        same_measure={u: group[0] for group in status.get("same_measure", []) for u in group},
        regions=_load_regions("regions.tsv"),
        document=_load_toml("document.toml"),
    )


@lru_cache(maxsize=1)
def fingerprint() -> str:
    """Hash of every profile file the parse reads: part of the parser version, so a
    profile edit invalidates cached parses. The body alias table is applied at load
    time and re-applied by every ingest, so editing it re-parses nothing."""
    digest = hashlib.sha256()
    user = user_vocabulary()
    for folder in [parsers_dir()] + ([user] if user is not None else []):  # the analyst's words count too
        for path in sorted(folder.iterdir()):
            if path.is_file() and path.name not in LOAD_TIME_FILES:
                digest.update(path.name.encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


@lru_cache(maxsize=512)
def field_for_header(header: str) -> str | None:
    """The field a header names: the field of the longest synonym it contains.
    Traditional headers (序號, 責任單位) are read in simplified characters."""
    whole = to_simplified(regex.sub(r"\s+", "", header).replace("（", "(").replace("）", ")"))
    text = regex.sub(r"\(.*?\)$", "", whole) or whole  # 主责单位（部门） → 主责单位
    if not text:
        return None
    for synonym, field in load().column_synonyms:
        if whole == synonym or text == synonym:  # 完成目标(%) is a rate, 完成目标 a target
            return field
    for synonym, field in load().column_synonyms:
        if synonym in text:
            return field
    return None


@lru_cache(maxsize=None)
def vocabulary(name: str) -> dict:
    """One parsers/*.toml file as plain data, for modules whose word lists are
    read as they are (segmentation.toml: list markers, frames, list ends)."""
    return _load_toml(name)


def check_vocabulary() -> None:
    """Load every file of parsers/ once, before any file is parsed: a missing or
    broken one would otherwise fail every file of the run as "a bug". Raises
    VocabularyError naming the file (and line and column for TOML)."""
    import tomllib as _toml

    from .load.derive import canonical
    from .errors import VocabularyError

    def where(name: str) -> Path:
        try:
            return parsers_dir() / name
        except FileNotFoundError as exc:
            raise VocabularyError(str(exc)) from None

    folder = where(".")
    if not folder.is_dir():
        raise VocabularyError(f"the parsers folder {folder.resolve()} does not exist (MINSHENG_PARSERS?)")
    needed = {"columns.toml", "labels.toml", "bodies.toml", "glyphs.toml", "quantities.toml", "status.toml",
              canonical.ALIAS_FILE, "regions.tsv"} | {p.name for p in folder.glob("*.toml")}
    user = user_vocabulary()
    checked = [where(name) for name in sorted(needed)]
    if user is not None:
        checked += sorted(p for p in user.iterdir() if p.suffix in (".toml", ".tsv") and p.is_file())
    for path in checked:
        name = path.name
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise VocabularyError(f"{path}: cannot read it ({exc.strerror or exc}); every parse needs it") from None
        if name.endswith(".toml"):
            try:
                _toml.loads(data.decode("utf-8"))
            except UnicodeDecodeError as exc:
                raise VocabularyError(f"{path}: not UTF-8 (byte {exc.start})") from None
            except _toml.TOMLDecodeError as exc:
                raise VocabularyError(f"{path}: {_toml_position(exc, data.decode('utf-8'))}") from None
        else:  # code<TAB>name per line
            for no, line in enumerate(data.decode("utf-8", "replace").splitlines(), start=1):
                if line.strip() and not line.startswith("#") and "\t" not in line:
                    raise VocabularyError(f"{path}: line {no}, column 1: expected a code and a name separated "
                                          f"by a tab")
    load.cache_clear()
    vocabulary.cache_clear()
    canonical.load.cache_clear()
    try:  # now what the files say: keys every parse reads, patterns that must compile
        load()
        canonical.load()
    except (KeyError, TypeError, ValueError, AttributeError, regex.error) as exc:
        raise VocabularyError(f"{parsers_dir()}: a file of the vocabulary is not in the expected shape "
                              f"({type(exc).__name__}: {exc})") from None


def _toml_position(exc, text: str) -> str:
    """tomllib says "Invalid value (at line 3, column 7)" or "(at end of document)":
    the place first, as a line and column either way."""
    m = regex.search(r"^(.*) \(at line (\d+), column (\d+)\)$", str(exc))
    if m:
        return f"line {m.group(2)}, column {m.group(3)}: {m.group(1)}"
    m = regex.search(r"^(.*) \(at end of document\)$", str(exc))
    if m:
        lines = text.split("\n")
        return f"line {len(lines)}, column {len(lines[-1]) + 1}: {m.group(1)} (at the end of the file)"
    return str(exc)
