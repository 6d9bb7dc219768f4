"""`--help` without `<bool>` after every flag.

Typer (0.2x) prints each option's type after it, flags included: `--json <bool>`
reads as if the flag took a value. A flag takes none, so it shows no type."""
from __future__ import annotations

from typer.core import TyperOption

_typed = TyperOption.display_type_rich


def _display_type_rich(self, ctx):
    return None if self.is_flag and self.metavar is None else _typed(self, ctx)


def flags_without_type() -> None:
    TyperOption.display_type_rich = _display_type_rich
