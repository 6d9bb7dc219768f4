"""Repair rules: undo what extraction and layout did to the text.

Each rule is small, named and pure. `repair(layout)` runs them in order and
returns a new Layout; readers never repair and extraction never sees defects.
"""
from __future__ import annotations

import html
from functools import lru_cache

import regex

from . import profiles
from .extract.markers import opens_item
from .layout import Cell, Layout, Paragraph, Table
from .textnorm import TERMINAL_PUNCT, squash_all, squash_layout_spaces

# --- string rules -----------------------------------------------------------

_LEAKED_TAG = regex.compile(
    r"(?:<|&lt;)\s*/?\s*(?:ol|ul|li|p|br|span|div|font|strong|b|i|em|u|table|tr|td|th|tbody|a|o:p)"
    r"(?:\s(?:[^<>&]|&(?!gt;))*)?/?\s*(?:>|&gt;)",
    regex.IGNORECASE,
)


def strip_leaked_html(text: str) -> str:
    """HTML that a CMS escaped into the text (`&lt;ol style=…&gt;`, `<br/>`) is removed."""
    if "<" not in text and "&" not in text:
        return text
    text = _LEAKED_TAG.sub(" ", text)
    if "&" in text:
        text = html.unescape(text)
    return text


def fix_glyphs(text: str) -> str:
    """Known glyph defects from the profile (Th for 生, [image: ] for %)."""
    for rule in profiles.load().glyph_rules:
        text = rule.pattern.sub(rule.replacement, text)
    return text


_SPACE_AFTER_SENTENCE = regex.compile(r"(?<=[。；;！？!?])[ \t\u3000\u00a0]+(?=\S)")


def spaces_as_breaks(text: str) -> str:
    """A space after a full stop inside one line separates two parts (a web page
    flattened paragraphs into one line with spaces): make it a line break."""
    return _SPACE_AFTER_SENTENCE.sub("\n", text)


def repair_text(text: str) -> str:
    """Every string rule, in order, for one paragraph or cell paragraph."""
    if not text:
        return text
    text = strip_leaked_html(text)
    text = fix_glyphs(text)
    text = spaces_as_breaks(text)
    lines = [squash_layout_spaces(line, keep_tabs=True).strip() for line in text.split("\n")]
    return "\n".join(line for line in lines if line)


# --- paragraph rules --------------------------------------------------------

def is_page_furniture(text: str) -> bool:
    """Page numbers (`- 10 -`, `第3页 共9页`) and the bracket debris around them."""
    return any(p.match(text) for p in profiles.load().page_furniture)


_FULL_DATE_END = regex.compile(r"\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日\s*$")
_NO_LINE_START = "，、。；：？！）》”’%％,.;:?!)"
_OPEN_CLOSE = (("《", "》"), ("（", "）"), ("(", ")"), ("“", "”"))


def _starts_with_label(text: str) -> bool:
    head = text.lstrip()[:16]
    for synonym, _field in profiles.load().label_synonyms:
        if head.startswith(synonym):
            rest = head[len(synonym):]
            if not rest or rest[0] in "：:\t ":
                return True
    return False


def _unbalanced(text: str) -> bool:
    return any(text.count(o) > text.count(c) for o, c in _OPEN_CLOSE)


@lru_cache(maxsize=1)
def _head_words() -> tuple[regex.Pattern, regex.Pattern]:
    """(a page-furniture or metadata line's start, a title line's end), from
    document.toml's [chrome], [metadata] and [title] lists: such a line is never
    the wrapped half of a sentence."""
    d = profiles.load().document
    starts = d["chrome"]["starts"] + [w for kind in ("date", "source", "issuer", "doc_number", "other")
                                       for w in d["metadata"][kind] if len(w) > 1] + ["【"]
    alternation = "|".join(regex.escape(w) for w in sorted(set(starts), key=len, reverse=True))
    endings = "|".join(regex.escape(w) for w in sorted(d["title"]["endings"], key=len, reverse=True))
    return regex.compile(rf"^\s*(?:{alternation})"), regex.compile(rf"(?:{endings})$")


