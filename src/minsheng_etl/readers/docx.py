"""Word .docx with python-docx: body paragraphs and tables in document order.

Headers and footers live in other parts and are never read. Merged cells come
back repeated (python-docx resolves grid spans and vertical merges to the
spanning cell), which is what extraction expects of a rowspan. Word's automatic
numbering is rendered in front of the text where it carries the task number.
"""
from __future__ import annotations

import io

import docx
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.table import Table as DocxTable
from docx.text.paragraph import Paragraph as DocxParagraph

from ..layout import Cell, Layout, Paragraph, Ref, Table, lift_title_rows

_CN = "零一二三四五六七八九十"


def _cn_number(n: int) -> str:
    """1 → 一, 12 → 十二, 23 → 二十三 (Word's chineseCounting list numbers)."""
    if n <= 10:
        return _CN[n]
    tens, ones = divmod(n, 10)
    return (_CN[tens] if tens > 1 else "") + "十" + (_CN[ones] if ones else "")


class _Numbering:
    """Renders automatic list numbers (numPr) the way Word displays them."""

    def __init__(self, document):
        self.levels: dict[tuple[str, int], tuple[str, str, int]] = {}
        self.counters: dict[str, list[int]] = {}
        self._styles: dict[str | None, tuple[str, object]] = {}
        try:
            part = document.part.numbering_part
        except (KeyError, NotImplementedError, AttributeError):
            return
        root = part.element
        abstract = {}
        for a in root.findall(qn("w:abstractNum")):
            levels = {}
            for lvl in a.findall(qn("w:lvl")):
                ilvl = int(lvl.get(qn("w:ilvl")))
                fmt = lvl.find(qn("w:numFmt"))
                text = lvl.find(qn("w:lvlText"))
                start = lvl.find(qn("w:start"))
                levels[ilvl] = (fmt.get(qn("w:val")) if fmt is not None else "decimal",
                                text.get(qn("w:val")) if text is not None else "%1.",
                                int(start.get(qn("w:val"))) if start is not None else 1)
            abstract[a.get(qn("w:abstractNumId"))] = levels
        for num in root.findall(qn("w:num")):
            ref = num.find(qn("w:abstractNumId"))
            if ref is None:
                continue
            for ilvl, spec in abstract.get(ref.get(qn("w:val")), {}).items():
                self.levels[(num.get(qn("w:numId")), ilvl)] = spec

    def style(self, paragraph: DocxParagraph) -> tuple[str, object]:
        """(name, numPr) of the paragraph's style or its bases (List Number). Looked
        up once per style id: python-docx searches the styles part on every call."""
        style_id = paragraph._p.style
        if style_id not in self._styles:
            style = paragraph.style
            name, numpr = (style.name or "") if style is not None else "", None
            while style is not None:
                sppr = style.element.pPr
                if sppr is not None and sppr.numPr is not None and sppr.numPr.numId is not None:
                    numpr = sppr.numPr
                    break
                style = style.base_style
            self._styles[style_id] = (name, numpr)
        return self._styles[style_id]

    def _numpr(self, paragraph: DocxParagraph):
        """numPr of the paragraph, else of its style or the style's bases."""
        ppr = paragraph._p.pPr
        if ppr is not None and ppr.numPr is not None and ppr.numPr.numId is not None:
            return ppr.numPr
        return self.style(paragraph)[1]

    def label(self, paragraph: DocxParagraph) -> str:
        numpr = self._numpr(paragraph)
        if numpr is None:
            return ""
        num_id = str(numpr.numId.val)
        ilvl = int(numpr.ilvl.val) if numpr.ilvl is not None else 0
        spec = self.levels.get((num_id, ilvl))
        if spec is None or num_id == "0":
            return ""
        counters = self.counters.setdefault(num_id, [0] * 9)
        if counters[ilvl] == 0:
            counters[ilvl] = spec[2] - 1
        counters[ilvl] += 1
        for deeper in range(ilvl + 1, 9):
            counters[deeper] = 0
        text = spec[1]
        for level in range(9):
            token = f"%{level + 1}"
            if token in text:
                fmt = self.levels.get((num_id, level), spec)[0]
                n = counters[level] or 1
                text = text.replace(token, _cn_number(n) if fmt.startswith(("chinese", "ideograph")) else str(n))
        return "" if spec[0] == "bullet" else text


def _looks_heading(para: DocxParagraph, style: str) -> bool:
    """A title hint: a heading or title style, a centred paragraph (红头 titles), or a
    paragraph whose text is all bold (sub-headings and table captions)."""
    if style.lower().startswith(("heading", "title")) or "标题" in style:
        return True
    if para.alignment == WD_ALIGN_PARAGRAPH.CENTER:
        return True
    runs = [r for r in para.runs if r.text.strip()]
    return bool(runs) and all(r.bold for r in runs)


def read_docx(data: bytes) -> Layout:
    document = docx.Document(io.BytesIO(data))
    numbering = _Numbering(document)
    blocks: list = []
    table_no = para_no = 0
    body = document.element.body
    for child in body.iterchildren():
        if child.tag == qn("w:p"):
            para = DocxParagraph(child, document)
            para_no += 1
            text = numbering.label(para) + para.text
            if text.strip():
                style = numbering.style(para)[0]
                blocks.append(Paragraph(text, Ref(para=para_no), heading=_looks_heading(para, style)))
        elif child.tag == qn("w:tbl"):
            table_no += 1
            blocks += lift_title_rows(_table(DocxTable(child, document), table_no, numbering))
    return Layout(blocks, source_format="docx")


def _table(table: DocxTable, number: int, numbering: _Numbering) -> Table:
    rows = []
    for r, row in enumerate(table.rows, start=1):
        cells = []
        for c, cell in enumerate(row.cells, start=1):
            paragraphs = [numbering.label(p) + p.text for p in cell.paragraphs]
            cells.append(Cell([p for p in paragraphs if p.strip()], Ref(table=number, row=r, col=c)))
        rows.append(cells)
    return Table(rows, Ref(table=number))
