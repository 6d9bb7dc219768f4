"""Errors a user sees. Each carries the stage it happened in, so a rejected file
is listed with where and why it failed."""
from __future__ import annotations


class EtlError(Exception):
    stage = "pipeline"


class ReadError(EtlError):
    """The bytes cannot be read as a notice (unknown format, broken text layer...)."""

    stage = "read"


class ExtractError(EtlError):
    """A readable file that holds no task list we recognise."""

    stage = "extract"


class ValidationFailed(EtlError):
    """Extracted records break the record contract."""

    stage = "validate"


class WarehouseBusy(EtlError):
    stage = "load"


class SchemaError(EtlError):
    """The warehouse was built by another schema: upgrade the tool or rebuild."""

    stage = "load"
