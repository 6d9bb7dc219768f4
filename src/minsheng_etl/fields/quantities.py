"""Quantities in task and progress texts: a number with its measure word or unit.

新增200张养老家庭照护床位 → 200 张; 2万个 → 20000 个; 104亿元 → 104 亿元 (currency
units keep their multiplier); 70%以上 → 70 % with comparator ">="; 2至3个 → 2 个
and 3 个; 五类口岸 → 5 类. Years, dates, ordinals, ages, codes and fixed phrases
(一刻钟, 四个意识) are not quantities. Word lists live in parsers/quantities.toml.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property, lru_cache

import regex

from .. import profiles
from ..script import to_simplified
from ..textnorm import nfkc_digits, squash_layout_spaces
from .numerals import CN_DIGITS, cn_to_int

MULTIPLIERS = {"万": Decimal(10000), "亿": Decimal(100000000)}
_ARABIC = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"  # 12,000 or 1200 or 4.5
# a Chinese numeral that is only powers of ten (百万家庭, 千亿级) means "many", not a count
_POWERS_ONLY = regex.compile(r"[百千万亿]+")
_RANGE = "至到~～—－-"  # "-" last: inside a character class it must not make a range


@lru_cache(maxsize=1)
def _comparator_words() -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(word, comparator) pairs before and after a figure, longest word first
    (parsers/quantities.toml [comparators])."""
    table = profiles.vocabulary("quantities.toml").get("comparators", {})
    kinds = {"at_least": ">=", "at_most": "<=", "about": "~"}
    before = [(w, c) for k, c in kinds.items() for w in table.get(f"{k}_before", [])]
    after = [(w, c) for k, c in kinds.items() for w in table.get(f"{k}_after", [])]
    return sorted(before, key=lambda p: -len(p[0])), sorted(after, key=lambda p: -len(p[0]))


def comparator_words() -> list[str]:
    """Every word that may stand before a figure as a comparator, longest first."""
    return [w for w, _ in _comparator_words()[0]]
# Characters before a Chinese numeral that make it part of a word (统一, 唯一, 进一步).
_CN_WORD_BEFORE = set("统唯同单划逐专之进第万其合归整不均如另若任每周星礼初")


@dataclass(frozen=True)
class Quantity:
    value: float
    unit: str
    comparator: str | None  # ">=", "<=", "~" or None (exact)
    start: int  # span in the cleaned text
    end: int
    text: str  # the matched text, as printed
    source: str = field(default="", repr=False, compare=False)  # the cleaned text the span is in

    # Read only when progress is measured, so extracting targets does not pay for them.
    @cached_property
    def noun(self) -> str | None:
        """The thing counted: 新增200张养老床位 → 养老床位."""
        return counted_noun(self.source, self.start, self.end)

    @cached_property
    def clause(self) -> str:
        """The clause it sits in (between ，。；), for matching."""
        text = self.source
        return text[_span_back(text, self.start, _CLAUSE_END, 60):_span_forward(text, self.end, _CLAUSE_END, 60)]

    def record(self, position: int) -> dict:
        """Its fields as a record (validate.Target, validate.Achievement), at its 1-based position."""
        return {"position": position, "value": self.value, "unit": self.unit, "comparator": self.comparator,
                "noun": self.noun, "text": self.text}

    @cached_property
    def lead(self) -> str:
        """Its sentence up to the number (after 。；), for telling achievements from targets."""
        return self.source[_span_back(self.source, self.start, _SENTENCE_END, 200):self.start]


@lru_cache(maxsize=1)
def _patterns():
    prof = profiles.load()
    units = "|".join(regex.escape(u) for u in prof.quantity_units)
    number = rf"(?P<num>{_ARABIC}|[{CN_DIGITS}]+)"
    # 余/多 sit before the multiplier (10余万人) or after it (11万余户)
    grammar = regex.compile(
        rf"{number}\s*(?P<pre>[余多])?\s*(?P<mult>[万亿](?!元))?\s*(?P<approx>[余多])?\s*(?P<unit>{units})"
    )
    cmp_words = "|".join(regex.escape(w) for w in comparator_words())
    range_first = regex.compile(rf"(?P<first>{_ARABIC}|[{CN_DIGITS}]+)\s*[{regex.escape(_RANGE)}]\s*$")
    # a table's target cell: a bare number on its own line, its unit in brackets at
    # the end of the name line above (城镇新增就业(人) | 26000, ≥95)
    bracket_unit = regex.compile(
        rf"[(（](?P<mult>[万亿](?!元))?(?P<unit>{units})[)）][ \t]*\n[ \t]*(?:{cmp_words})?[ \t]*"
        rf"(?P<num>{_ARABIC})[ \t]*(?:以上|以下|以内|左右)?[ \t]*(?:\n|$)"
    )
    return grammar, range_first, bracket_unit


