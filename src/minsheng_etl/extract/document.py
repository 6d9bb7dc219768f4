"""Document facts: title, issuer (发文机关), 发文字号, published date, region, period.

Words are matched on the simplified form of each line (script.to_simplified keeps
the length, so a match's span cuts the value out of the text as printed). The
word lists live in parsers/document.toml, read through profiles.load().document.
"""
from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

import regex

from .. import profiles
from ..fields.dates import parse_date
from ..layout import Layout, Paragraph, Table
from ..script import to_simplified
from ..textnorm import squash_all
from ..validate import DocumentFacts
from .labels import label_names
from .markers import opens_item

_DOC_NUMBER = regex.compile(r"[\p{Han}]{1,8}[发办函字]\s*[〔\[［(（【]\s*\d{4}\s*[〕\]］)）】]\s*\d{1,4}\s*号")
# a date as signatures print it, in Arabic or Chinese numerals (二〇二四年七月十日)
_DATE = r"(?:[\d〇○零一二三四五六七八九]{4}年)?[\d一二三四五六七八九十]{1,3}月[\d一二三四五六七八九十]{1,3}日"
# a line that is only a date, or a body's name and a date (a signature on one line)
_DATE_LINE = regex.compile(rf"^(?:(?P<date>{_DATE}|\d{{4}}-\d{{1,2}}-\d{{1,2}})"
                           rf"|(?P<body>[\p{{Han}}（）()]{{2,40}}?)(?P<date>{_DATE}))$")  # the date alone first
# a news dateline opening the first paragraph: "12月20日,省政府办公厅通报…" (a time of day
# after the date, 2月22日上午, dates an event instead)
_DATELINE = regex.compile(rf"^(?P<date>{_DATE})[,，]")
_YEAR = regex.compile(r"((?:19|20)\d{2})年")
_OPEN_CLOSE = (("《", "》"), ("（", "）"), ("(", ")"), ("“", "”"), ("<", ">"), ("〈", "〉"))


def _alternation(words) -> str:
    return "|".join(map(regex.escape, sorted(set(words), key=len, reverse=True)))


@dataclass(frozen=True)
class _Words:
    """document.toml, compiled once."""

    title_endings: regex.Pattern
    title_joiners: tuple[str, ...]
    edition: regex.Pattern
    max_line: int
    attachment: regex.Pattern
    chrome: regex.Pattern
    meta_label: regex.Pattern
    meta_kind: dict[str, str]
    banner: regex.Pattern
    issuer_end: regex.Pattern
    issuer_in_title: regex.Pattern
    outlets: tuple[str, ...]
    generic_sources: frozenset[str]
    place_bodies: tuple[str, ...]
    government_bodies: tuple[str, ...]
    periods: tuple[regex.Pattern, ...]
    title_periods: tuple[regex.Pattern, ...]
    as_of: regex.Pattern
    year_parts: dict[str, int]
    progress_words: regex.Pattern
    schedules: regex.Pattern
    completion_words: regex.Pattern
    whole_year: tuple[str, ...]


@lru_cache(maxsize=1)
def words() -> _Words:
    d = profiles.load().document
    meta = d["metadata"]
    kinds = {label: kind for kind in ("date", "source", "issuer", "doc_number", "other") for label in meta[kind]}
    issuer_end = _alternation(d["issuer"]["endings"])
    return _Words(
        title_endings=regex.compile(rf"(?:{_alternation(d['title']['endings'])})$"),
        title_joiners=tuple(d["title"]["joiners"]),
        edition=regex.compile(rf"[（(](?:{_alternation(d['title']['edition_marks'])})[)）]$"),
        max_line=int(d["title"]["max_line"]),
        attachment=regex.compile(rf"^(?:{_alternation(d['title']['attachment'])})(?:\d{{0,2}}$|\d{{0,2}}[:：])"),
        chrome=regex.compile(rf"^(?:{_alternation(d['chrome']['starts'])})"),
        meta_label=regex.compile(rf"(?P<label>{_alternation(kinds)})\s*[:：]"),
        meta_kind=kinds,
        banner=regex.compile(rf"^(?P<issuer>\p{{Han}}{{4,40}}?)(?:{_alternation(meta['banner_endings'])})$"),
        issuer_end=regex.compile(rf"(?:{issuer_end})$"),
        issuer_in_title=regex.compile(rf"^(?P<issuer>\p{{Han}}{{1,40}}?(?:{issuer_end}))关于"),
        outlets=tuple(d["issuer"]["outlets"]),
        generic_sources=frozenset(d["issuer"]["generic"]),
        place_bodies=tuple(d["region"]["place_bodies"]),
        government_bodies=tuple(d["region"]["government_bodies"]),
        periods=tuple(regex.compile(p) for p in d["period"]["patterns"]),
        title_periods=tuple(regex.compile(p) for p in d["period"]["title_patterns"]),
        as_of=regex.compile(d["period"]["as_of"]),
        year_parts=dict(d["period"]["year_parts"]),
        progress_words=regex.compile(_alternation(d["list_kind"]["progress"])),
        schedules=regex.compile(_alternation(d["list_kind"]["schedules"])),
        completion_words=regex.compile(_alternation(d["list_kind"]["completion"])),
        whole_year=tuple(d["list_kind"]["whole_year"]),
    )


