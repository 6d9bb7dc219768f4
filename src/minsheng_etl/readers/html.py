"""Web pages with beautifulsoup4 (lxml): the charset from the bytes, the meta tag
and the content; navigation, breadcrumbs, scripts and footers dropped; content
tables (rows of text cells) told apart from layout tables (tables of tables);
<br> and <p> inside cells kept as line breaks; rowspan/colspan resolved by
repeating the spanning cell."""
from __future__ import annotations

import regex
from bs4 import BeautifulSoup, NavigableString, Tag

from .. import limits as file_limits
from ..layout import Cell, Layout, Paragraph, Ref, Table, lift_title_rows
from .encoding import decode_text

_META_CHARSET = regex.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w-]+)""", regex.IGNORECASE)
_DROP_TAGS = ("script", "style", "noscript", "iframe", "form", "nav", "header", "footer", "select", "button",
              "input", "object", "svg", "template")
# class/id words of page chrome in Chinese government CMSs
_CHROME = regex.compile(r"(?:^|[-_\s])(?:top|logo|nav|navbar|menu|footer|foot|bottom|copyright|breadcrumb|crumbs?|"
                        r"position|location|search|share|sidebar|side|related|friendlink|links|banner|header)(?:$|[-_\s\d])",
                        regex.IGNORECASE)
_BLOCK = {"p", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "section", "article", "blockquote", "pre", "dd", "dt",
          "ul", "ol", "center", "main", "td", "th", "tr", "table", "tbody", "thead", "dl", "address", "figure"}


_TAG = regex.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9]*)[^<>]*?(/?)>")
# elements that never nest (void) or whose end tag may be left out: not counted as depth
_FLAT = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track",
         "wbr", "p", "li", "td", "th", "tr", "dt", "dd", "option", "optgroup", "thead", "tbody", "tfoot", "colgroup",
         "rb", "rt", "rp"}


def check_nesting(text: str, limit: int) -> None:
    """Refuse a page nested deeper than `limit` elements before parsing it: the tree
    walks that follow are recursive, and no real page comes near the limit."""
    depth = 0
    for m in _TAG.finditer(text):
        closing, name, self_closing = m.group(1), m.group(2).lower(), m.group(3)
        if name in _FLAT or self_closing:
            continue
        if closing:
            depth = max(0, depth - 1)
        else:
            depth += 1
            if depth > limit:
                raise file_limits.LimitExceeded(f"elements nested more than {limit:,} deep (limit max_nesting; "
                                                f"MINSHENG_MAX_NESTING)")


def read_html(data: bytes) -> Layout:
    m = _META_CHARSET.search(data[:4096])
    text, encoding = decode_text(data, m.group(1).decode("ascii", "ignore") if m else None)
    check_nesting(text, file_limits.current().max_nesting)
    soup = BeautifulSoup(text, "lxml")
    for tag in soup.find_all(_DROP_TAGS):
        tag.decompose()
    for tag in soup.find_all(True):
        if tag.decomposed or tag.name in ("html", "body"):
            continue
        words = " ".join(tag.get("class") or []) + " " + (tag.get("id") or "")
        if _CHROME.search(words) and not tag.find("table"):
            tag.decompose()
    blocks: list = []
    state = {"table": 0, "para": 0}
    root = soup.body or soup
    _walk(root, blocks, state)
    layout = Layout(blocks, source_format="html")
    if encoding not in ("utf-8", "ascii"):
        layout.notes.append(f"decoded as {encoding}")
    return layout


def _is_layout_table(table: Tag) -> bool:
    return table.find("table") is not None


def _inline_text(tag: Tag) -> list[str]:
    """Text of an element, with <br> and block children as line breaks."""
    parts: list[str] = []
    current: list[str] = []

    def flush():
        line = "".join(current).strip()
        if line:
            parts.append(line)
        current.clear()

    def visit(node):
        for child in node.children:
            if isinstance(child, NavigableString):
                if child.__class__.__name__ in ("Comment", "Doctype", "Declaration", "ProcessingInstruction"):
                    continue
                current.append(regex.sub(r"[\r\n\t]+", " ", str(child)))
            elif isinstance(child, Tag):
                if child.name == "br":
                    flush()
                elif child.name in _BLOCK:
                    flush()
                    visit(child)
                    flush()
                else:
                    visit(child)

    visit(tag)
    flush()
    return parts


_CENTRED = regex.compile(r"text-align\s*:\s*center", regex.IGNORECASE)
_EMPHASIS = ("b", "strong")


def _looks_heading(tag: Tag) -> bool:
    """A title hint: <h1>-<h3>, a centred block, or a block whose text is all bold
    (CMS pages print captions and sub-headings as <p><strong>…</strong></p>)."""
    if tag.name in ("h1", "h2", "h3") or tag.name == "center":
        return True
    if (tag.get("align") or "").lower() == "center" or _CENTRED.search(tag.get("style") or ""):
        return True
    texts = [t for t in tag.find_all(string=True) if t.strip()]
    return bool(texts) and all(_emphasised(t, tag) for t in texts)


def _emphasised(text: NavigableString, block: Tag) -> bool:
    """Is the text inside a <b>/<strong> within the block?"""
    for parent in text.parents:
        if parent is block:
            return False
        if parent.name in _EMPHASIS:
            return True
    return False


def _walk(node: Tag, blocks: list, state: dict) -> None:
    pending: list[str] = []

    def flush_inline():
        text = "".join(pending).strip()
        pending.clear()
        if text:
            state["para"] += 1
            blocks.append(Paragraph(text, Ref(para=state["para"])))

    for child in node.children:
        if isinstance(child, NavigableString):
            if child.__class__.__name__ == "NavigableString":
                pending.append(regex.sub(r"\s+", " ", str(child)))
            continue
        if not isinstance(child, Tag):
            continue
        if child.name == "table" and not _is_layout_table(child):
            flush_inline()
            state["table"] += 1
            blocks += lift_title_rows(_table(child, state["table"]))
        elif child.name == "br":
            flush_inline()
        elif child.name in _BLOCK:
            flush_inline()
            if any(isinstance(c, Tag) and (c.name in _BLOCK) for c in child.descendants):
                _walk(child, blocks, state)
            else:
                for line in _inline_text(child):
                    state["para"] += 1
                    blocks.append(Paragraph(line, Ref(para=state["para"]), heading=_looks_heading(child)))
        else:
            pending.append(" ".join(_inline_text(child)))
    flush_inline()


def _table(table: Tag, number: int) -> Table:
    grid: dict[tuple[int, int], Cell] = {}
    rows = [tr for tr in table.find_all("tr") if tr.find_parent("table") is table]
    width = 0
    for r, tr in enumerate(rows):
        c = 0
        for td in tr.find_all(["td", "th"], recursive=False):
            while (r, c) in grid:
                c += 1
            try:
                rowspan = max(1, int(td.get("rowspan", 1)))
                colspan = max(1, int(td.get("colspan", 1)))
            except ValueError:
                rowspan = colspan = 1
            cell = Cell(_inline_text(td), Ref(table=number, row=r + 1, col=c + 1))
            for dr in range(min(rowspan, 200)):
                for dc in range(min(colspan, 50)):
                    grid[(r + dr, c + dc)] = cell if (dr, dc) == (0, 0) else \
                        Cell(list(cell.paragraphs), Ref(table=number, row=r + dr + 1, col=c + dc + 1))
            c += colspan
            width = max(width, c)
    out = []
    for r in range(len(rows)):
        out.append([grid.get((r, c), Cell([], Ref(table=number, row=r + 1, col=c + 1))) for c in range(width)])
    return Table(out, Ref(table=number))
