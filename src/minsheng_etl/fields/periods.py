"""A report's as-of date, from its reporting period (截至6月底, 一季度, 1-11月, 全年)."""
from __future__ import annotations

import datetime as dt

import regex

from ..textnorm import nfkc_digits, squash_all
from .dates import month_end
from .numerals import cn_to_int

_DAY = regex.compile(r"(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]")
_MONTH = regex.compile(r"(\d{1,2})\s*月\s*(?:底|末|份)?")
_QUARTER = regex.compile(r"(?:前|第)?([一二三四1-4])\s*季度")
_HALF = {"上半年": 6, "半年": 6, "下半年": 12, "全年": 12, "年度": 12, "年底": 12, "年末": 12}


def period_end(period: str | None, year: int | None) -> dt.date | None:
    """The last day a period covers in `year`: 截至6月底 → June 30; 三季度 → September 30;
    1-11月 → November 30; 截至3月20日 → March 20; 上半年 → June 30; 全年 → December 31."""
    if not period or not year:
        return None
    text = nfkc_digits(squash_all(period))
    m = _DAY.search(text)
    if m:
        try:
            return dt.date(year, int(m.group(1)), int(m.group(2)))
        except ValueError:
            return None
    months = [int(x) for x in _MONTH.findall(text) if 1 <= int(x) <= 12]
    if months:
        return month_end(year, months[-1])  # 1-11月: the range's end
    m = _QUARTER.search(text)
    if m:
        q = m.group(1)
        quarter = int(q) if q.isdigit() else cn_to_int(q)
        return month_end(year, 3 * quarter) if quarter else None
    for word, month in _HALF.items():
        if word in text:
            return month_end(year, month)
    return None


def as_of_date(*, period: str | None, year: int | None, list_kind: str,
               published: dt.date | None) -> dt.date | None:
    """The date a list of tasks reports on: a completion report covers the whole year;
    a progress report its period's end, else its publication date; a plan is as of
    its publication."""
    if list_kind == "completion" and year:
        return dt.date(year, 12, 31)
    if list_kind == "progress":
        return period_end(period, year) or published
    return published