def _simp(text: str | None) -> str:
    """Whitespace removed, simplified script: the form every word list is matched on."""
    return to_simplified(squash_all(text))


def _cut(printed: str, simplified_span: tuple[int, int]) -> str:
    """The printed text under a span found in its simplified form (same length)."""
    return printed[simplified_span[0]:simplified_span[1]]


# --- line classes -----------------------------------------------------------

def attachment_rest(text: str) -> str | None:
    """For a line that opens an attachment (附件 / 附件1 / 附件：…), what follows its
    lead, simplified and without whitespace; None for any other line."""
    simp = _simp(text)
    m = words().attachment.match(simp)
    return simp[m.end():] if m else None


def closes_notice(text: str) -> bool:
    """A signature date (alone or after the body's name) or an attachment line: the
    covering notice ends here."""
    return bool(_DATE_LINE.match(_simp(text))) or attachment_rest(text) is not None


def is_chrome(simp: str) -> bool:
    """Navigation, page furniture, page numbers: never a title or a fact."""
    w = words()
    return (len(simp) <= 2 or bool(w.chrome.match(simp)) or simp.count(">") >= 2 or simp.count("＞") >= 2
            or any(p.match(simp) for p in profiles.load().page_furniture))


def _is_meta(simp: str) -> bool:
    """A page's info line: 来源:… 发布时间:… (anywhere in the line)."""
    return bool(words().meta_label.search(simp))


def _is_sentence(simp: str) -> bool:
    """Running text, an addressee or a lead-in: the body has begun."""
    return "。" in simp or simp.endswith(("：", ":", "；", ";", "，", ",")) or len(simp) > 90


def _unbalanced(text: str) -> bool:
    return any(text.count(o) > text.count(c) for o, c in _OPEN_CLOSE)


def _skipped(simp: str) -> bool:
    """Lines around a title that are not part of it: chrome, metadata, the 红头 banner,
    the 文号, a date, an attachment marker."""
    w = words()
    return (is_chrome(simp) or _is_meta(simp) or bool(w.banner.match(simp)) or bool(_DOC_NUMBER.fullmatch(simp))
            or bool(_DATE_LINE.match(simp)) or bool(w.attachment.match(simp)))


_HAN = regex.compile(r"\p{Han}")


def _title_like(simp: str) -> bool:
    return bool(simp) and not _is_sentence(simp) and not opens_item(simp)


def _opens_title(simp: str) -> bool:
    """A line a title could start with: title-like, in Chinese words (not 'top' or
    'loading...'), and not a field label (牵头单位：…)."""
    if not _title_like(simp) or len(_HAN.findall(simp)) < 4:
        return False
    labels = label_names(simp)
    return not (labels and labels[0][0].start() == 0)


# --- title ------------------------------------------------------------------

def _finished(simp: str) -> bool:
    """Does a title (line) end the way titles end (…的通知, …进展情况, …方案(下))?"""
    w = words()
    return bool(w.title_endings.search(w.edition.sub("", simp)))


def _continues(title: str, nxt: str) -> bool:
    """Is the next line the rest of a title wrapped over several lines? Yes when the
    title is unfinished (an open bracket, no title ending yet: "…办公室关于") or the
    line opens with a joining word (及…) or itself ends the way titles end."""
    w = words()
    if not nxt or _skipped(nxt) or not _title_like(nxt) or len(nxt) > w.max_line or ":" in nxt or "：" in nxt:
        return False
    if _unbalanced(title) or nxt.startswith(w.title_joiners):
        return True
    return not _finished(title) or _finished(nxt)


