"""The DuckDB warehouse file.

- schema.py      schemas/*.sql applied in order (tables once, views when changed)
- connection.py  opening it: the writer's lock waited for, readers sandboxed,
                 damage told apart from a busy lock; open_warehouse (read-only)
- writers.py     one writer at a time, on a copy published by an atomic rename
- tables.py      runs, rejects, bulk inserts, transactions
"""
from __future__ import annotations

from .connection import DEFAULT_DB, connect, damaged, explain, open_warehouse, verify
from .schema import migrate, schema_head, upgrade_note
from .tables import Run, bulk_insert, finish_run, loaded_version, record_reject, start_run, transaction
from .writers import health, publish, set_aside, writer, writer_lock

__all__ = ["DEFAULT_DB", "Run", "bulk_insert", "connect", "damaged", "explain", "finish_run", "health",
           "loaded_version", "migrate", "open_warehouse", "publish", "record_reject", "schema_head", "set_aside",
           "start_run", "transaction", "upgrade_note", "verify", "writer", "writer_lock"]
