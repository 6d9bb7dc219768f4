"""Shared fixtures: where the shared corpus and the bundled samples are."""
from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
CORPUS = SHARED / "corpus"
SAMPLES = ROOT / "data" / "raw" / "samples"


@pytest.fixture(scope="session")
def corpus() -> Path:
    if not (CORPUS / "gold").is_dir():
        pytest.skip("the shared corpus (../shared/corpus) is not beside this checkout")
    return CORPUS


@pytest.fixture(scope="session")
def samples() -> Path:
    return SAMPLES