def _join_title(paras: list[Paragraph], start: int) -> tuple[str, int]:
    """The title starting at `start` with its wrapped lines, and the index after it."""
    title, simp, end = squash_all(paras[start].text), _simp(paras[start].text), start + 1
    for p in paras[start + 1:start + 5]:  # a title wraps over at most five lines
        nxt = _simp(p.text)
        if not _continues(simp, nxt):
            break
        title, simp, end = title + squash_all(p.text), simp + nxt, end + 1
    return title, end


def _title_start(paras: list[Paragraph]) -> int | None:
    """Index of the title line: the first line past chrome, banner and 文号, provided
    it comes before the body (a page whose text opens with a sentence has no title
    line). Where a reader marked a later line of that head as a heading (centred,
    bold, <h1>) and not the first, the first is a site name or a kicker: the heading starts."""
    candidates = []
    for i, p in enumerate(paras):
        simp = _simp(p.text)
        if not simp or _skipped(simp):
            continue
        if not _title_like(simp):
            break
        if _opens_title(simp):
            candidates.append(i)
    if not candidates:
        return None
    marked = [i for i in candidates if paras[i].heading]
    return marked[0] if marked and not paras[candidates[0]].heading else candidates[0]


def _first_heading(paras: list[Paragraph]) -> int | None:
    """A page with no title line: its first heading (a table caption, a bold line)."""
    for i, p in enumerate(paras):
        simp = _simp(p.text)
        if p.heading and simp and not _skipped(simp) and _opens_title(simp):
            return i
    return None


def _first_title_like(paras: list[Paragraph]) -> int | None:
    for i, p in enumerate(paras):
        simp = _simp(p.text)
        if simp and not _skipped(simp) and _opens_title(simp):
            return i
    return None


def find_title(paras: list[Paragraph]) -> str | None:
    """The notice's own title with its wrapped lines joined; where the page has no
    title line, its first heading; else its first title-like line. A body's name
    standing alone above the title (a banner without 文件) is not the title."""
    for finder in (_title_start, _first_heading, _first_title_like):
        start = finder(paras)
        if start is None:
            continue
        title, end = _join_title(paras, start)
        if _body_name(title):
            below = _title_start(paras[end:])
            if below is not None:
                title, _ = _join_title(paras, end + below)
        return title
    return None


# --- metadata: 索引号 tables and "来源:… 发布时间:…" lines ---------------------

def _labelled(text: str) -> list[tuple[str, str]]:
    """(kind, value) for every "label: value" in a line; a value runs to the next label."""
    w = words()
    simp = to_simplified(text)
    found = list(w.meta_label.finditer(simp))
    out = []
    for m, nxt in zip(found, found[1:] + [None]):
        value = text[m.end():nxt.start() if nxt else len(text)].strip()
        if value:
            out.append((w.meta_kind[m.group("label")], value))
    return out


def _table_pairs(table: Table) -> list[tuple[str, str]]:
    """(kind, value) from a metadata table: a label cell followed by its value cell,
    or "label: value" inside a cell."""
    w = words()
    out = []
    for row in table.rows:
        texts = [c.text for c in row]
        for i, text in enumerate(texts):
            label = _simp(text).rstrip(":：")
            if label in w.meta_kind and i + 1 < len(texts) and texts[i + 1].strip():
                out.append((w.meta_kind[label], texts[i + 1].strip()))
            else:
                out += _labelled(text)
    return out


def is_metadata_table(table: Table) -> bool:
    """A small 索引号/发文机关/文号 grid above a notice; a task table's header (序号,
    任务内容… beside a 来源 or 时间 column) is not one."""
    if len(table.rows) > 6:
        return False
    cells = [c.text for row in table.rows for c in row]
    if any(profiles.field_for_header(t) in ("seq", "content") for t in cells if len(t) <= 12):
        return False
    return sum(1 for t in cells if _simp(t).rstrip(":：") in words().meta_kind) >= 2


