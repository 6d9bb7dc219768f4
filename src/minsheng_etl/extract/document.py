"""Document facts: title, issuer (发文机关), 发文字号, published date, region, period."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

import regex

from .. import profiles
from ..fields.dates import parse_date
from ..layout import Layout, Paragraph, Table
from ..textnorm import squash_all

_DOC_NUMBER = regex.compile(r"[\p{Han}]{1,8}[发办函字]\s*[〔\[［(（【]\s*\d{4}\s*[〕\]］)）】]\s*\d{1,4}\s*号")
_BANNER = regex.compile(r"^(?P<issuer>[\p{Han}]{4,40}?)(?:文件|公报|简报|通报)$")
_NAV = regex.compile(r"^(?:当前位置|您的位置|首页|主页|网站首页|>|＞|›|\[|【字体|字体[:：]|打印|关闭|分享|发布日期|发布时间|来源[:：]|浏览次数|索引号|信息来源)")
_PUBLISHED = regex.compile(
    r"(?:发布日期|发布时间|发文日期|成文日期|日期)\s*[:：]?\s*(\d{4}\s*[-年./]\s*\d{1,2}\s*[-月./]\s*\d{1,2})")
_SIGNATURE_DATE = regex.compile(r"^(?P<issuer>[\p{Han}（）()]{4,40}?)?\s*(?P<date>\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日)$")
_ISSUER_IN_TITLE = regex.compile(r"^(?P<issuer>[\p{Han}]{4,40}?(?:人民政府办公室|人民政府|办公室|委员会|局|厅|委|办))关于")
_TITLE_WORDS = regex.compile(r"(通知|方案|意见|报告|情况|汇总表|清单|计划|项目|实事|安排|进展|台账|一览表|分解表|任务表|工作要点|决定|公告)")
_PERIODS = [
    regex.compile(r"截至\s*\d{1,2}\s*月\s*(?:底|末|\d{1,2}\s*日)"),
    regex.compile(r"\d{1,2}\s*[-—至~]\s*\d{1,2}\s*月"),
    regex.compile(r"第?[一二三四]季度"),
    regex.compile(r"[上下]半年"),
    regex.compile(r"全年"),
]
_ASOF_PERIOD = regex.compile(r"截至\s*(\d{1,2})\s*月\s*(?:底|末)")


@dataclass
class Facts:
    title: str
    issuer: str | None = None
    doc_number: str | None = None
    region: str | None = None
    published: object = None
    period: str | None = None


def _front_paragraphs(layout: Layout, limit: int = 25) -> list[Paragraph]:
    """Paragraphs before the first table or task list: where a notice's head sits."""
    out = []
    for block in layout.blocks:
        if isinstance(block, Table):
            break
        out.append(block)
        if len(out) >= limit:
            break
    return out


def _is_nav(text: str) -> bool:
    t = squash_all(text)
    return bool(_NAV.match(t)) or t.count(">") >= 2 or t.count("＞") >= 2 or len(t) <= 2


def find_title(paras: list[Paragraph]) -> str | None:
    """The notice's own title: the first heading-like line after banners, 文号 and
    navigation, with its continuation lines (a title often wraps)."""
    candidates = []
    for i, p in enumerate(paras):
        text = squash_all(p.text)
        if not text or _is_nav(text) or _BANNER.match(text) or _DOC_NUMBER.fullmatch(text):
            continue
        if _PUBLISHED.search(text) or _SIGNATURE_DATE.match(text):
            continue
        if text.endswith(("：", ":")) or "。" in text[:-1] or len(text) > 90:
            continue
        candidates.append((i, text))
        break
    if not candidates:
        return None
    i, title = candidates[0]
    # continuation lines: an open bracket, or a next line starting with 及/和/暨/关于 or ending a title word
    for p in paras[i + 1:i + 4]:
        nxt = squash_all(p.text)
        if not nxt or "。" in nxt or nxt.endswith(("：", ":")):
            break
        opened = any(title.count(o) > title.count(c) for o, c in (("《", "》"), ("（", "）")))
        if opened or nxt[0] in "及和与暨" or nxt.startswith("关于") or (
                not _TITLE_WORDS.search(title[-4:]) and _TITLE_WORDS.search(nxt[-4:])):
            title += nxt
        else:
            break
    return title


def find_doc_number(paras: list[Paragraph]) -> str | None:
    for p in paras:
        m = _DOC_NUMBER.search(squash_all(p.text))
        if m and len(squash_all(p.text)) <= len(m.group(0)) + 6:
            return squash_all(m.group(0))
    return None


def find_issuer(paras: list[Paragraph], title: str | None) -> str | None:
    for p in paras:
        m = _BANNER.match(squash_all(p.text))
        if m:
            return m.group("issuer")
    if title:
        m = _ISSUER_IN_TITLE.match(title)
        if m:
            return m.group("issuer")
    return None


