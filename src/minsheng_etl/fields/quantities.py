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
from ..textnorm import nfkc_digits, squash_layout_spaces
from .numerals import CN_DIGITS, cn_to_int

MULTIPLIERS = {"万": Decimal(10000), "亿": Decimal(100000000)}
_RANGE = "至到~～—-－"
_AT_LEAST = ("不少于", "不低于", "至少", "不小于", "超过", "达到", "达", "保持在", "稳定在", "力争")
_AT_LEAST_AFTER = ("以上", "余", "多")
_ABOUT = ("约", "左右", "近")
_AT_MOST = ("不超过", "不高于", "小于", "低于", "以内", "以下")
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

    @cached_property
    def lead(self) -> str:
        """Its sentence up to the number (after 。；), for telling achievements from targets."""
        return self.source[_span_back(self.source, self.start, _SENTENCE_END, 200):self.start]


@lru_cache(maxsize=1)
def _patterns():
    prof = profiles.load()
    units = "|".join(regex.escape(u) for u in prof.quantity_units)
    number = rf"(?P<num>\d+(?:\.\d+)?|[{CN_DIGITS}]+)"
    grammar = regex.compile(
        rf"{number}\s*(?P<mult>[万亿](?!元))?\s*(?P<approx>[余多])?\s*(?P<unit>{units})"
    )
    range_first = regex.compile(rf"(?P<first>\d+(?:\.\d+)?|[{CN_DIGITS}]+)\s*[{_RANGE}]\s*$")
    return grammar, range_first


def _mask_fixed_phrases(text: str) -> str:
    for phrase in profiles.load().fixed_phrases:
        if phrase in text:
            text = text.replace(phrase, "□" * len(phrase))
    return text


def _number_value(num: str) -> Decimal | None:
    if num[0].isdecimal():
        return Decimal(num)
    value = cn_to_int(num)
    return Decimal(value) if value is not None else None


def _comparator(text: str, start: int, end: int) -> str | None:
    before, after = text[max(0, start - 5):start], text[end:end + 3]
    if after.startswith(_AT_MOST) or before.endswith(_AT_MOST):
        return "<="  # checked first: 不超过 ends like 超过
    if after.startswith(_AT_LEAST_AFTER) or before.endswith(_AT_LEAST):
        return ">="
    if before.endswith(_ABOUT) or after.startswith("左右"):
        return "~"
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


def find_quantities(text: str | None) -> list[Quantity]:
    """Every quantity in a text, in order."""
    if not text:
        return []
    prof = profiles.load()
    grammar, range_first = _patterns()
    clean = squash_layout_spaces(nfkc_digits(text)).replace("％", "%")
    masked = _mask_fixed_phrases(clean)
    found: list[Quantity] = []
    for m in grammar.finditer(masked):
        num, unit = m.group("num"), m.group("unit")
        start = m.start("num")
        is_cn = not num[0].isdecimal()
        before = masked[max(0, start - 4):start]
        prev = masked[start - 1] if start > 0 else ""
        # codes, decimals and ordinals: DX04-1002-6003, 第5项, 前100名, 国道230
        if prev and (prev.isascii() and (prev.isalnum() or prev in "-_#.") or prev in "＃"):
            continue
        if any(before.endswith(tok) for tok in prof.quantity_not_before):
            continue
        if is_cn:
            # a Chinese numeral counts only before a classifier, never in a word
            if unit in prof.currency_units or unit in MULTIPLIERS or unit in ("%", "‰") or prev in _CN_WORD_BEFORE:
                continue
            if num in ("万", "亿", "千", "百") or (len(num) == 1 and num in "万亿千百"):
                continue
        unit_end = m.end()
        # a classifier 个 before another measure word is dropped (5个批次 → 批次)
        if unit == "个":
            nxt = next((u for u in prof.quantity_units if len(u) >= 2 and masked.startswith(u, m.end())), None)
            if nxt and nxt not in ("个月", "个百分点"):
                unit, unit_end = nxt, m.end() + len(nxt)
        # 3月, 2025年, 60岁: a unit that starts like a date or age word is not a unit here
        if any(masked.startswith(w, m.start("unit")) for w in prof.quantity_not_after if len(w) > len(unit)):
            continue
        if unit in ("万", "亿") and m.group("mult"):
            continue
        value = _number_value(num)
        if value is None:
            continue
        if m.group("mult"):
            value *= MULTIPLIERS[m.group("mult")]
        unit_out = "%" if unit == "％" else unit
        comparator = ">=" if m.group("approx") else _comparator(masked, start, unit_end)
        q = Quantity(_plain(value), unit_out, comparator, start, unit_end, clean[start:unit_end], clean)
        # a range gives both ends: 2至3个 → 2 个 and 3 个
        r = range_first.search(masked[max(0, start - 12):start])
        if r:
            first = _number_value(r.group("first"))
            if first is not None:
                if m.group("mult"):
                    first *= MULTIPLIERS[m.group("mult")]
                rstart = start - (len(masked[max(0, start - 12):start]) - r.start("first"))
                found.append(Quantity(_plain(first), unit_out, comparator, rstart, unit_end, clean[rstart:unit_end],
                                      clean))
        found.append(q)
    return found


def targets_from(text: str | None) -> list[tuple[float, str]]:
    """(value, unit) of every quantity in a task's content: its targets."""
    return [(q.value, q.unit) for q in find_quantities(text)]
