"""Prefect for the workflow tests: a private PREFECT_HOME (set before prefect is
imported), one test harness for the whole session, and a second database for
comparing a flow run with the plain functions."""
from __future__ import annotations

import atexit
import os
import shutil
import tempfile
import time

import pytest

from dondoc.store.db import get_engine
from tests.conftest import _drop_pg_database, _fresh_pg_database

PREFECT_HOME = tempfile.mkdtemp(prefix="dondoc-prefect-home-")
atexit.register(shutil.rmtree, PREFECT_HOME, ignore_errors=True)
os.environ.update(PREFECT_HOME=PREFECT_HOME, PREFECT_SERVER_ANALYTICS_ENABLED="false",
                  PREFECT_LOGGING_LEVEL="WARNING")
os.environ.pop("PREFECT_API_URL", None)
TIMINGS: dict[str, float] = {}


@pytest.fixture(scope="session")
def prefect_harness():
    """One temporary Prefect server (SQLite) shared by every flow test of the session."""
    from prefect.testing.utilities import prefect_test_harness

    started = time.perf_counter()
    with prefect_test_harness(server_startup_timeout=120):
        TIMINGS["harness_start_s"] = round(time.perf_counter() - started, 2)
        yield


@pytest.fixture
def twin_url(db_url, tmp_path):
    """A second, empty database on the same backend as `db_url`."""
    if db_url.startswith("sqlite"):
        url = f"sqlite:///{tmp_path / 'twin.db'}"
        yield url
        get_engine(url).dispose()
        return
    url = _fresh_pg_database(migrated=False)
    yield url
    _drop_pg_database(url)


def pytest_terminal_summary(terminalreporter) -> None:  # noqa: ANN001
    if TIMINGS:
        terminalreporter.write_line("prefect timings: " + ", ".join(f"{k}={v}" for k, v in sorted(TIMINGS.items())))
