"""Five working days before a reporting deadline the focal agency gets its
draft report by email, once per deadline, with the agencies not yet reported."""
from __future__ import annotations

import io
import re
from datetime import UTC, datetime

import docx
from fastapi.testclient import TestClient
from sqlalchemy import select

from dondoc.engine.calendar import CalendarDecisions, WorkCalendar
from dondoc.notifications.drafts import draft_day, queue_compiled_drafts
from dondoc.settings import Settings
from dondoc.store.db import get_engine, session_scope
from dondoc.store.outbox_models import Email
from dondoc.web.app import create_app
from dondoc.workflows.jobs import run_compiled_drafts, run_send
from tests.notifications.helpers import BASE_URL, SECRET, runtime
from tests.web.conftest import load_examples

CAL = WorkCalendar(CalendarDecisions())
FOCAL_EMAIL_OF_COMMUNE = "chinhsach@thanhlinh.example.vn"
DRAFT_MORNING = datetime(2023, 10, 23, 0, 45, tzinfo=UTC)  # Monday 23/10/2023, 07:45 in Vietnam
DAY_BEFORE = datetime(2023, 10, 20, 0, 45, tzinfo=UTC)


def drafts_for(engine, now: datetime) -> int:
    return queue_compiled_drafts(engine, now=now, calendar=CAL, base_url=BASE_URL, secret=SECRET, days_before=5)


def draft_emails(engine) -> list[Email]:
    with session_scope(engine, write=False) as s:
        return list(s.execute(select(Email).where(Email.kind == "compiled_draft").order_by(Email.key)).scalars())


def test_the_draft_day_is_five_working_days_before_the_deadline():
    assert draft_day(datetime(2023, 10, 30).date(), days_before=5, calendar=CAL) == DRAFT_MORNING.date()


def test_nothing_is_drafted_before_the_draft_day(engine):
    load_examples(engine)
    assert drafts_for(engine, DAY_BEFORE) == 0 and draft_emails(engine) == []


def test_the_focal_agency_gets_one_draft_per_deadline_even_after_a_restart(engine, db_url):
    load_examples(engine)
    first = drafts_for(engine, DRAFT_MORNING)
    assert first >= 1
    assert drafts_for(engine, DRAFT_MORNING) == 0  # a rerun the same morning
    get_engine(db_url).dispose()  # a restart: a fresh connection pool, nothing kept in memory
    assert drafts_for(get_engine(db_url), datetime(2023, 10, 24, 0, 45, tzinfo=UTC)) == 0  # the next morning
    keys = [e.key for e in draft_emails(engine)]
    assert len(keys) == len(set(keys)) == first
    commune = next(e for e in draft_emails(engine) if "thanh-linh" in e.key)
    assert commune.to_addrs == [FOCAL_EMAIL_OF_COMMUNE] and "30/10/2023" in commune.subject
    assert "chưa gửi báo cáo" in commune.body_text and "Công chức tài chính" in commune.body_text


def test_the_draft_reaches_the_focal_agency_and_its_link_downloads_the_report(engine, db_url, smtp_server):
    load_examples(engine)
    rt = runtime(smtp_server.port)
    assert run_compiled_drafts(engine, rt, now=DRAFT_MORNING) >= 1
    run_send(engine, rt, clock=lambda: DRAFT_MORNING)
    mails = smtp_server.to(FOCAL_EMAIL_OF_COMMUNE)
    assert len(mails) == 1
    body = mails[0].get_body(("plain",)).get_content()
    link = re.search(r"(http://\S+/compiled/\S+\.docx)", body).group(1)
    app = create_app(Settings(database_url=db_url, secret_key=SECRET, base_url=BASE_URL), engine,
                     clock=lambda: DRAFT_MORNING)
    response = TestClient(app).get(link.removeprefix(BASE_URL))
    assert response.status_code == 200
    document = docx.Document(io.BytesIO(response.content))
    assert any("BÁO CÁO" == p.text for p in document.paragraphs)
    assert TestClient(app).get("/compiled/forged.docx").status_code == 403
