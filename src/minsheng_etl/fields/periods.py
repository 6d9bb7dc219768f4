"""A report's as-of date, from its reporting period (截至6月底, 一季度, 1-11月, 全年)."""
from __future__ import annotations

import datetime as dt

import regex

from .. import profiles
from ..script import to_simplified
from .dates import find_dates, month_end


def _year_parts() -> dict[str, int]:
    """Periods that name no month (上半年, 全年): the months they cover (document.toml)."""
    return profiles.load().document["period"]["year_parts"]


def period_end(period: str | None, year: int | None) -> dt.date | None:
    """The last day a period covers in `year`: 截至6月底 → June 30; 三季度 → September 30;
    1-11月 and 前11个月 → November 30; 截至3月20日 → March 20; 上半年 → June 30; 全年 → December 31."""
    if not period or not year:
        return None
    period = to_simplified(period)
    elapsed = regex.search(profiles.load().document["period"]["months_elapsed"], period)
    if elapsed and 1 <= int(elapsed.group(1)) <= 12:  # 前11个月 → November 30
        return month_end(year, int(elapsed.group(1)))
    dates = find_dates(period, default_year=year)  # months, days and quarters, as deadlines read them
    if dates:
        return max(dates)
    for words, month in _year_parts().items():
        if words in period:
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
