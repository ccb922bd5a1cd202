"""Issue 15.2: web imports run in a worker process with a time and a memory
limit; hitting either answers the import page with a clear message, and the
server goes on answering."""
from __future__ import annotations

import time

import pytest
from fastapi.testclient import TestClient

from dondoc.settings import Settings
from dondoc.web.app import create_app
from tests.conftest import PLANS
from tests.web.conftest import NOW, SECRET, csrf_of, login


@pytest.fixture
def db_url(sqlite_url):
    """The worker's limits do not depend on the database: SQLite only."""
    return sqlite_url


def client_with(loaded, db_url: str, **limits: float) -> TestClient:
    settings = Settings(database_url=db_url, secret_key=SECRET, base_url="http://testserver", **limits)
    return login(TestClient(create_app(settings, loaded, clock=lambda: NOW)), "lan")


def upload(client: TestClient, name: str, content: bytes):
    form = client.get("/import")
    return client.post("/import", data={"csrf": csrf_of(form.text)}, files={"file": (name, content, "text/plain")})


def test_a_real_plan_is_drafted_in_the_worker(loaded, db_url):
    client = client_with(loaded, db_url)
    response = upload(client, "thanh-linh.txt", (PLANS / "thanh-linh-2023-KH-UBND.txt").read_bytes())
    assert response.status_code == 200 and '<textarea name="draft"' in response.text


def test_a_document_that_takes_too_long_is_stopped_with_a_message(loaded, db_url):
    client = client_with(loaded, db_url, import_timeout_s=0.3)
    slow = "".join(f"{i}. Nhiệm vụ số {i} của kế hoạch\n" for i in range(1, 25_000)).encode()  # within the size limits
    started = time.monotonic()
    response = upload(client, "dai.txt", slow)
    assert time.monotonic() - started < 15
    assert response.status_code == 422
    assert "reading took longer than 0.3 s and was stopped" in response.text and "giây" in response.text
    assert client.get("/dashboard").status_code == 200


def test_a_document_that_needs_too_much_memory_is_stopped_with_a_message(loaded, db_url):
    client = client_with(loaded, db_url, import_memory_mb=1)
    response = upload(client, "thanh-linh.txt", (PLANS / "thanh-linh-2023-KH-UBND.txt").read_bytes())
    assert response.status_code == 422
    assert "needed more than 1 MB of memory and was stopped" in response.text
    assert "Traceback" not in response.text