def find_published(layout: Layout) -> object:
    paras = layout.paragraphs()
    for p in paras[:30]:
        m = _PUBLISHED.search(squash_all(p.text))
        if m:
            return parse_date(m.group(1).replace("/", "-").replace(".", "-"))
    # a signature date: a line that is only a date (or an issuer and a date) after the body
    for p in paras:
        m = _SIGNATURE_DATE.match(squash_all(p.text))
        if m:
            return parse_date(m.group("date"))
    return None


def find_period(title: str | None, layout: Layout, headers: list[str]) -> str | None:
    """The reporting period as written: in the title, else a progress column's header,
    else the 截至X月底 most progress texts open with."""
    for text in [title or ""] + headers:
        for pattern in _PERIODS:
            m = pattern.search(squash_all(text))
            if m:
                return m.group(0)
    counts = Counter()
    for block in layout.blocks:
        texts = [block.text] if isinstance(block, Paragraph) else [c.text for row in block.rows for c in row]
        for text in texts:
            m = _ASOF_PERIOD.search(squash_all(text))
            if m:
                counts[squash_all(m.group(0))] += 1
    if counts:
        period, n = counts.most_common(1)[0]
        if n >= 2:
            return period
    return None


# --- region -----------------------------------------------------------------

@dataclass(frozen=True)
class _Gazetteer:
    full: dict[str, str]  # name as printed → full name (北京市大兴区)
    level: dict[str, int]  # name → 1 province, 2 city, 3 county
    parent_full: dict[str, str]  # name → its parent's full name
    by_prefix: dict[str, tuple[str, ...]]  # first two characters → names, longest first

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


@lru_cache(maxsize=1)
def _gazetteer() -> _Gazetteer:
    regions = profiles.load().regions
    full, level, parent_full = {}, {}, {}
    ambiguous: set[str] = set()
    for code, name in regions.items():
        prov, city = code[:2] + "0000", code[:4] + "00"
        if code.endswith("0000"):
            lv, fullname, parent = 1, name, ""
        elif code.endswith("00"):
            lv, fullname, parent = 2, regions.get(prov, "") + name, regions.get(prov, "")
        else:
            parent = regions.get(prov, "") + (regions.get(city, "") if city in regions else "")
            lv, fullname = 3, parent + name
        if name in full and full[name] != fullname:
            ambiguous.add(name)
        full.setdefault(name, fullname)
        level.setdefault(name, lv)
        parent_full.setdefault(name, parent)
    for name in ambiguous:  # 朝阳区 is in Beijing and in Changchun: keep only with context
        level[name] = -level[name]
    # two-character counties (勉县, 义县) are read only right after their city (汉中市勉县):
    # alone they are ordinary words far too often
    for code, name in regions.items():
        city = regions.get(code[:4] + "00")
        if len(name) == 2 and not code.endswith("00") and city and city != name:
            composite = city + name
            full[composite] = regions.get(code[:2] + "0000", "") + composite
            level[composite], parent_full[composite] = 3, full[composite][: -len(name)]
    by_prefix: dict[str, list[str]] = {}
    for name in sorted((n for n in full if len(n) >= 3), key=len, reverse=True):
        by_prefix.setdefault(name[:2], []).append(name)
    return _Gazetteer(full, level, parent_full, {k: tuple(v) for k, v in by_prefix.items()})


def find_region(title: str | None, layout: Layout) -> str | None:
    """The area the tasks belong to, in full: the most specific area the document
    names, preferring the title; a county named only once beside a well-attested
    city is not enough."""
    gaz = _gazetteer()
    counts: Counter = Counter()
    texts = [squash_all(title or "")]
    for block in layout.blocks:
        if isinstance(block, Paragraph):
            texts.append(squash_all(block.text))
        else:
            texts += [squash_all(c.text) for row in block.rows for c in row]
    for text in texts:
        counts.update(gaz.names_in(text))
    if not counts:
        return None
    title_hits = gaz.names_in(squash_all(title or ""))

    def resolve(name: str) -> str | None:
        lv = gaz.level[name]
        if lv > 0:
            return gaz.full[name]
        # ambiguous name: accept it when its parent is named too
        parent = gaz.parent_full[name]
        if any(parent.endswith(other) or gaz.full.get(other) == parent for other in counts):
            return gaz.full[name]
        return None

    if title_hits:
        best = max(title_hits, key=lambda n: (abs(gaz.level[n]), counts[n]))
        resolved = resolve(best)
        if resolved:
            return resolved
    ranked = sorted(counts, key=lambda n: (-abs(gaz.level[n]), -counts[n]))
    top_total = max(counts.values())
    for name in ranked:
        # a county or city counts when the document names it as often as a third of its
        # most named area (a report on 北京市 naming one district once stays 北京市)
        if abs(gaz.level[name]) > 1 and counts[name] * 3 < top_total:
            continue
        resolved = resolve(name)
        if resolved:
            return resolved
    return None


def read_facts(layout: Layout, headers: list[str]) -> Facts:
    front = _front_paragraphs(layout)
    title = find_title(front) or find_title(layout.paragraphs()) or "(untitled)"
    return Facts(
        title=title,
        issuer=find_issuer(front, title),
        doc_number=find_doc_number(front),
        region=find_region(title, layout),
        published=find_published(layout),
        period=find_period(title, layout, headers),
    )
