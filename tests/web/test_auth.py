"""Login, the session cookie, CSRF and logout."""
from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlmodel import select

from dondoc.store.db import session_scope
from dondoc.store.models import Occurrence
from dondoc.web.app import create_app
from dondoc.web.models import User
from dondoc.web.security import SESSION_COOKIE, hash_password
from tests.web.conftest import NOW, PASSWORD, csrf_of, login, settings_for


@pytest.fixture
def db_url(sqlite_url):
    """Sessions and CSRF do not depend on the database: SQLite only."""
    return sqlite_url


def _cookie_header(response, name: str) -> str:
    return next(h for h in response.headers.get_list("set-cookie") if h.startswith(name + "="))


def test_a_visitor_is_sent_to_the_login_page(anon):
    response = anon.get("/dashboard?plan=x", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=%2Fdashboard%3Fplan%3Dx"


def test_passwords_are_stored_as_argon2_hashes(loaded):
    with session_scope(loaded, write=False) as s:
        hashes = [u.password_hash for u in s.exec(select(User))]
    assert hashes and all(h.startswith("$argon2id$") and PASSWORD not in h for h in hashes)


def test_lan_logs_in_with_a_signed_httponly_samesite_lax_cookie(anon):
    form = anon.get("/login")
    response = anon.post("/login", data={"username": "lan", "password": PASSWORD, "csrf": csrf_of(form.text),
                                         "next": "/plans"}, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/plans"
    cookie = _cookie_header(response, SESSION_COOKIE).lower()
    assert "httponly" in cookie and "samesite=lax" in cookie and "secure" not in cookie
    assert anon.get("/dashboard").status_code == 200


def test_the_cookie_is_secure_when_the_site_is_served_over_https(loaded, db_url):
    client = TestClient(create_app(settings_for(db_url, "https://dondoc.example.vn"), loaded, clock=lambda: NOW),
                        base_url="https://testserver")
    form = client.get("/login")
    response = client.post("/login", data={"username": "lan", "password": PASSWORD, "csrf": csrf_of(form.text)},
                           follow_redirects=False)
    assert "secure" in _cookie_header(response, SESSION_COOKIE).lower()


def test_a_wrong_password_is_refused_and_opens_no_session(anon):
    form = anon.get("/login")
    response = anon.post("/login", data={"username": "lan", "password": "sai-mat-khau-roi", "csrf": csrf_of(form.text)},
                         follow_redirects=False)
    assert response.status_code == 401
    assert "Tên đăng nhập hoặc mật khẩu không đúng" in response.text
    assert SESSION_COOKIE not in response.cookies
    assert anon.get("/dashboard", follow_redirects=False).status_code == 303


def test_an_unknown_user_gets_the_same_answer_as_a_wrong_password(anon):
    form = anon.get("/login")
    response = anon.post("/login", data={"username": "ai-do", "password": PASSWORD, "csrf": csrf_of(form.text)})
    assert response.status_code == 401 and "Tên đăng nhập hoặc mật khẩu không đúng" in response.text


def test_a_login_without_the_csrf_token_is_refused_with_403(anon):
    anon.get("/login")
    response = anon.post("/login", data={"username": "lan", "password": PASSWORD}, follow_redirects=False)
    assert response.status_code == 403
    assert SESSION_COOKIE not in response.cookies


def test_every_form_post_without_the_csrf_token_is_refused_and_changes_nothing(as_user, loaded):
    client = as_user("lan")
    with session_scope(loaded, write=False) as s:
        occ = s.exec(select(Occurrence).order_by(Occurrence.id)).first()
    posts = ["/logout", f"/plans/{occ.plan_id}/occurrences/{occ.id}/review", "/outbox/1/retry"]
    for url in posts:
        assert client.post(url, data={"action": "confirm"}).status_code == 403, url
        assert client.post(url, data={"action": "confirm", "csrf": "forged"}).status_code == 403, url
    assert client.get("/dashboard").status_code == 200  # still logged in: logout was refused
    with session_scope(loaded, write=False) as s:
        assert s.get(Occurrence, occ.id).status == occ.status


def test_logout_ends_the_session(as_user):
    client = as_user("lan")
    page = client.get("/dashboard")
    response = client.post("/logout", data={"csrf": csrf_of(page.text)}, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/login"
    assert client.get("/dashboard", follow_redirects=False).status_code == 303


def test_a_tampered_session_cookie_is_ignored(as_user):
    client = as_user("lan")
    value = client.cookies[SESSION_COOKIE]
    client.cookies.set(SESSION_COOKIE, value[:-2] + ("AA" if not value.endswith("AA") else "BB"))
    assert client.get("/dashboard", follow_redirects=False).status_code == 303


def test_changing_the_password_ends_the_sessions_opened_with_the_old_one(as_user, loaded):
    client = as_user("lan")
    with session_scope(loaded) as s:
        s.exec(select(User).where(User.username == "lan")).one().password_hash = hash_password("mat-khau-moi-2024")
    assert client.get("/dashboard", follow_redirects=False).status_code == 303


def test_login_never_redirects_to_another_site(anon):
    form = anon.get("/login")
    response = anon.post("/login", data={"username": "lan", "password": PASSWORD, "csrf": csrf_of(form.text),
                                         "next": "//evil.example/steal"}, follow_redirects=False)
    assert response.headers["location"] == "/dashboard"


def test_a_logged_in_user_who_opens_the_login_page_goes_on(as_user):
    response = as_user("hoa").get("/login?next=/plans", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/plans"


def test_login_form_is_reached_through_the_helper(anon):
    assert login(anon, "minh").get("/plans").status_code == 200


def test_pages_send_a_strict_content_security_policy_and_use_no_inline_style_or_script(as_user):
    page = as_user("lan").get("/dashboard")
    assert "default-src 'self'" in page.headers["content-security-policy"]
    assert page.headers["x-frame-options"] == "DENY" and page.headers["x-content-type-options"] == "nosniff"
    assert " style=" not in page.text and "<script" not in page.text
