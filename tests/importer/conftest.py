"""Fixtures for the importer tests: the agency registry (the real config/agencies-*.yaml
when present, else the small fixture in tests/data/) and the real plans."""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data"
PLANS = ROOT.parent / "shared" / "plans"
KEYS = DATA / "answer_keys"


def read_agencies(*files: Path) -> list[dict]:
    rows: list[dict] = []
    for file in files:
        rows += yaml.safe_load(file.read_text(encoding="utf-8")).get("agencies") or []
    return rows


@pytest.fixture(scope="session")
def real_agencies() -> list[dict]:
    files = sorted((ROOT / "config").glob("agencies-*.yaml"))
    if not files:
        pytest.skip("config/agencies-*.yaml not present yet")
    return read_agencies(*files)


@pytest.fixture(scope="session")
def fixture_agencies() -> list[dict]:
    return read_agencies(DATA / "importer_agencies.yaml")


@pytest.fixture(scope="session")
def plans_dir() -> Path:
    if not PLANS.is_dir():
        pytest.skip("../shared/plans not present")
    return PLANS
