"""Chinese numerals (一百二十 → 120) through cn2an, on captured spans only:
whole-sentence conversion mangles fixed terms (一网通办 → 1网通办)."""
from __future__ import annotations

from functools import cache

CN_DIGITS = "零〇一二两三四五六七八九十百千万亿"


def cn_to_int(text: str) -> int | None:
    """A Chinese numeral span to an int, or None if it is not one."""
    if not text or any(ch not in CN_DIGITS for ch in text):
        return None
    if text in ("万", "亿", "百", "千"):
        return None
    try:
        value = _cn2an()(text, "smart")
    except (ValueError, KeyError, TypeError):
        return None
    return int(value) if float(value).is_integer() else None


def to_int(text: str) -> int | None:
    """Arabic or Chinese numeral to int."""
    text = text.strip()
    if text.isdecimal():
        return int(text)
    return cn_to_int(text)


@cache
def _cn2an():
    """cn2an's converter, imported at the first Chinese numeral: building it takes a
    third of a second, which a command that parses nothing should not pay."""
    import cn2an

    return cn2an.cn2an
