"""Issue 15.4 and 15.6: login throttling per account and per client address
(429, Retry-After, an audit Event, the page says when to try again), and
production settings refused in one clear line."""
from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from sqlmodel import select

from dondoc.settings import Settings, SettingsError, load_settings
from dondoc.store.db import session_scope
from dondoc.store.models import Event
from dondoc.web.app import create_app
from tests.web.conftest import NOW, PASSWORD, SECRET, csrf_of

STRONG = "Jx3kQ9vL2pR7sT1wY5zB8nM4cF6hG0dA-_qWe"


@pytest.fixture
def db_url(sqlite_url):
    """Throttling and settings do not depend on the database: SQLite only."""
    return sqlite_url


def attempt(client: TestClient, username: str, password: str):
    form = client.get("/login")
    return client.post("/login", data={"username": username, "password": password, "csrf": csrf_of(form.text)},
                       follow_redirects=False)


def test_after_five_wrong_passwords_even_the_right_one_waits(anon, loaded):
    for _ in range(5):
        assert attempt(anon, "lan", "sai-mat-khau-roi").status_code == 401
    response = attempt(anon, "lan", PASSWORD)
    assert response.status_code == 429
    wait = int(response.headers["retry-after"])
    assert 14 * 60 < wait <= 15 * 60
    assert re.search(r"thử lại sau 15 phút / too many failed logins, try again in 15 minutes", response.text)
    with session_scope(loaded, write=False) as s:
        kinds = [e.kind for e in s.exec(select(Event).where(Event.actor == "lan").order_by(Event.id))]
    assert kinds == ["login_failed"] * 5 + ["login_throttled"]


def test_another_account_is_not_locked_by_someone_elses_failures(anon):
    for _ in range(5):
        attempt(anon, "lan", "sai-mat-khau-roi")
    assert attempt(anon, "hoa", PASSWORD).status_code == 303


def test_one_address_trying_many_accounts_is_throttled_too(anon):
    for i in range(20):
        assert attempt(anon, f"nguoi-{i}", "sai-mat-khau-roi").status_code == 401
    assert attempt(anon, "minh", PASSWORD).status_code == 429


def test_in_production_the_demo_password_never_logs_in(loaded, db_url):
    settings = Settings(env="production", database_url=db_url, secret_key=STRONG, base_url="http://testserver")
    client = TestClient(create_app(settings, loaded, clock=lambda: NOW))
    assert attempt(client, "lan", "admin-demo").status_code == 401


@pytest.mark.parametrize("env, needle", [
    ({}, "DONDOC_SECRET_KEY chưa đặt"),
    ({"DONDOC_SECRET_KEY": "x"}, "DONDOC_SECRET_KEY quá ngắn hoặc dễ đoán"),
    ({"DONDOC_SECRET_KEY": "a" * 64}, "DONDOC_SECRET_KEY quá ngắn hoặc dễ đoán"),
    ({"DONDOC_SECRET_KEY": STRONG}, "DONDOC_BASE_URL chưa đặt"),
    ({"DONDOC_SECRET_KEY": STRONG, "DONDOC_BASE_URL": "dondoc.example.vn"}, "không phải địa chỉ http(s)"),
])
def test_production_settings_are_refused_in_one_line(monkeypatch, env, needle):
    for key in ("DONDOC_SECRET_KEY", "DONDOC_BASE_URL"):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("DONDOC_ENV", "production")
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    with pytest.raises(SettingsError) as refused:
        load_settings()
    assert needle in str(refused.value) and "\n" not in str(refused.value)


def test_production_settings_with_a_real_secret_and_base_url_are_accepted(monkeypatch):
    monkeypatch.setenv("DONDOC_ENV", "production")
    monkeypatch.setenv("DONDOC_SECRET_KEY", STRONG)
    monkeypatch.setenv("DONDOC_BASE_URL", "https://dondoc.example.vn")
    assert load_settings().hosts() == ["dondoc.example.vn"]


def test_an_unknown_host_header_is_refused_and_links_never_follow_it(as_user, db_url):
    client = as_user("lan")
    assert client.get("/dashboard", headers={"Host": "evil.example"}).status_code == 400
    page = client.get("/dashboard").text
    assert "evil.example" not in page and 'href="http' not in page
    assert SECRET not in page


def test_in_production_serve_refuses_to_start_while_a_user_has_the_demo_password(loaded, db_url):
    import os
    import subprocess
    import sys

    from dondoc.web.security import hash_password
    from dondoc.web.users import find_user

    with session_scope(loaded) as s:
        find_user(s, "lan").password_hash = hash_password("admin-demo")
    env = {**os.environ, "DONDOC_ENV": "production", "DONDOC_SECRET_KEY": STRONG, "DONDOC_DATABASE_URL": db_url,
           "DONDOC_BASE_URL": "https://dondoc.example.vn", "DONDOC_CAPTURE_MAIL": "false"}
    done = subprocess.run([sys.executable, "-c", "from dondoc.cli import main; main()", "serve", "--no-scheduler",
                           "--port", "1"], env=env, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 2 and "lan còn dùng mật khẩu demo" in done.stderr and "Traceback" not in done.stderr
