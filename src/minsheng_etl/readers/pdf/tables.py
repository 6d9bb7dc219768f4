"""Ruled tables from a page's edges, by pdfplumber's table finder (snap and join
the edges, intersect them, close cells, group cells into tables).

The finder only asks its page for `edges` and `bbox`, so any engine's ruling
lines can be handed to it: one algorithm, whichever engine read the page."""
from __future__ import annotations

from dataclasses import dataclass

from pdfplumber.table import TableFinder


@dataclass
class _Sheet:
    """The part of a pdfplumber Page the table finder reads."""

    edges: list[dict]
    bbox: tuple[float, float, float, float]


def edge(x0: float, top: float, x1: float, bottom: float) -> dict:
    """An axis-aligned ruling segment in pdfplumber's edge form."""
    return {"object_type": "line", "x0": x0, "x1": x1, "top": top, "bottom": bottom, "doctop": top,
            "width": x1 - x0, "height": bottom - top, "orientation": "h" if top == bottom else "v"}


def find_tables(edges: list[dict], bbox: tuple[float, float, float, float]) -> list:
    """The ruled tables on a page: pdfplumber Tables (bbox, rows of cell boxes)."""
    if not edges:
        return []
    return TableFinder(_Sheet(edges, bbox)).tables
