"""Dates: deadlines (完成时限) and publication dates.

2025年12月31日 → 2025-12-31; 2024年12月底 → the month's last day; a date with no
year takes the plan year; several dates → the latest (the task ends last).
"""
from __future__ import annotations

import calendar
import datetime as dt

import regex

from ..textnorm import nfkc_digits, squash_all
from .numerals import cn_to_int

_NUM = r"(\d{1,4}|[〇零一二三四五六七八九十两]{1,4})"
_DATE = regex.compile(
    rf"(?:{_NUM}\s*年)?\s*(?:{_NUM}\s*月\s*(?:{_NUM}\s*[日号]|(底|末|中旬|上旬|下旬|中|初))?|(底|末))"
)
_ISO = regex.compile(r"(\d{4})\s*[-./／年]\s*(\d{1,2})\s*[-./／月]\s*(\d{1,2})")
_YEAR_END = regex.compile(r"(\d{4})\s*年(?:\s*年)?\s*(?:底|末|内|全年)")
_QUARTER = regex.compile(r"(?:(\d{4})\s*年\s*)?(?:第)?([一二三四1-4])季度(?:末|底)?")


def _num(text: str | None) -> int | None:
    if text is None:
        return None
    if text.isdecimal():
        return int(text)
    return cn_to_int(text)


def month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def _safe_date(y: int | None, m: int | None, d: int | None) -> dt.date | None:
    try:
        if y and m and d:
            return dt.date(y, m, d)
        if y and m:
            return month_end(y, m)
    except ValueError:
        return None
    return None


def find_dates(text: str, default_year: int | None = None) -> list[dt.date]:
    """Every date a deadline text names, in order of appearance."""
    text = nfkc_digits(squash_all(text))
    found: list[tuple[int, dt.date]] = []
    taken: list[tuple[int, int]] = []
    for m in _ISO.finditer(text):
        date = _safe_date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        if date:
            found.append((m.start(), date))
            taken.append(m.span())
    for m in _DATE.finditer(text):
        if not m.group(0) or any(s <= m.start() < e for s, e in taken):
            continue
        year = _num(m.group(1)) or default_year
        if m.group(1):
            default_year = year  # a later date without a year is in the same year
        if year and year < 100:
            year += 2000
        if m.group(5):  # 年底 without a month
            if m.group(1):
                found.append((m.start(), dt.date(year, 12, 31)))
            continue
        month, day, tail = _num(m.group(2)), _num(m.group(3)), m.group(4)
        if not (year and month and 1 <= month <= 12):
            continue
        if day:
            date = _safe_date(year, month, day)
        elif tail in ("中旬", "中"):
            date = _safe_date(year, month, 20)
        elif tail in ("上旬", "初"):
            date = _safe_date(year, month, 10)
        else:  # 月底, 月末, 下旬 or a bare month: the month's last day
            date = month_end(year, month)
        if date:
            found.append((m.start(), date))
    for m in _YEAR_END.finditer(text):
        if not any(s <= m.start() < e for s, e in taken):
            found.append((m.start(), dt.date(int(m.group(1)), 12, 31)))
    if not found:
        q = _QUARTER.search(text)
        year = int(q.group(1)) if q and q.group(1) else default_year
        if q and year:
            quarter = "一二三四".find(q.group(2)) + 1 if not q.group(2).isdecimal() else int(q.group(2))
            found.append((q.start(), month_end(year, quarter * 3)))
    found.sort(key=lambda p: p[0])
    return [d for _, d in found]


def parse_deadline(text: str | None, plan_year: int | None = None) -> dt.date | None:
    """The deadline a 完成时限 cell names: the latest date in it, or None."""
    if not text:
        return None
    dates = find_dates(text, plan_year)
    return max(dates) if dates else None


def parse_date(text: str | None) -> dt.date | None:
    """One full date (publication dates): the first in the text."""
    if not text:
        return None
    dates = find_dates(text)
    return dates[0] if dates else None


def deadline_text(text: str | None) -> str | None:
    """完成时限 as written, whitespace removed."""
    value = squash_all(text)
    return value or None
