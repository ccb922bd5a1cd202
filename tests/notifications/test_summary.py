"""The weekly admin summary: overdue items per agency, once per week per admin."""
from __future__ import annotations

from sqlmodel import select

from dondoc.store.db import session_scope
from dondoc.store.outbox_models import Email
from dondoc.workflows.jobs import run_send, run_weekly_summary
from tests.factories import write_config
from tests.notifications.helpers import load, local, runtime, text_part

MONDAY = local("2023-06-26T08:00")


def test_admins_get_one_summary_a_week_listing_overdue_agencies(tmp_path, engine, smtp_server):
    load(engine, write_config(tmp_path))
    rt = runtime(smtp_server.port)
    assert run_weekly_summary(engine, rt, now=MONDAY) == 1
    assert run_weekly_summary(engine, rt, now=local("2023-06-28T08:00")) == 0  # same ISO week
    run_send(engine, rt, clock=lambda: MONDAY)
    [msg] = smtp_server.to("admin@anphu.example.vn")
    body = text_part(msg)
    assert "Tổng hợp tuần" in str(msg["Subject"]) and "Trường Tiểu học An Bình: 2 quá hạn" in body
    assert run_weekly_summary(engine, rt, now=local("2023-07-03T08:00")) == 1
    with session_scope(engine, write=False) as s:
        assert len(s.exec(select(Email).where(Email.kind == "weekly_summary")).all()) == 2
