"""Shared fixtures: where the shared corpus and the bundled samples are."""
from __future__ import annotations

import os
import subprocess
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


def need_soffice() -> str:
    """LibreOffice's soffice, or a skip (a failure in CI: .ci/run installs it and sets
    MINSHENG_REQUIRE_SOFFICE=1, so no test is skipped there in silence)."""
    from minsheng_etl.readers import soffice

    found = soffice.soffice()
    if found is None:
        if os.environ.get("MINSHENG_REQUIRE_SOFFICE") == "1":
            pytest.fail("LibreOffice (soffice) is required here (.ci/run installs it)")
        pytest.skip("LibreOffice (soffice) not installed (.ci/run installs it)")
    return found


def lo_convert(files: list[Path], target: str, outdir: Path, profile: Path) -> list[Path]:
    """LibreOffice's own Save As (`target` as --convert-to takes it: "pdf",
    "html:XHTML Writer File:UTF8"), for making renderings: the test's tool, not the reader's."""
    subprocess.run([need_soffice(), f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
                    "--convert-to", target, "--outdir", str(outdir), *map(str, files)],
                   check=True, capture_output=True, timeout=600)
    out = [outdir / f"{f.stem}.{target.split(':')[0]}" for f in files]
    assert all(p.is_file() for p in out), list(outdir.iterdir())
    return out
