"""Shared fixtures: where the shared corpus and the bundled samples are."""
from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
CORPUS = SHARED / "corpus"
SAMPLES = ROOT / "data" / "raw" / "samples"


def rows(db: Path, sql: str, params: list | None = None) -> list[tuple]:
    """The rows a query returns from a warehouse file, read-only."""
    import duckdb

    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


@pytest.fixture(scope="session")
def corpus() -> Path:
    if not (CORPUS / "gold").is_dir():
        pytest.skip("the shared corpus (../shared/corpus) is not beside this checkout")
    return CORPUS


@pytest.fixture(scope="session")
def samples() -> Path:
    return SAMPLES


@pytest.fixture(scope="session")
def sample_warehouse(tmp_path_factory, samples) -> Path:
    """The bundled samples (the shared corpus's seeds and renderings) ingested once.
    Tests that change the warehouse copy it first."""
    from minsheng_etl.load.run.ingest import ingest

    base = tmp_path_factory.mktemp("sample-warehouse")
    summary = ingest([samples], db_path=base / "m.duckdb", raw_root=base / "raw")
    assert summary.failed == 0
    return base / "m.duckdb"