def _mask_fixed_phrases(text: str) -> str:
    for phrase in profiles.load().fixed_phrases:
        if phrase in text:
            text = text.replace(phrase, "□" * len(phrase))
    text = _ONE_X_ONE_Y.sub(lambda m: "□" * len(m.group()), text)
    return _mask_quoted_numerals(text)


# 一户一档, 一人一策, 一老一小: a pattern phrase ("one per …"), not a count of one
_ONE_X_ONE_Y = regex.compile(r"一\p{Han}一\p{Han}")


_QUOTED = regex.compile(r"“[^“”]{1,20}”")


def _mask_quoted_numerals(text: str) -> str:
    """A Chinese numeral inside quotation marks belongs to a slogan or a campaign's
    name (“二对一”, “百万家庭低碳行”, “一村一场”), not to a quantity."""
    return _QUOTED.sub(lambda m: "".join("□" if ch in CN_DIGITS else ch for ch in m.group()), text)


def _number_value(num: str) -> Decimal | None:
    if num[0].isdecimal():
        return Decimal(num.replace(",", ""))
    value = cn_to_int(num)
    return Decimal(value) if value is not None else None


def _comparator(text: str, start: int, end: int) -> str | None:
    """≥, ≤ or ~ from the words touching the figure: the longest word before it, else
    the longest after it (不低于98.5% is at least: 不低于 wins over its tail 低于)."""
    before_words, after_words = _comparator_words()
    before, after = text[max(0, start - 6):start].rstrip(), text[end:end + 3]
    for word, comparator in before_words:
        if before.endswith(word):
            return comparator
    for word, comparator in after_words:
        if after.startswith(word):
            return comparator
    return None


_CLAUSE_END = set("，。；;,!！?？\n")
_SENTENCE_END = set("。；;!！?？\n")
_NOUN_END = _CLAUSE_END | set("、：:（）()“”\"《》 \t")


def _span_back(text: str, start: int, stops: set[str], limit: int) -> int:
    i = start
    while i > 0 and start - i < limit and text[i - 1] not in stops:
        i -= 1
    return i


def _span_forward(text: str, end: int, stops: set[str], limit: int) -> int:
    j = end
    while j < len(text) and j - end < limit and text[j] not in stops:
        j += 1
    return j


def _noun_after(text: str, end: int) -> str:
    for word in ("以上", "以下", "以内", "左右"):  # 3.5万平方米以上防空地下室 → 防空地下室
        if text.startswith(word, end):
            end += len(word)
    run = text[end:_span_forward(text, end, _NOUN_END, 14)]
    run = regex.split(r"[\d\p{Latin}]", run, maxsplit=1)[0]
    cut = min((i for i in (run.find(w) for w in profiles.load().noun_stops) if i >= 0), default=len(run))
    return run[:cut]


_SINGLE_VERBS = set("为对向共已约计达将在")


def _noun_before(text: str, start: int) -> str:
    seg = text[_span_back(text, start, _NOUN_END, 16):start]
    seg = regex.split(r"\d", seg)[-1]
    verbs = profiles.load().noun_verbs
    stripped = True
    while stripped:  # 招聘活动不少于200场, 已完工33条: a verb or comparator just before the number
        stripped = False
        for verb in verbs:
            if seg.endswith(verb):
                seg, stripped = seg[: -len(verb)], True
                break
    best = 0
    for verb in verbs:
        if len(verb) == 1:
            continue  # 共, 为, 已 also sit inside words (公共预算): only cut at the start, below
        i = seg.rfind(verb)
        while i >= 0 and len(seg) - (i + len(verb)) < 2:  # the verb must leave a noun behind it
            i = seg.rfind(verb, 0, i)
        if i >= 0:
            best = max(best, i + len(verb))
    noun = seg[best:]
    while len(noun) > 2 and noun[0] in _SINGLE_VERBS:
        noun = noun[1:]
    return noun.lstrip("的个")


def counted_noun(text: str, start: int, end: int) -> str | None:
    """The thing a quantity counts: after the unit (200张养老床位), else before the number
    once the verb is cut off (建设筹集保障性住房4000套 → 保障性住房)."""
    noun = _noun_after(text, end)
    if len(noun) < 2:
        noun = _noun_before(text, start)
    return noun if len(noun) >= 2 else None


def _plain(value: Decimal) -> float:
    return float(value.normalize()) if value == value.to_integral_value() else float(value)


def _is_code(masked: str, start: int, range_start: int | None) -> bool:
    """A digit run glued to ASCII letters, digits or code punctuation is a code, a
    decimal's tail or an ordinal (DX04-1002-6003, 国道230), not a quantity; a hyphen
    between two numbers is a range (3-4个) unless the first is itself glued to a code."""
    prev = masked[start - 1] if start > 0 else ""
    if not prev or not prev.isascii() and prev != "＃":
        return False
    if prev == "-" and range_start is not None:
        return _is_code(masked, range_start, None)
    return prev.isalnum() or prev in "-_#.＃"