# a line opening with a short label of its own (监督方式：…, 联系电话：…) starts a field
_FIELD_LINE = regex.compile(r"^\p{Han}{2,8}[:：]")
_ADDRESSEE = regex.compile(r"^各.{2,}(?:政府|办事处|单位|部门|局|委|办|中心|公司)$")


def should_join(prev: str, nxt: str, *, prev_is_first: bool = False) -> bool:
    """Was the break between two text lines made by wrapping inside a sentence?"""
    p, n = prev.rstrip(), nxt.lstrip()
    if not p or not n:
        return False
    meta_line, title_end = _head_words()
    if opens_item(n) or _starts_with_label(n) or _FIELD_LINE.match(n) or meta_line.match(n) or meta_line.match(p):
        return False
    if _header_segments(n) or _header_segments(p):
        return False
    if n[0] in _NO_LINE_START:
        return True
    if p[-1] in TERMINAL_PUNCT + "：:" or _FULL_DATE_END.search(p):
        return False
    squashed = squash_all(p)
    if title_end.search(squashed) or _ADDRESSEE.match(squashed):
        return False
    if _unbalanced(p):
        return True
    if prev_is_first:  # a title line: its continuation is found by the title reader
        return False
    return len(squash_all(p)) >= 20


def join_wrapped(paragraphs: list[Paragraph]) -> list[Paragraph]:
    out: list[Paragraph] = []
    for para in paragraphs:
        if out and should_join(out[-1].text, para.text, prev_is_first=len(out) == 1):
            last = out[-1]
            out[-1] = Paragraph(squash_layout_spaces(last.text + para.text, keep_tabs=True), last.ref, last.heading)
        else:
            out.append(para)
    return out


def strip_title_echo(text: str, titles: list[str]) -> str:
    """A web page's title appended to the last cell by a sloppy copy is cut off."""
    for title in titles:
        if len(title) >= 8 and text.endswith(title) and text != title:
            return text[: -len(title)].rstrip()
    return text


# --- table rules ------------------------------------------------------------

_PERIOD_PREFIX = r"(?:第?[一二三四1-4]季度|[上下]半年|半年|全年|年度|本期|\d{1,2}(?:[-—至~]\d{1,2})?月份?)"


@lru_cache(maxsize=1)
def _header_pattern() -> regex.Pattern:
    synonyms = [s for s, _ in profiles.load().column_synonyms]
    return regex.compile(rf"(?:{_PERIOD_PREFIX})?(?:{'|'.join(map(regex.escape, synonyms))})")


@lru_cache(maxsize=4096)
def _header_segments(text: str) -> tuple[str, ...] | None:
    """Split a run-together header line (序号任务内容三季度进展情况) into known headers.
    Called for every pair of lines repair considers joining, hence cached."""
    text = squash_all(text)
    if len(text) < 4 or len(text) > 60:
        return None
    pattern = _header_pattern()
    # dynamic programming: best split covering the whole line with the fewest parts
    best: dict[int, list[str]] = {0: []}
    for start in range(len(text)):
        if start not in best:
            continue
        for end in range(len(text), start, -1):
            piece = text[start:end]
            if pattern.fullmatch(piece):
                candidate = best[start] + [piece]
                if end not in best or len(candidate) < len(best[end]):
                    best[end] = candidate
    parts = best.get(len(text))
    return tuple(parts) if parts and len(parts) >= 2 else None


_ROW_START = regex.compile(r"^\s*(\d{1,3})(?=[\s\p{Han}“《（(])")
_POINT_ONE = regex.compile(r"[。；;](?=\s*(?:1[.．、]|[（(]1[）)])\s*\D)")