def read_metadata(front: list, limit: int = 12) -> dict[str, str]:
    """The first value of each metadata kind (date, source, issuer, doc_number) in the
    page head (its info lines and 索引号 tables, before the body begins: a task's
    完成时间: is no page date)."""
    found: dict[str, str] = {}
    for block in front[:limit]:
        if isinstance(block, Table):
            pairs = _table_pairs(block)
        else:
            pairs = _labelled(block.text)
            simp = _simp(block.text)
            if not pairs and not is_chrome(simp) and (_is_sentence(simp) or opens_item(simp)):
                break
        for kind, value in pairs:
            found.setdefault(kind, value)
    return found


# --- 文号, issuer -------------------------------------------------------------

def find_doc_number(paras: list[Paragraph], meta: dict[str, str] | None = None) -> str | None:
    if meta and meta.get("doc_number"):
        m = _DOC_NUMBER.search(squash_all(meta["doc_number"]))
        return squash_all(m.group(0) if m else meta["doc_number"])
    for p in paras:
        m = _DOC_NUMBER.search(squash_all(p.text))
        if m and len(squash_all(p.text)) <= len(m.group(0)) + 6:
            return squash_all(m.group(0))
    return None


def _is_outlet(simp: str) -> bool:
    return simp.endswith(words().outlets)


def _body_name(text: str) -> str | None:
    """The text as a body's name (沁县人民政府办公室), as printed; None if it is not one."""
    printed, simp = squash_all(text), _simp(text)
    if (2 <= len(simp) <= 30 and regex.fullmatch(r"[\p{Han}（）()]+", simp) and words().issuer_end.search(simp)
            and not _is_outlet(simp) and simp not in words().generic_sources):
        return printed
    return None


@dataclass
class Signature:
    issuer: str | None
    date: dt.date | None


def find_signature(paras: list[Paragraph]) -> Signature:
    """The covering notice's signature: a body's name line and a date line (or both on
    one line). A date line with no name before it still dates the notice."""
    first_date = None
    for i, p in enumerate(paras):
        simp = _simp(p.text)
        m = _DATE_LINE.match(simp)
        if not m or "年" not in m.group("date"):  # a signature date names its year
            continue
        date = parse_date(m.group("date"))
        body = _body_name(_cut(squash_all(p.text), m.span("body"))) if m.group("body") else None
        if body is None and i > 0 and not m.group("body"):
            body = _body_name(paras[i - 1].text)
        if body:
            return Signature(body, date)
        if not m.group("body"):
            first_date = first_date or date
    return Signature(None, first_date)


def _issuer_in_title(title: str | None) -> str | None:
    """"X关于…" names its issuer X."""
    m = words().issuer_in_title.match(_simp(title))
    return _cut(squash_all(title), m.span("issuer")) if m else None


def _issuer_of_source(source: str | None) -> str | None:
    """A 来源 that names a body (来源:教育体育局); an outlet or a bare 办公室 does not."""
    if not source:
        return None
    return _body_name(source)


def _issuer_of_quoted_title(paras: list[Paragraph]) -> str | None:
    """A page reproducing a notice names it on a line of its own: 《X关于印发…的通知》."""
    for p in paras:
        simp = _simp(p.text)
        if simp.startswith("《") and simp.endswith("》"):
            issuer = _issuer_in_title(squash_all(p.text)[1:-1])
            if issuer:
                return issuer
    return None


def find_issuer(paras: list[Paragraph], title: str | None, meta: dict[str, str] | None = None,
                signature: Signature | None = None) -> str | None:
    """The 发文机关: a 红头 banner, a metadata 发文机关, the signature, the title's
    "X关于", a 来源 naming a body, a quoted notice title; else None."""
    meta = meta or {}
    for p, nxt in zip(paras, paras[1:] + [None]):
        m = words().banner.match(_simp(p.text))
        if m:
            return _cut(squash_all(p.text), m.span("issuer"))
        # a 红头 banner printed without 文件: the body's name right above the 文号
        if nxt is not None and _DOC_NUMBER.fullmatch(squash_all(nxt.text)) and _body_name(p.text):
            return squash_all(p.text)
    if meta.get("issuer"):
        return squash_all(meta["issuer"])
    if signature and signature.issuer:
        return signature.issuer
    return _issuer_in_title(title) or _issuer_of_source(meta.get("source")) or _issuer_of_quoted_title(paras)


# --- published ----------------------------------------------------------------

