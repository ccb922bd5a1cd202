"""Issue 15.5: no secret in the logs. A real `dondoc serve` is asked for an
agency link; its request log shows `/r/<redacted>`, never the token."""
from __future__ import annotations

import os
import subprocess
import sys
import time

import httpx
import pytest

from dondoc.notifications.tokens import make_token
from tests.conftest import free_port
from tests.web.conftest import SECRET

AGENCY = "tram-y-te-thanh-linh"


@pytest.fixture
def db_url(sqlite_url):
    """Logging does not depend on the database: SQLite only."""
    return sqlite_url


def _wait_up(base: str, proc: subprocess.Popen) -> None:
    for _ in range(150):
        if proc.poll() is not None:
            raise AssertionError(f"serve exited with {proc.returncode}")
        try:
            if httpx.get(base + "/health", timeout=1).status_code in (200, 503):
                return
        except httpx.HTTPError:
            time.sleep(0.2)
    raise AssertionError("serve did not start")


def test_a_served_session_logs_agency_links_redacted(loaded, db_url, tmp_path):
    port = free_port()
    env = {**os.environ, "DONDOC_DATABASE_URL": db_url, "DONDOC_SECRET_KEY": SECRET, "DONDOC_CAPTURE_MAIL": "false",
           "DONDOC_BASE_URL": f"http://127.0.0.1:{port}"}
    log = (tmp_path / "serve.log").open("w+")
    proc = subprocess.Popen([sys.executable, "-c", "from dondoc.cli import main; main()", "serve", "--no-scheduler",
                             "--port", str(port)], env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    token = make_token(AGENCY, secret=SECRET)
    try:
        _wait_up(base, proc)
        assert httpx.get(f"{base}/r/{token}").status_code == 200
        assert httpx.get(f"{base}/r/{token}?lang=en").status_code == 200
        assert httpx.get(f"{base}/r/forged.token").status_code == 403
    finally:
        proc.terminate()
        proc.wait(30)
    log.seek(0)
    text = log.read()
    assert text.count("/r/<redacted>") >= 3, text[-2000:]
    assert token not in text and token[:20] not in text and "forged.token" not in text
    assert SECRET not in text