def split_content_progress(text: str) -> tuple[str, str]:
    """Content and progress that ran together in one line.

    The task statement comes first; the progress starts at a numbered point
    "1." after a sentence end, or else after the task's first sentence.
    """
    m = _POINT_ONE.search(text)
    if m:
        return text[: m.end()].strip(), text[m.end():].strip()
    stop = text.find("。")
    if stop == -1:
        return text.strip(), ""
    return text[: stop + 1].strip(), text[stop + 1:].strip()


def rebuild_run_together_tables(blocks: list) -> list:
    """A web table whose cells ran together (序号任务内容进展情况 / 1发展养老…) becomes a Table."""
    out: list = []
    i = 0
    while i < len(blocks):
        block = blocks[i]
        parts = _header_segments(block.text) if isinstance(block, Paragraph) else None
        fields = [profiles.field_for_header(p) for p in parts] if parts else None
        if not fields or fields[0] != "seq" or fields[1:] not in (["content", "progress"], ["content"]):
            out.append(block)
            i += 1
            continue
        rows: list[list[Cell]] = [[Cell([p], block.ref) for p in parts]]
        expected, j, current = 1, i + 1, None
        while j < len(blocks) and isinstance(blocks[j], Paragraph):
            text = blocks[j].text
            m = _ROW_START.match(text)
            if m and (int(m.group(1)) == expected or (current is None and int(m.group(1)) >= 1)):
                if current:
                    rows.append(current)
                seq = int(m.group(1))
                body = text[m.end():].strip()
                content, progress = split_content_progress(body) if len(fields) == 3 else (body, "")
                ref = blocks[j].ref
                current = [Cell([str(seq)], ref), Cell([content], ref)]
                if len(fields) == 3:
                    current.append(Cell([progress] if progress else [], ref))
                expected = seq + 1
            elif current is not None and len(fields) == 3 and not _header_segments(text):
                current[2].paragraphs.append(text)
            else:
                break
            j += 1
        if current:
            rows.append(current)
        if len(rows) < 2:
            out.append(block)
            i += 1
            continue
        out.append(Table(rows, block.ref))
        i = j
    return out


def _repair_cell(cell: Cell) -> Cell:
    paragraphs = [t for t in (repair_text(p) for p in cell.paragraphs) if t]
    lines = [t for t in (repair_text(x) for x in cell.lines) if t] if cell.lines is not None else None
    return Cell(paragraphs, cell.ref, lines)


# --- the pipeline of rules --------------------------------------------------

def _title_candidates(blocks: list) -> list[str]:
    titles = []
    for block in blocks[:8]:
        if isinstance(block, Paragraph) and 8 <= len(block.text) <= 80 and "。" not in block.text:
            titles.append(block.text)
    return titles


def repair(layout: Layout) -> Layout:
    blocks: list = []
    for block in layout.blocks:
        if isinstance(block, Paragraph):
            text = repair_text(block.text)
            if text and not is_page_furniture(text):
                # a paragraph may now hold several lines (spaces that meant breaks)
                for line in text.split("\n") if layout.wrapped else [text]:
                    blocks.append(Paragraph(line, block.ref, block.heading))
        else:
            rows = [[_repair_cell(cell) for cell in row] for row in block.rows]
            blocks.append(Table(rows, block.ref))

    if layout.wrapped:
        merged: list = []
        run: list[Paragraph] = []
        for block in blocks:
            if isinstance(block, Paragraph):
                run.append(block)
            else:
                merged += join_wrapped(run)
                run = []
                merged.append(block)
        blocks = merged + join_wrapped(run)

    blocks = rebuild_run_together_tables(blocks)

    titles = _title_candidates(blocks)
    for block in blocks:
        if isinstance(block, Table):
            for row in block.rows:
                for cell in row:
                    if cell.paragraphs:
                        cell.paragraphs[-1] = strip_title_echo(cell.paragraphs[-1], titles)
    return Layout(blocks, layout.source_format, layout.pages, list(layout.notes), layout.wrapped)
