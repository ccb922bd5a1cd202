"""Every route of the app, read from app.routes so that a new page is
checked too: without a session or token nothing but the login page, the
OpenAPI schema and the stylesheet answers; admin pages refuse coordinators."""
from __future__ import annotations

import re

import pytest
from fastapi.dependencies.models import Dependant
from fastapi.routing import iter_route_contexts
from sqlalchemy import func, select

from dondoc.engine.lifecycle import Status
from dondoc.store.db import session_scope
from dondoc.store.models import Event, Occurrence, Plan
from dondoc.store.outbox_models import Email
from dondoc.web.deps import require_admin
from dondoc.web.params import StatusName
from tests.web.conftest import COMMUNE, csrf_of

PUBLIC = {("GET", "/login"), ("POST", "/login"), ("GET", "/"), ("GET", "/openapi.json")}
AGENCY_LINKS = re.compile(r"^/(r|compiled)/")  # a signed link instead of a login: refused when forged
SAMPLE = {"plan_id": COMMUNE, "task_id": "1", "occurrence_id": "1", "email_id": "1", "token": "forged.link.token",
          "evidence_id": "1", "request_id": "1", "indicator_id": "1", "decision": "approve",
          "user_id": "1", "token_id": "1", "fmt": "docx"}  # evidence..decision: 16; user, token: 15; fmt: 17


@pytest.fixture
def db_url(sqlite_url):
    """Access rules do not depend on the database: SQLite only."""
    return sqlite_url


def routes(app) -> list[tuple[str, str, object]]:
    """(method, path, route) for every endpoint, the included routers' ones too."""
    out = []
    for route in iter_route_contexts(app.routes):
        for method in sorted((route.methods or set()) - {"HEAD"}):
            out.append((method, route.path, route))
    return out


def url(path: str) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: SAMPLE[m.group(1)], path)


def guarded(app, method: str | None = None) -> list[tuple[str, str]]:
    return [(m, p) for m, p, _ in routes(app) if (m, p) not in PUBLIC and (method is None or m == method)]


def refused(response) -> bool:
    to_login = response.status_code == 303 and response.headers["location"].startswith("/login")
    return to_login or response.status_code in (401, 403)


def snapshot(engine) -> tuple:
    with session_scope(engine, write=False) as s:
        return (tuple(s.execute(select(Occurrence.status).order_by(Occurrence.id)).scalars()),
                *(s.execute(select(func.count()).select_from(m)).scalar() for m in (Event, Email, Plan)))


def test_the_route_list_covers_pages_imports_and_the_api(app):
    paths = {p for _, p in guarded(app)}
    assert {"/dashboard", "/plans/{plan_id}", "/outbox", "/import", "/import/load", "/api/plans",
            "/api/agency/occurrences/{occurrence_id}/status"} <= paths


def test_a_visitor_gets_no_page_and_no_api_answer_without_logging_in(app, anon):
    for method, path in guarded(app, "GET"):
        response = anon.get(url(path), follow_redirects=False)
        assert refused(response), (path, response.status_code)
        if path.startswith("/api/"):
            assert response.status_code == 401, path
        elif not AGENCY_LINKS.match(path):
            assert response.status_code == 303, path


def test_a_visitor_changes_nothing_with_any_post_even_with_a_valid_login_form_token(app, anon, loaded):
    before = snapshot(loaded)
    csrf = csrf_of(anon.get("/login").text)
    for method, path in guarded(app, "POST"):
        for data in ({}, {"csrf": csrf, "action": "confirm", "form": "x", "draft": "plans: []\n"}):
            response = anon.post(url(path), data=data, follow_redirects=False)
            assert refused(response), (path, data, response.status_code)
    assert snapshot(loaded) == before


def _needs(dependant: Dependant, dependency) -> bool:  # noqa: ANN001
    return any(d.call is dependency or _needs(d, dependency) for d in dependant.dependencies)


def test_every_admin_only_page_refuses_a_coordinator(app, as_user, loaded):
    admin_only = [(m, p) for m, p, route in routes(app) if getattr(route, "dependant", None)
                  and _needs(route.dependant, require_admin)]
    assert ("GET", "/outbox") in admin_only and ("POST", "/outbox/{email_id}/retry") in admin_only
    client = as_user("hoa")
    csrf = csrf_of(client.get("/dashboard").text)
    for method, path in admin_only:
        response = client.request(method, url(path), data={"csrf": csrf} if method == "POST" else None)
        assert response.status_code == 403, path


def test_the_api_status_vocabulary_is_the_engines():
    assert set(StatusName.__args__) == {str(s) for s in Status}