def _plan_year(title: str | None, paras: list[Paragraph]) -> int | None:
    """The year a date printed without one belongs to: the title's, else the first
    year the page head names."""
    for text in [title or ""] + [p.text for p in paras]:
        m = _YEAR.search(squash_all(text))
        if m:
            return int(m.group(1))
    return None


def _with_year(text: str, year: int | None) -> dt.date | None:
    if "年" in text or "-" in text:
        return parse_date(text)
    return parse_date(f"{year}年{text}") if year else None


def _page_date_line(paras: list[Paragraph], title: str | None) -> dt.date | None:
    """The page's own date line in its head (3月18日 alone), else a dateline opening the
    first paragraph of text (12月20日,…); a date with no year takes the plan year."""
    year = _plan_year(title, paras)
    title_simp = _simp(title)
    for p in paras:
        simp = _simp(p.text)
        if not simp or is_chrome(simp) or (title_simp and simp in title_simp):
            continue
        m = _DATE_LINE.match(simp)
        if m and not m.group("body"):
            return _with_year(m.group("date"), year)
        if _is_sentence(simp):
            m = _DATELINE.match(simp)
            return _with_year(m.group("date"), year) if m else None
    return None


def find_published(layout: Layout, front: list[Paragraph] | None = None, title: str | None = None,
                   meta: dict[str, str] | None = None, signature: Signature | None = None) -> dt.date | None:
    """The signature's date, else the page's 发布时间, else its date line."""
    signature = signature or find_signature(layout.paragraphs())
    if signature.date:
        return signature.date
    if meta and meta.get("date"):
        date = parse_date(meta["date"].replace("/", "-").replace(".", "-"))
        if date:
            return date
    return _page_date_line(front if front is not None else layout.paragraphs()[:25], title)


# --- period -------------------------------------------------------------------

def period_in(text: str | None, *, title: bool = False) -> str | None:
    """The first reporting period a text names, as printed; a title (or a column
    header) may also name it as the month after its year (2024年4月…进展情况)."""
    simp = _simp(text)
    for pattern in words().periods + (words().title_periods if title else ()):
        m = pattern.search(simp)
        if m:
            return _cut(squash_all(text), m.span())
    return None


def _covering_text(paras: list[Paragraph], title: str | None, limit: int = 3) -> list[str]:
    """The first paragraphs of running text after the title, before any numbered item."""
    title_simp, out = _simp(title), []
    for p in paras:
        simp = _simp(p.text)
        if not simp or _skipped(simp) or (title_simp and simp in title_simp):
            continue
        if opens_item(simp) or len(out) >= limit:
            break
        out.append(p.text)
    return out


def find_period(title: str | None, layout: Layout, headers: list[str], front: list[Paragraph] | None = None) -> str | None:
    """The reporting period as written: in the title, else a progress column's header,
    else (in a progress report) its covering text, else the 截至X月底 most progress
    texts open with."""
    for text in [title or ""] + headers:
        period = period_in(text, title=True)
        if period:
            return period
    if front and words().progress_words.search(_simp(title)):
        for text in _covering_text(front, title):
            period = period_in(text)
            if period:
                return period
    counts = Counter()
    for block in layout.blocks:
        texts = [block.text] if isinstance(block, Paragraph) else [c.text for row in block.rows for c in row]
        for text in texts:
            m = words().as_of.search(_simp(text))
            if m:
                counts[_cut(squash_all(text), m.span())] += 1
    if counts:
        period, n = counts.most_common(1)[0]
        if n >= 2:
            return period
    return None


def report_kind(text: str | None) -> str | None:
    """What a title or heading says its list is: a period's report ("progress"), a
    year-end account ("completion"), or nothing (a whole-year period alone says
    nothing: 全年 also heads plans)."""
    w = words()
    simp = w.schedules.sub("", _simp(text))
    if not simp:
        return None
    period = period_in(simp)
    if period and period not in w.whole_year:
        return "progress"
    if w.completion_words.search(simp):
        return "completion"
    if w.progress_words.search(simp):
        return "progress"
    return None


def covers_whole_year(period: str | None) -> bool:
    return bool(period) and _simp(period) in words().whole_year


# --- region -----------------------------------------------------------------

