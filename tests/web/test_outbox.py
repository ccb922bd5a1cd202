"""The outbox page: emails by delivery state, and retrying a failed one."""
from __future__ import annotations

from sqlalchemy import select

from dondoc.settings import Settings
from dondoc.store.db import session_scope
from dondoc.store.models import Event
from dondoc.store.outbox_models import Email
from dondoc.workflows.jobs import Runtime, run_send, run_sweep
from tests.web.conftest import NOW, SECRET, csrf_of

FINANCE_EMAIL = "taichinh@thanhlinh.example.vn"


def send_with_one_failure(engine, smtp_server) -> tuple[Runtime, Email]:
    """A sweep on 1 June 2023, delivered, with the finance official's mailbox refusing."""
    rt = Runtime.from_settings(Settings(smtp_port=smtp_server.port, secret_key=SECRET))
    run_sweep(engine, rt, now=NOW)
    smtp_server.reject = {FINANCE_EMAIL}
    run_send(engine, rt, clock=lambda: NOW)
    smtp_server.reject = set()
    with session_scope(engine, write=False) as s:
        failed = s.execute(select(Email).where(Email.status == "failed")).scalars().one()
    return rt, failed


def test_the_outbox_lists_sent_and_failed_emails_with_their_counts(as_user, loaded, smtp_server):
    _, failed = send_with_one_failure(loaded, smtp_server)
    client = as_user("lan")
    page = client.get("/outbox").text
    assert "Gửi lỗi (1)" in page and "Đã gửi (" in page and "550" in page
    only_failed = client.get("/outbox?status=failed").text
    assert f'data-email="{failed.id}"' in only_failed and only_failed.count("<tr data-email=") == 1


def test_an_admin_retries_a_failed_email_and_the_next_send_delivers_it(as_user, loaded, smtp_server):
    rt, failed = send_with_one_failure(loaded, smtp_server)
    client = as_user("lan")
    page = client.get("/outbox?status=failed")
    response = client.post(f"/outbox/{failed.id}/retry", data={"csrf": csrf_of(page.text)}, follow_redirects=False)
    assert response.status_code == 303
    with session_scope(loaded, write=False) as s:
        retried = s.get(Email, failed.id)
        event = s.execute(select(Event).where(Event.kind == "email.retry")).scalars().one()
    assert (retried.status, retried.attempts, retried.next_attempt_at) == ("retrying", 0, NOW)
    assert event.actor == "lan"
    run_send(loaded, rt, clock=lambda: NOW)
    assert smtp_server.to(FINANCE_EMAIL)
    with session_scope(loaded, write=False) as s:
        assert s.get(Email, failed.id).status == "sent"


def test_retrying_an_email_that_has_not_failed_is_a_conflict(as_user, loaded, smtp_server):
    send_with_one_failure(loaded, smtp_server)
    with session_scope(loaded, write=False) as s:
        sent = s.execute(select(Email).where(Email.status == "sent")).scalars().first()
    client = as_user("lan")
    page = client.get("/outbox")
    assert client.post(f"/outbox/{sent.id}/retry", data={"csrf": csrf_of(page.text)}).status_code == 409
    with session_scope(loaded, write=False) as s:
        assert s.get(Email, sent.id).status == "sent"


def test_a_coordinator_may_not_see_the_outbox(as_user):
    client = as_user("hoa")
    assert client.get("/outbox").status_code == 403
    page = client.get("/dashboard")
    assert client.post("/outbox/1/retry", data={"csrf": csrf_of(page.text)}).status_code == 403
