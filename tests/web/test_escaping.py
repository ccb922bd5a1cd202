"""HTML in task titles and notes is shown as text, in pages and in emails."""
from __future__ import annotations

from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from dondoc.config.reader import read_config
from dondoc.engine.calendar import CalendarDecisions, WorkCalendar
from dondoc.notifications.tokens import make_token
from dondoc.settings import Settings
from dondoc.store.db import session_scope
from dondoc.store.loader import apply_config
from dondoc.store.outbox_models import Email
from dondoc.web.app import create_app
from dondoc.workflows.jobs import Runtime, run_sweep
from tests.factories import PLAN, write_config
from tests.web.conftest import SECRET, add_personas, login, occurrence_of, settings_for
from tests.web.test_agency_pages import form_token

LATER = datetime(2023, 7, 15, 2, 0, tzinfo=UTC)
TITLE = 'Khám sức khỏe <script>alert("x")</script> <b>đậm</b>'
NOTE = "<img src=x onerror=alert(1)> đã khám 120 trẻ"
EVIDENCE = 'https://x.example/a"onmouseover="alert(1)'
RAW = ('<script>alert("x")</script>', "<b>đậm</b>", "<img src=x", '"onmouseover="')


@pytest.fixture
def db_url(sqlite_url):
    return sqlite_url


@pytest.fixture
def hostile(engine, tmp_path):
    folder = write_config(tmp_path / "config", plan=PLAN.replace("Khám sức khỏe cho trẻ em dưới 6 tuổi",
                                                                 "'" + TITLE + "'"))
    with session_scope(engine) as s:
        apply_config(s, read_config([folder]), now=datetime(2023, 5, 20, 1, tzinfo=UTC), calendar=WorkCalendar(CalendarDecisions()))
    add_personas(engine, ("lan",))
    return engine


def assert_text_only(html: str) -> None:
    for raw in RAW:
        assert raw not in html, raw


def test_html_in_a_title_and_a_note_is_shown_as_text_in_pages_and_emails(hostile, db_url):
    client = TestClient(create_app(settings_for(db_url), hostile, clock=lambda: LATER))
    url = "/r/" + make_token("tram-y-te-an-binh", secret=SECRET)
    agency_page = client.get(url).text
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in agency_page
    occ = occurrence_of(hostile, "an-binh-2023", "2.1")
    response = client.post(f"{url}/occurrences/{occ.id}", follow_redirects=False, data={
        "form": form_token(agency_page), "action": "reported", "note": NOTE, "evidence_url": EVIDENCE})
    assert response.status_code == 303
    login(client, "lan")
    pages = [client.get(url).text, client.get("/plans/an-binh-2023").text, client.get(f"/tasks/{occ.task_id}").text,
             client.get("/dashboard?as_of=2023-07-15").text, client.get("/api/plans").text]
    for html in pages[:4]:
        assert "&lt;script&gt;" in html
        assert_text_only(html)
    assert "&lt;img src=x onerror=alert(1)&gt;" in pages[1] and "&#34;onmouseover=&#34;" in pages[1]
    with session_scope(hostile, write=False) as s:
        reported = s.execute(select(Email).where(Email.kind == "reported")).scalars().one()
    assert "&lt;script&gt;" in reported.body_html and "&lt;img" in reported.body_html
    assert_text_only(reported.body_html)


def test_html_in_a_title_is_escaped_in_the_reminder_emails(hostile):
    run_sweep(hostile, Runtime.from_settings(Settings(secret_key=SECRET)), now=LATER)
    with session_scope(hostile, write=False) as s:
        emails = s.execute(select(Email).where(Email.recipient == "tram-y-te-an-binh")).scalars().all()
    assert emails and all("&lt;script&gt;" in e.body_html for e in emails)
    for e in emails:
        assert_text_only(e.body_html)
