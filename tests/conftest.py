"""Shared fixtures: the real extractor (slow: spaCy model + gazetteer), paths to ../shared data."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("INCIDEX_SHARED", REPO.parent / "shared"))
SEED = SHARED / "seed" / "000_d90ec356df9cc146.txt"
DEMO = REPO / "src" / "incidex" / "demo" / "corpus"


@pytest.fixture(scope="session")
def extractor():  # type: ignore[no-untyped-def]
    from incidex.services.extract import default_extractor

    return default_extractor()


@pytest.fixture(scope="session")
def seed_text() -> str:
    if not SEED.exists():
        pytest.fail(f"the seed statement is missing at {SEED}; CI must run with ../shared beside the repo")
    return SEED.read_text(encoding="utf-8")
