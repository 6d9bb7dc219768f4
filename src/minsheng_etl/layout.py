"""The Layout: the one intermediate form every reader produces.

A Layout is an ordered list of blocks, each a paragraph or a table, with
provenance. Extraction only ever sees a Layout, never a file format.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Union


@dataclass(frozen=True)
class Ref:
    """Where a piece of text came from. Unused coordinates stay None."""

    page: int | None = None  # 1-based PDF page
    line: int | None = None  # 1-based line of a text file
    table: int | None = None  # 1-based table index in the document
    row: int | None = None  # 1-based row inside its table
    col: int | None = None  # 1-based column
    para: int | None = None  # 1-based paragraph index (DOCX/HTML body)

    def label(self) -> str:
        parts = []
        for name, short in (("page", "p"), ("table", "t"), ("row", "r"), ("line", "l"), ("para", "¶")):
            value = getattr(self, name)
            if value is not None:
                parts.append(f"{short}{value}")
        return " ".join(parts) or "-"

    def with_(self, **changes) -> Ref:
        return replace(self, **changes)


@dataclass
class Paragraph:
    text: str
    ref: Ref = field(default_factory=Ref)
    heading: bool = False  # a reader's hint: title font, bold run-in heading, <h1>...


@dataclass
class Cell:
    """One table cell: its paragraphs in order (a cell often holds several)."""

    paragraphs: list[str]
    ref: Ref = field(default_factory=Ref)
    # the visual lines, when a reader joined wrapped lines into paragraphs (PDF):
    # name lists (责任单位) are better split from lines, since a name that fills
    # the cell's width looks like a wrapped line
    lines: list[str] | None = None

    @property
    def text(self) -> str:
        return "\n".join(p for p in self.paragraphs if p)

    @property
    def line_text(self) -> str:
        return "\n".join(self.lines) if self.lines is not None else self.text


@dataclass
class Table:
    rows: list[list[Cell]]
    ref: Ref = field(default_factory=Ref)


Block = Union[Paragraph, Table]


@dataclass
class Layout:
    blocks: list[Block]
    source_format: str = "text"
    pages: int | None = None
    notes: list[str] = field(default_factory=list)  # what a reader did that a user should know
    # True when paragraphs may be visual lines rather than real paragraphs (text
    # dumps): repair then joins lines wrapped inside a sentence.
    wrapped: bool = False

    def paragraphs(self) -> list[Paragraph]:
        return [b for b in self.blocks if isinstance(b, Paragraph)]

    def tables(self) -> list[Table]:
        return [b for b in self.blocks if isinstance(b, Table)]

    def plain_text(self) -> str:
        """All text in reading order, one paragraph or table row per line."""
        out = []
        for b in self.blocks:
            if isinstance(b, Paragraph):
                out.append(b.text)
            else:
                for row in b.rows:
                    out.append("\t".join(c.text.replace("\n", " ") for c in row))
        return "\n".join(out)


def is_title_row(texts: list[str]) -> bool:
    """A row that holds one text across the table: a title or caption printed
    inside it (a merged cell repeats its text over the columns it spans). Two
    cells alike are a pair, not a title (项目内容 merged over two columns of a header)."""
    filled = [t for t in texts if t]
    return len(set(filled)) == 1 and len(filled) != 2


def lift_title_rows(table: Table) -> list[Block]:
    """The table's leading title rows as heading paragraphs, then the table: a sheet
    saved as a web page or a Word table often opens with the notice's title and a
    caption (表1：…) merged across it, which are not its header. Shared by every
    reader of tables with merged cells (xlsx, xls, html, docx)."""
    rows = list(table.rows)
    lifted: list[Block] = []
    while len(rows) > 1 and len(rows[0]) > 1 and is_title_row([c.text for c in rows[0]]):
        first = next(c for c in rows.pop(0) if c.text)
        for line in first.paragraphs:
            if line.strip():
                lifted.append(Paragraph(line, first.ref, heading=True))
    return lifted + [Table(rows, table.ref)] if lifted else [table]

