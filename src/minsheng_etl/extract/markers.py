"""The marks that open a numbered or bulleted item, in every style notices use.

Paragraph-start styles, outermost first (一、 > （一） > 1. > （1）), then the
styles that need no heading level of their own: ①, 一是, 第一项 and bullets.
A bullet carries no number: its item takes the next number in the list.
"""
from __future__ import annotations

from functools import lru_cache

import regex

from .. import profiles
from ..fields.numerals import to_int

CN = "一二三四五六七八九十"
CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"

CLASSIC = ("cn", "cn_paren", "arabic", "arabic_paren")
NEW = ("circled", "cn_shi", "cn_item", "bullet")
IMPLICIT = ("bullet", "lead", "plain")  # items numbered by their order
# styles that also run on inside one paragraph: "（1）…（2）…", "一是…；二是…", "①…②…"
INLINE = ("arabic_paren", "circled", "cn_shi")

_OPEN = r"(?:(?<=^)|(?<=[\s:：;；,，。、!！?？]))"  # where an inline item may begin


@lru_cache(maxsize=1)
def _patterns() -> dict[str, regex.Pattern]:
    bullets = "".join(regex.escape(b) for b in profiles.vocabulary("segmentation.toml")["bullets"])
    return {
        "cn": regex.compile(rf"^\s*(?:第)?([{CN}]{{1,3}})\s*[、.．]"),
        "cn_paren": regex.compile(rf"^\s*[（(]\s*([{CN}]{{1,3}})\s*[）)]\s*"),
        "arabic": regex.compile(r"^\s*(?:第\s*)?(\d{1,3})\s*(?:[.．、。](?!\d)|项\s*[：:、.．]?)\s*"),
        "arabic_paren": regex.compile(r"^\s*[（(]?\s*(\d{1,3})\s*[）)]\s*"),  # (1) and 1)
        "circled": regex.compile(rf"^\s*([{CIRCLED}])\s*"),
        "cn_shi": regex.compile(rf"^\s*([{CN}]{{1,3}})是(?=\S)"),
        "cn_item": regex.compile(rf"^\s*第([{CN}]{{1,3}})项\s*[：:、.．]?\s*"),
        "bullet": regex.compile(rf"^\s*[{bullets}]\s*"),
    }


@lru_cache(maxsize=1)
def _inline_patterns() -> dict[str, regex.Pattern]:
    return {
        "arabic_paren": regex.compile(rf"{_OPEN}[（(]\s*(\d{{1,2}})\s*[）)]"),
        "circled": regex.compile(rf"{_OPEN}([{CIRCLED}])"),
        "cn_shi": regex.compile(rf"{_OPEN}([{CN}]{{1,3}})是(?=\S)"),
    }


def number_of(token: str) -> int | None:
    if len(token) == 1 and token in CIRCLED:
        return CIRCLED.index(token) + 1
    return to_int(token)


def marker(text: str, style: str) -> tuple[int, int] | None:
    """(number, end of the marker) when text opens with the style's marker; an
    implicit style (bullets) gives number 0: the caller numbers it."""
    pattern = _patterns().get(style)
    if pattern is None:
        return None
    m = pattern.match(text)
    if not m:
        return None
    if style == "bullet":
        return 0, m.end()
    n = number_of(m.group(1))
    return (n, m.end()) if n else None


def inline_markers(text: str, style: str) -> list[tuple[int, int, int]]:
    """(number, start, end) of every inline marker of the style in text."""
    out = []
    for m in _inline_patterns()[style].finditer(text):
        n = number_of(m.group(1))
        if n:
            out.append((n, m.start(), m.end()))
    return out


def consecutive_run(found: list[tuple[int, int, int]]) -> list[tuple[int, int, int]]:
    """The longest run 1, 2, 3… (each number the next one, in text order) that starts at 1."""
    best: list = []
    for i, (n, _, _) in enumerate(found):
        if n != 1:
            continue
        run = [found[i]]
        for item in found[i + 1:]:
            if item[0] == run[-1][0] + 1:
                run.append(item)
        if len(run) > len(best):
            best = run
    return best


@lru_cache(maxsize=1)
def _block_opener() -> regex.Pattern:
    """Openers that are not item numbers but start a block all the same: 第N条/章/节,
    an attachment line (document.toml's words), a dash-led heading (——坚持推进…)."""
    attachment = "|".join(r"\s*".join(regex.escape(ch) for ch in w)
                          for w in profiles.load().document["title"]["attachment"])
    return regex.compile(rf"^\s*(?:第[一二三四五六七八九十\d]{{1,3}}[条章节部分]|{attachment}|—|－－)")


def opens_item(text: str) -> bool:
    """Does a line open an item or a block of its own (any marker style, 第N条, 附件,
    ——)? Repair does not join such a line to the one above; a title never runs on
    into one."""
    return bool(_block_opener().match(text)) or any(marker(text, style) for style in CLASSIC + NEW)