@dataclass(frozen=True)
class _Gazetteer:
    full: dict[str, str]  # name as printed → full name (北京市大兴区)
    level: dict[str, int]  # name → 1 province, 2 city, 3 county; negative when ambiguous
    parent_full: dict[str, str]  # name → its parent's full name
    readings: dict[str, tuple[str, ...]]  # ambiguous name → every full name it can be
    by_prefix: dict[str, tuple[str, ...]]  # first two characters → names, longest first
    two_char: dict[str, str]  # 沁县 → 山西省长治市沁县 (read only at the head of a body's name)

    def names_in(self, text: str) -> list[str]:
        """Area names in the text, scanning left to right, longest name first at each
        position (as a regex alternation would, but one dict lookup per character
        instead of trying 3,000 alternatives)."""
        found, i, end = [], 0, len(text) - 2
        while i <= end:
            for name in self.by_prefix.get(text[i:i + 2], ()):
                if text.startswith(name, i):
                    found.append(name)
                    i += len(name)
                    break
            else:
                i += 1
        return found


_SHORTENED = ("市", "县", "区", "省")  # 安阳市 → 安阳, in 安阳新闻网


def _add_place_bodies(full: dict, level: dict, parent_full: dict, bodies: tuple[str, ...]) -> None:
    """Bodies named after a place without its suffix (嘉鱼经济开发区, 安阳新闻网) stand for
    the place. A short name shared by a city and a county is the city's (安阳 → 安阳市);
    one shared at the same level is dropped."""
    short: dict[str, tuple[int, str, str]] = {}
    clash: set[str] = set()
    for name, fullname in list(full.items()):
        lv = level[name]
        if len(name) < 3 or not name.endswith(_SHORTENED) or lv < 0:
            continue
        key = name[:-1]
        if key in short and short[key][1] != fullname:
            if short[key][0] == lv:
                clash.add(key)
            elif lv < short[key][0]:
                short[key] = (lv, fullname, parent_full[name])
            continue
        short[key] = (lv, fullname, parent_full[name])
    for key, (lv, fullname, parent) in short.items():
        if key in clash:
            continue
        for body in bodies:
            composite = key + body
            if composite not in full:
                full[composite], level[composite], parent_full[composite] = fullname, lv, parent


@lru_cache(maxsize=1)
def _gazetteer() -> _Gazetteer:
    regions = profiles.load().regions
    full, level, parent_full = {}, {}, {}
    readings: dict[str, list[str]] = {}
    for code, name in regions.items():
        prov, city = code[:2] + "0000", code[:4] + "00"
        if code.endswith("0000"):
            lv, fullname, parent = 1, name, ""
        elif code.endswith("00"):
            lv, fullname, parent = 2, regions.get(prov, "") + name, regions.get(prov, "")
        else:
            parent = regions.get(prov, "") + (regions.get(city, "") if city in regions else "")
            lv, fullname = 3, parent + name
        if fullname not in readings.setdefault(name, []):
            readings[name].append(fullname)
        full.setdefault(name, fullname)
        level.setdefault(name, lv)
        parent_full.setdefault(name, parent)
    ambiguous = {name for name, fulls in readings.items() if len(fulls) > 1}
    for name in ambiguous:  # 朝阳区 is in Beijing and in Changchun: keep only with context
        level[name] = -level[name]
    # two-character counties (勉县, 义县) are read only right after their city (汉中市勉县):
    # alone they are ordinary words far too often
    two_char = {}
    for code, name in regions.items():
        city = regions.get(code[:4] + "00")
        if len(name) == 2 and not code.endswith("00") and city and city != name:
            composite = city + name
            full[composite] = regions.get(code[:2] + "0000", "") + composite
            level[composite], parent_full[composite] = 3, full[composite][: -len(name)]
            two_char[name] = None if name in two_char else full[composite]
    _add_place_bodies(full, level, parent_full, tuple(words().place_bodies))
    by_prefix: dict[str, list[str]] = {}
    for name in sorted((n for n in full if len(n) >= 3), key=len, reverse=True):
        by_prefix.setdefault(name[:2], []).append(name)
    return _Gazetteer(full, level, parent_full, {n: tuple(readings[n]) for n in ambiguous},
                      {k: tuple(v) for k, v in by_prefix.items()},
                      {k: v for k, v in two_char.items() if v})


