"""The SMTP server down, then up: retries deliver everything, with backoff."""
from __future__ import annotations

from datetime import timedelta

from aiosmtpd.controller import Controller
from sqlmodel import select

from dondoc.store.db import session_scope
from dondoc.store.outbox_models import Email
from dondoc.workflows.jobs import run_send, run_sweep
from tests.conftest import Inbox, free_port
from tests.factories import write_config
from tests.notifications.helpers import load, local, runtime

JUNE_23 = local("2023-06-23T07:30")


def statuses(engine):
    with session_scope(engine, write=False) as s:
        return sorted(e.status for e in s.exec(select(Email)))


def test_server_down_then_up_delivers_everything_after_backoff(tmp_path, engine):
    load(engine, write_config(tmp_path))
    port = free_port()
    rt = runtime(port, backoff_s=60)
    run_sweep(engine, rt, now=JUNE_23)
    down = run_send(engine, rt, clock=lambda: JUNE_23)
    assert down.sent == 0 and down.retrying == 4 and statuses(engine) == ["retrying"] * 4
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        too_soon = run_send(engine, rt, clock=lambda: JUNE_23 + timedelta(seconds=30))
        assert too_soon.claimed == 0  # backoff respected: no tight retry loop
        later = run_send(engine, rt, clock=lambda: JUNE_23 + timedelta(seconds=61))
        assert later.sent == 4 and len(inbox.messages) == 4 and statuses(engine) == ["sent"] * 4
    finally:
        controller.stop()


def test_a_temporary_451_is_retried_and_then_delivered(tmp_path, engine, smtp_server):
    load(engine, write_config(tmp_path))
    rt = runtime(smtp_server.port, backoff_s=10)
    run_sweep(engine, rt, now=JUNE_23)
    smtp_server.fail_data_with = "451 4.3.0 Try again later"
    first = run_send(engine, rt, clock=lambda: JUNE_23)
    assert first.retrying == 4 and not smtp_server.messages
    smtp_server.fail_data_with = None
    second = run_send(engine, rt, clock=lambda: JUNE_23 + timedelta(seconds=11))
    assert second.sent == 4 and len(set(smtp_server.message_ids())) == 4


def test_backoff_doubles_and_gives_up_after_max_attempts(tmp_path, engine):
    load(engine, write_config(tmp_path))
    rt = runtime(free_port(), backoff_s=10, max_attempts=3)
    run_sweep(engine, rt, now=JUNE_23)
    waits = []
    now = JUNE_23
    for _ in range(3):
        run_send(engine, rt, clock=lambda: now)
        with session_scope(engine, write=False) as s:
            e = s.exec(select(Email).order_by(Email.id)).first()
        if e.status == "retrying":
            waits.append((e.next_attempt_at - now).total_seconds())
            now = e.next_attempt_at
    assert waits == [10, 20] and statuses(engine) == ["failed"] * 4
