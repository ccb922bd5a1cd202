"""What schemathesis found (tests/reliability/test_api_fuzz.py), kept as
plain regressions, with the same inputs on the pages: ids beyond the
database's integers, NUL characters (PostgreSQL refuses them), dates the
calendar cannot step back from, numbers that are not ASCII digits. Each is a
4xx answer, never a 500, and changes nothing."""
from __future__ import annotations

import pytest

from dondoc.web.params import MAX_ROW_ID
from tests.web.conftest import COMMUNE, csrf_of, occurrence_of

HUGE = 2**63                                # past SQLite's and PostgreSQL's biggest integer


@pytest.mark.parametrize("path", ["/api/tasks/{n}", "/api/occurrences/{n}", "/api/occurrences/{n}/events",
                                  "/api/occurrences?task_id={n}", "/api/tasks?offset={n}"])
def test_ids_beyond_the_databases_integers_are_refused_by_the_api(anon, token_for, path):
    headers = token_for("lan")
    assert anon.get(path.format(n=HUGE), headers=headers).status_code == 422
    assert anon.get(path.format(n=MAX_ROW_ID), headers=headers).status_code in (200, 404)


def test_a_status_change_on_a_huge_id_is_refused(anon, token_for):
    response = anon.post(f"/api/occurrences/{HUGE}/status", headers=token_for("lan"), json={"status": "in_progress"})
    assert response.status_code == 422


@pytest.mark.parametrize("path", [f"/tasks/{HUGE}", f"/occurrences/{HUGE}", "/tasks/abc", "/occurrences/0"])
def test_ids_the_pages_cannot_hold_answer_the_html_not_found_page(as_user, path):
    response = as_user("lan").get(path)
    assert response.status_code == 404 and response.headers["content-type"].startswith("text/html")
    assert "Không tìm thấy trang / page not found" in response.text and "<html" in response.text


@pytest.mark.parametrize("query", ["preview_on=9999-12-31", "preview_on=0001-01-01", "preview_on=03/07/2023"])
def test_a_preview_date_the_calendar_cannot_reach_is_refused_with_the_error_page(as_user, query):
    response = as_user("lan").get(f"/plans/{COMMUNE}?{query}")
    assert response.status_code == 400 and "cần dạng YYYY-MM-DD, trong khoảng 2000-2100" in response.text


def test_the_status_page_needs_a_login_and_uses_the_site_layout(loaded, db_url):
    from fastapi.testclient import TestClient

    from dondoc.workflows.serve import build_app
    from tests.web.conftest import login, settings_for

    app = build_app(settings_for(db_url), loaded, scheduler=False)
    assert TestClient(app).get("/status", follow_redirects=False).status_code == 303
    page = login(TestClient(app), "lan").get("/status")
    assert page.status_code == 200 and 'href="/static/style.css"' in page.text and "Trạng thái hệ thống" in page.text


@pytest.mark.parametrize("path", ["/api/tasks?plan=%00", "/api/plans/a%00b", "/api/occurrences?owner=x%00",
                                  "/api/reports/overdue?agency=%00"])
def test_nul_characters_never_reach_the_database_through_the_api(anon, token_for, path):
    assert anon.get(path, headers=token_for("lan")).status_code == 422


def test_nul_characters_never_reach_the_database_through_the_pages(as_user, anon):
    assert as_user("lan").get("/dashboard?plan=%00").status_code == 400
    form = anon.get("/login")
    response = anon.post("/login", data={"username": "lan\x00", "password": "x" * 12, "csrf": csrf_of(form.text)})
    assert response.status_code == 401


def test_a_note_with_a_nul_character_is_refused(anon, token_for, loaded):
    occ = occurrence_of(loaded, COMMUNE, "3.2.1")
    response = anon.post(f"/api/occurrences/{occ.id}/status", headers=token_for("lan"),
                         json={"status": "in_progress", "note": "a\x00b"})
    assert response.status_code == 422


@pytest.mark.parametrize("query", ["as_of=0001-01-01", "as_of=9999-12-31"])
def test_the_first_and_last_days_of_the_calendar_are_valid_report_dates(anon, as_user, token_for, query):
    assert anon.get(f"/api/reports/summary?{query}", headers=token_for("lan")).status_code == 200
    assert as_user("lan").get(f"/dashboard?{query}").status_code == 200


@pytest.mark.parametrize("query", ["due_before=0", "due_after=20230101", "status=bogus"])
def test_dates_must_be_iso_and_statuses_known(anon, token_for, query):
    assert anon.get(f"/api/occurrences?{query}", headers=token_for("lan")).status_code == 422


@pytest.mark.parametrize("level", ["-1", str(HUGE), "²"])
def test_escalation_levels_are_small_numbers(anon, as_user, token_for, level):
    assert anon.get("/api/reports/overdue", params={"escalation": level}, headers=token_for("lan")).status_code == 422
    assert as_user("lan").get("/dashboard", params={"escalation": level}).status_code == 400
