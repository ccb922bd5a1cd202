"""Issue 15.3: server-side sessions that end (logout, password change,
disabled user, idle and absolute expiry), revocable API tokens and agency
links, and an audit Event for each. On SQLite and PostgreSQL."""
from __future__ import annotations

import time
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlmodel import select

from dondoc.notifications.tokens import make_token
from dondoc.store.db import session_scope
from dondoc.store.models import Event
from dondoc.web import access
from dondoc.web.app import create_app
from dondoc.web.security import SESSION_COOKIE
from tests.web.conftest import NOW, PASSWORD, SECRET, csrf_of, login, settings_for

CLI = access.Actor("cli", "cli:test")
AGENCY = "tram-y-te-thanh-linh"


class Clock:
    def __init__(self):
        self.now = NOW

    def __call__(self):
        return self.now


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def app(loaded, db_url, clock):
    return create_app(settings_for(db_url), loaded, clock=clock)


def events(engine, kind: str) -> list[Event]:
    with session_scope(engine, write=False) as s:
        return list(s.exec(select(Event).where(Event.kind == kind).order_by(Event.id)))


def overview(engine, read, **kwargs) -> list[dict]:
    with session_scope(engine, write=False) as s:
        return read(s, **kwargs)


def change(engine, action, **kwargs):
    with session_scope(engine) as s:
        return action(s, by=CLI, now=NOW, **kwargs)


def test_after_logout_the_old_cookie_opens_nothing(app, as_user, loaded):
    client = as_user("lan")
    cookie = client.cookies[SESSION_COOKIE]
    client.post("/logout", data={"csrf": csrf_of(client.get("/dashboard").text)})
    replay = TestClient(app, cookies={SESSION_COOKIE: cookie})
    assert replay.get("/dashboard", follow_redirects=False).status_code == 303
    assert [e.actor for e in events(loaded, "logout")] == ["lan"]
    assert [e.actor for e in events(loaded, "login")] == ["lan"]


def test_a_password_change_ends_every_session_of_the_user(as_user, loaded):
    first, second, other = as_user("lan"), as_user("lan"), as_user("hoa")
    assert change(loaded, access.set_password, username="lan", password="mat-khau-moi-2026") == 2
    for client in (first, second):
        assert client.get("/dashboard", follow_redirects=False).status_code == 303
    assert other.get("/dashboard", follow_redirects=False).status_code == 200
    assert "2 sessions ended" in events(loaded, "user_password")[0].note
    login(TestClient(first.app), "lan", "mat-khau-moi-2026")


def test_a_disabled_user_loses_sessions_and_tokens_until_enabled(app, as_user, token_for, loaded):
    client, bearer = as_user("hoa"), token_for("hoa")
    assert change(loaded, access.set_active, username="hoa", active=False) == 1
    assert client.get("/dashboard", follow_redirects=False).status_code == 303
    assert TestClient(app).get("/api/plans", headers=bearer).status_code == 401
    form = client.get("/login")
    refused = client.post("/login", data={"username": "hoa", "password": PASSWORD, "csrf": csrf_of(form.text)})
    assert refused.status_code == 401
    change(loaded, access.set_active, username="hoa", active=True)
    assert TestClient(app).get("/api/plans", headers=bearer).status_code == 200
    assert [e.kind for e in events(loaded, "user_disabled") + events(loaded, "user_enabled")] == [
        "user_disabled", "user_enabled"]


def test_a_session_ends_after_two_idle_hours(as_user, clock):
    client = as_user("lan")
    clock.now = NOW + timedelta(minutes=119)
    assert client.get("/dashboard", follow_redirects=False).status_code == 200
    clock.now += timedelta(minutes=121)
    assert client.get("/dashboard", follow_redirects=False).status_code == 303


def test_a_session_in_use_still_ends_twelve_hours_after_login(as_user, clock):
    client = as_user("lan")
    for _ in range(23):
        clock.now += timedelta(minutes=30)
        assert client.get("/plans", follow_redirects=False).status_code == 200
    clock.now += timedelta(minutes=31)
    assert client.get("/plans", follow_redirects=False).status_code == 303


def test_a_revoked_api_token_answers_401(app, token_for, loaded):
    bearer = token_for("lan")
    assert TestClient(app).get("/api/plans", headers=bearer).status_code == 200
    token_id = overview(loaded, access.tokens_overview)[-1]["id"]
    change(loaded, access.revoke_token, token_id=token_id)
    assert TestClient(app).get("/api/plans", headers=bearer).status_code == 401
    assert events(loaded, "token_revoked")[0].after == {"token": token_id, "revoked": True}


def test_revoked_agency_links_answer_410_politely_and_new_links_work(anon, loaded):
    old = make_token(AGENCY, secret=SECRET)
    assert anon.get(f"/r/{old}").status_code == 200
    assert change(loaded, access.revoke_links, agency_id=AGENCY) == 1
    page = anon.get(f"/r/{old}")
    assert page.status_code == 410 and "đã được thu hồi" in page.text and "<html" in page.text
    assert anon.get("/api/agency/occurrences", headers={"Authorization": f"Bearer {old}"}).status_code == 401
    time.sleep(1.1)  # links signed in the second of the revocation are revoked too
    assert anon.get(f"/r/{make_token(AGENCY, secret=SECRET)}").status_code == 200
    assert events(loaded, "links_revoked")[0].after == {"agency": AGENCY, "version": 1}


def test_lan_disables_hoa_from_the_admin_page(as_user, loaded):
    lan, hoa = as_user("lan"), as_user("hoa")
    page = lan.get("/admin/users")
    assert page.status_code == 200 and 'data-user="hoa"' in page.text
    hoa_id = next(u["id"] for u in overview(loaded, access.users_overview, now=NOW) if u["username"] == "hoa")
    done = lan.post(f"/admin/users/{hoa_id}/disable", data={"csrf": csrf_of(page.text)})
    assert done.status_code == 200 and "đã khóa hoa / disabled" in done.text
    assert hoa.get("/dashboard", follow_redirects=False).status_code == 303
    assert events(loaded, "user_disabled")[0].actor == "lan"
