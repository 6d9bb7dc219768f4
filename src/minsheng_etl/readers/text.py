"""Plain-text dumps: what a copy from a PDF viewer or a web page gives.

Three shapes are told apart line by line:
- tab-separated rows (two or more tabs on a line) and pipe-separated rows
  (`序号 | 项目内容 | 牵头单位 |`, as web tables copy out and Markdown writes
  them): a table row per line;
- tab-led cells (a line starting with a tab opens a cell, lines without a tab
  continue it, a blank line followed by a tab-led line ends the row): a table
  dumped one cell per line;
- everything else: one paragraph per line, which repair may join.
"""
from __future__ import annotations

import regex

from ..layout import Cell, Layout, Paragraph, Ref, Table
from .encoding import decode_text


def read_text(data: bytes) -> Layout:
    text, encoding = decode_text(data)
    layout = parse_text(text)
    if encoding not in ("utf-8", "ascii"):
        layout.notes.append(f"decoded as {encoding}")
    return layout


def parse_text(text: str) -> Layout:
    lines = text.replace("\r\n", "\n").replace("\r", "\n").replace("\ufeff", "").split("\n")
    blocks: list = []
    i, table_no = 0, 0
    pending_tsv: list[list[Cell]] = []

    def flush_tsv():
        nonlocal table_no, pending_tsv
        if len(pending_tsv) == 1:  # one line with tabs is a paragraph (label<TAB>value<TAB>…)
            cells = pending_tsv[0]
            blocks.append(Paragraph("\t".join(c.text for c in cells), cells[0].ref.with_(col=None)))
            pending_tsv = []
        if pending_tsv:
            table_no += 1
            blocks.append(_numbered(Table(pending_tsv, pending_tsv[0][0].ref.with_(col=None)), table_no))
            pending_tsv = []

    while i < len(lines):
        line = lines[i]
        if _PIPE_RULE.match(line):
            i += 1  # a Markdown rule under the header: |---|---|
            continue
        if _is_pipe_row(line):
            pending_tsv.append([Cell([c.strip()] if c.strip() else [], Ref(line=i + 1, col=k + 1))
                                for k, c in enumerate(_pipe_cells(line))])
            i += 1
            continue
        continues_run = bool(pending_tsv) and line.strip() and line.count("\t") + 1 == len(pending_tsv[-1])
        if line.count("\t") >= 2 and (not line.startswith("\t") or continues_run):
            # (a row of a tab-separated run may start with a tab: its first cell is empty,
            # as a merged category cell or a row continued from the one above copies out)
            pending_tsv.append([Cell([c.strip()] if c.strip() else [], Ref(line=i + 1, col=k + 1))
                                for k, c in enumerate(line.split("\t"))])
            i += 1
            continue
        flush_tsv()
        if line.startswith("\t") and line.strip():
            groups, i = _read_tab_led(lines, i)
            run: list[list[Cell]] = []
            for group in groups + [[]]:
                if run and len(group) != len(run[0]):
                    table_no += 1
                    blocks.append(_numbered(Table(run, run[0][0].ref.with_(col=None)), table_no))
                    run = []
                if len(group) == 1:
                    cell = group[0]
                    blocks.append(Paragraph(" ".join(cell.paragraphs), cell.ref.with_(col=None)))
                elif group:
                    run.append(group)
            continue
        if line.strip():
            blocks.append(Paragraph(line.strip(), Ref(line=i + 1)))
        i += 1
    flush_tsv()
    return Layout(blocks, source_format="text", wrapped=True)


_PIPES = "|｜"
_PIPE_RULE = regex.compile(r"^\s*[|｜]?\s*:?-{3,}:?\s*(?:[|｜]\s*:?-{3,}:?\s*)+[|｜]?\s*$")


def _is_pipe_row(line: str) -> bool:
    return sum(line.count(p) for p in _PIPES) >= 2 and not line.startswith("\t")


def _pipe_cells(line: str) -> list[str]:
    cells = regex.split(r"\s*[|｜]\s*", line.strip())
    if cells and not cells[0] and line.strip()[0] in _PIPES:
        cells = cells[1:]  # | a | b | : the edge pipes open and close the row
    if cells and not cells[-1] and line.strip()[-1] in _PIPES:
        cells = cells[:-1]
    return cells


def _read_tab_led(lines: list[str], i: int) -> tuple[list[list[Cell]], int]:
    """Read tab-led cells from line i on; return the rows (lists of cells) and the next line."""
    rows: list[list[Cell]] = []
    row: list[Cell] = []
    blank_before = False
    while i < len(lines):
        line = lines[i]
        if not line.strip():
            blank_before = True
            i += 1
            continue
        if line.startswith("\t"):
            if blank_before and row:
                rows.append(row)
                row = []
            row.append(Cell([line.strip()], Ref(line=i + 1, col=len(row) + 1)))
        elif row:
            # a line without a tab continues the open cell; after a blank line
            # it would end the table unless more tab-led lines follow
            if blank_before and not _more_tab_lines(lines, i):
                break
            row[-1].paragraphs.append(line.strip())
        else:
            break
        blank_before = False
        i += 1
    if row:
        rows.append(row)
    return rows, i


def _more_tab_lines(lines: list[str], i: int) -> bool:
    for line in lines[i:]:
        if line.startswith("\t") and line.strip():
            return True
        if not line.strip():
            continue
    return False


def _numbered(table: Table, number: int) -> Table:
    table.ref = table.ref.with_(table=number)
    for r, row in enumerate(table.rows, start=1):
        for cell in row:
            cell.ref = cell.ref.with_(table=number, row=r)
    return table