def _resolve(gaz: _Gazetteer, name: str, context: Counter | None = None) -> str | None:
    """The full name of an area name; an ambiguous one (普陀区, 朝阳区) when its parent is
    named too, else when exactly one reading lies directly under a province-level
    city (districts of 上海市 are written without the city)."""
    if gaz.level[name] > 0:
        return gaz.full[name]
    readings = gaz.readings.get(name, (gaz.full[name],))
    for other in context or ():
        for reading in readings:
            parent = reading[: -len(name)]
            if other != name and (parent.endswith(other) or gaz.full.get(other) == parent):
                return reading
    municipal = [r for r in readings if r[: -len(name)].endswith("市") and gaz.level.get(r[: -len(name)]) == 1]
    return municipal[0] if len(municipal) == 1 else None


def region_of_body(name: str | None) -> str | None:
    """The area a body is named after (沁县人民政府办公室 → 山西省长治市沁县; 安阳新闻网 →
    河南省安阳市); None when its name opens with no area."""
    simp = _simp(name)
    if not simp:
        return None
    gaz = _gazetteer()
    for short, fullname in gaz.two_char.items():
        if simp.startswith(short) and simp[2:].startswith(words().government_bodies):
            return fullname
    # the areas the name opens with, one after another (北京市大兴区…): the last is the body's
    chain, at = [], 0
    for name in gaz.names_in(simp):
        if not simp.startswith(name, at):
            break
        chain.append(name)
        at += len(name)
    for name in reversed(chain):
        resolved = _resolve(gaz, name, Counter(chain))
        if resolved:
            return resolved
    return None


def find_region(title: str | None, layout: Layout, issuer: str | None = None, source: str | None = None) -> str | None:
    """The area the tasks belong to, in full: the area the issuer is named after, else
    the most specific area the title names, else a 来源 body's, else the most specific
    area the document names often enough."""
    region = region_of_body(issuer)
    if region:
        return region
    gaz = _gazetteer()
    counts: Counter = Counter()
    title_hits = gaz.names_in(_simp(title))
    counts.update(title_hits)
    for block in layout.blocks:
        cells = [block.text] if isinstance(block, Paragraph) else [c.text for row in block.rows for c in row]
        for text in cells:
            counts.update(gaz.names_in(_simp(text)))
    if title_hits:
        best = max(title_hits, key=lambda n: (abs(gaz.level[n]), counts[n]))
        resolved = _resolve(gaz, best, counts)
        if resolved:
            return resolved
    from_source = region_of_body(source)
    counted = _most_named(gaz, counts) if counts else None
    # a 来源 outlet names a wider area (河南日报) than the one the page is about
    if from_source and counted and counted.startswith(from_source):
        return counted
    return from_source or counted


def _most_named(gaz: _Gazetteer, counts: Counter) -> str | None:
    """The most specific area the document names often enough: a county or city counts
    when named as often as a third of the most named area (a report on 北京市 naming
    one district once stays 北京市)."""
    ranked = sorted(counts, key=lambda n: (-abs(gaz.level[n]), -counts[n]))
    top_total = max(counts.values())
    for name in ranked:
        if abs(gaz.level[name]) > 1 and counts[name] * 3 < top_total:
            continue
        resolved = _resolve(gaz, name, counts)
        if resolved:
            return resolved
    return None


# --- all facts ------------------------------------------------------------------

def front_blocks(layout: Layout, limit: int = 25) -> list:
    """The blocks before the first task table (metadata tables included): where a
    notice's head sits."""
    out = []
    for block in layout.blocks:
        if isinstance(block, Table) and not is_metadata_table(block):
            break
        out.append(block)
        if len(out) >= limit:
            break
    return out


def read_facts(layout: Layout, headers: list[str]) -> DocumentFacts:
    head = front_blocks(layout)
    front = [b for b in head if isinstance(b, Paragraph)]
    meta = read_metadata(head)
    signature = find_signature(layout.paragraphs())
    title = find_title(front) or find_title(layout.paragraphs()) or "(untitled)"
    issuer = find_issuer(front, title, meta, signature)
    return DocumentFacts(
        title=title,
        issuer=issuer,
        doc_number=find_doc_number(front, meta),
        region=find_region(title, layout, issuer, meta.get("source")),
        published=find_published(layout, front, title, meta, signature),
        period=find_period(title, layout, headers, front),
    )