def _bare_multiplier_ok(masked: str, end: int) -> bool:
    """万 or 亿 standing as the unit: an amount only where no noun follows (规模超过400亿。),
    not 13.3万常住人口, where the number counts a noun that has no measure word."""
    nxt = masked[end:end + 1]
    return not (nxt and regex.match(r"\p{Han}", nxt)) or masked.startswith(("以上", "以内", "以下", "左右"), end)


def _range_first(masked: str, start: int, mult: str | None) -> tuple[Decimal, int] | None:
    """The first end of a range ending at the number at start (2至3个, 3-4個): its value
    (with the second end's multiplier) and where it starts."""
    _, range_first, _ = _patterns()
    window = masked[max(0, start - 12):start]
    r = range_first.search(window)
    if not r:
        return None
    first = _number_value(r.group("first"))
    if first is None:
        return None
    if mult:
        first *= MULTIPLIERS[mult]
    return first, start - (len(window) - r.start("first"))


def _bracket_unit_quantities(clean: str, simplified: str) -> list[Quantity]:
    """Target cells holding a bare number whose unit is in brackets on the name line
    above: "城镇新增就业(人)\n26000" → 26000 人; "(万人)\n1.2" → 12000 人."""
    _, _, bracket_unit = _patterns()
    found = []
    for m in bracket_unit.finditer(simplified):
        value = Decimal(m.group("num").replace(",", ""))
        if m.group("mult"):
            value *= MULTIPLIERS[m.group("mult")]
        unit = clean[m.start("unit"):m.end("unit")]
        start, end = m.start("num"), m.end("num")
        found.append(Quantity(_plain(value), unit, None, start, end, clean[start:end], clean))
    return found


def find_quantities(text: str | None) -> list[Quantity]:
    """Every quantity in a text, in order. Words are matched on the simplified form
    (萬 個 噸 read as 万 个 吨); the unit is reported as printed."""
    if not text:
        return []
    prof = profiles.load()
    grammar, _, _ = _patterns()
    clean = squash_layout_spaces(nfkc_digits(text)).replace("％", "%")
    simplified = to_simplified(clean)
    masked = _mask_fixed_phrases(simplified)
    found: list[Quantity] = _bracket_unit_quantities(clean, simplified)
    for m in grammar.finditer(masked):
        num, unit = m.group("num"), m.group("unit")
        start = m.start("num")
        is_cn = not num[0].isdecimal()
        before = masked[max(0, start - 4):start]
        prev = masked[start - 1] if start > 0 else ""
        ranged = _range_first(masked, start, m.group("mult"))
        if _is_code(masked, start, ranged[1] if ranged else None):
            continue
        if any(before.endswith(tok) for tok in prof.quantity_not_before):
            continue
        if is_cn:
            # a Chinese numeral counts only before a classifier, never in a word
            if unit in prof.currency_units or unit in MULTIPLIERS or unit in ("%", "‰") or prev in _CN_WORD_BEFORE:
                continue
            if _POWERS_ONLY.fullmatch(num):
                continue
        unit_start, unit_end = m.start("unit"), m.end()
        # a classifier 个 before another measure word is dropped (5个批次 → 批次)
        if unit == "个":
            nxt = next((u for u in prof.quantity_units if len(u) >= 2 and masked.startswith(u, m.end())), None)
            if nxt and nxt not in ("个月", "个百分点"):
                unit, unit_start, unit_end = nxt, m.end(), m.end() + len(nxt)
        # 3月, 2025年, 60岁: a unit that starts like a date or age word is not a unit here
        if any(masked.startswith(w, m.start("unit")) for w in prof.quantity_not_after if len(w) > len(unit)):
            continue
        if unit in MULTIPLIERS and (m.group("mult") or not _bare_multiplier_ok(masked, unit_end)):
            continue
        value = _number_value(num)
        if value is None:
            continue
        if m.group("mult"):
            value *= MULTIPLIERS[m.group("mult")]
        unit_out = clean[unit_start:unit_end]
        comparator = ">=" if m.group("approx") or m.group("pre") else _comparator(masked, start, unit_end)
        # a range gives both ends: 2至3个 → 2 个 and 3 个
        if ranged:
            first, rstart = ranged
            found.append(Quantity(_plain(first), unit_out, comparator, rstart, unit_end, clean[rstart:unit_end],
                                  clean))
        found.append(Quantity(_plain(value), unit_out, comparator, start, unit_end, clean[start:unit_end], clean))
    return sorted(found, key=lambda q: q.start)


def targets_from(text: str | None) -> list[tuple[float, str]]:
    """(value, unit) of every quantity in a task's content: its targets."""
    return [(q.value, q.unit) for q in find_quantities(text)]
