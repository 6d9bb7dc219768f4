"""minsheng-etl: Chinese government notices on 民生实事 and 重点工作 → DuckDB.

The public surface is what `__all__` names: parse a notice file (or its bytes) to
a `Notice`, the record models, and the warehouse opened read-only. Everything
else in the package is internal and may change between versions.

    >>> import minsheng_etl
    >>> notice = minsheng_etl.parse("notice.pdf")          # or parse(data_bytes)
    >>> [t.content for t in notice.tasks]
    >>> con = minsheng_etl.open_warehouse("data/curated/minsheng.duckdb")
    >>> con.sql("SELECT * FROM tasks_flat").df()
"""
from __future__ import annotations

from typing import TYPE_CHECKING

__version__ = "0.2.0"

# name → the module that defines it, imported on first use (the CLI imports this
# package: `etl query` should not pay for the parser)
_EXPORTS = {
    "parse": "pipeline",
    "open_warehouse": "load.warehouse",
    "EtlError": "errors",
    "Notice": "validate",
    "DocumentFacts": "validate",
    "Task": "validate",
    "Target": "validate",
    "Provenance": "validate",
    "TaskMeasures": "validate",
    "Achievement": "validate",
    "TaskWarning": "validate",
}
__all__ = ["__version__", "parse", "open_warehouse", "EtlError", "Notice", "DocumentFacts", "Task", "Target",
           "Provenance", "TaskMeasures", "Achievement", "TaskWarning"]

if TYPE_CHECKING:
    from .errors import EtlError
    from .load.warehouse import open_warehouse
    from .pipeline import parse
    from .validate import Achievement, DocumentFacts, Notice, Provenance, Target, Task, TaskMeasures, TaskWarning


def __getattr__(name: str):
    if name not in _EXPORTS:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(f".{_EXPORTS[name]}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
