"""MIME bytes built once at compose time (`Email.raw`) and sent unchanged;
compose in chunks of whole recipients; marks written by the group-commit
writer (and, when asked for, in batches)."""
from __future__ import annotations

import asyncio
import email
from collections import Counter
from datetime import UTC, datetime, timedelta
from email import policy

import pytest
from sqlalchemy import func, select, text

from dondoc.notifications.compose import compose_pending
from dondoc.notifications.message import build_message, build_raw, from_line
from dondoc.notifications.sender import Marks, SendPolicy, drain_outbox_once
from dondoc.store.db import get_engine, migrate, session_scope
from dondoc.store.outbox_models import Email, Notification
from dondoc.workflows.jobs import run_send, run_sweep
from tests.conftest import running
from tests.factories import write_config
from tests.notifications.helpers import html_part, load, local, runtime, text_part
from tests.notifications.test_crash import queue_emails

JUNE_23 = local("2023-06-23T07:30")
MAIL_FROM = "Hệ thống dondoc <dondoc@anphu.example.vn>"


class RawInbox:
    """The bytes each message arrived with, and its envelope."""

    def __init__(self) -> None:
        self.received: list[tuple[str, list[str], bytes]] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: ANN001, N802
        self.received.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.original_content))
        return "250 OK"


@pytest.fixture
def raw_server():
    with running(RawInbox()) as inbox:
        yield inbox


def _parse(data: bytes):  # noqa: ANN202
    return email.message_from_bytes(data, policy=policy.default)


def test_compose_stores_the_bytes_and_the_sender_sends_exactly_them(tmp_path, engine, raw_server):
    load(engine, write_config(tmp_path))
    rt = runtime(raw_server.port)
    queued = run_sweep(engine, rt, now=JUNE_23).emails_queued
    later = JUNE_23 + timedelta(hours=3)
    assert run_send(engine, rt, clock=lambda: later).sent == queued == len(raw_server.received)
    with session_scope(engine, write=False) as s:
        rows = {e.key: e for e in s.execute(select(Email)).scalars()}
    for mail_from, rcpts, data in raw_server.received:
        msg = _parse(data)
        row = rows[str(msg["X-Dondoc-Key"])]
        assert row.raw is not None and data == from_line(MAIL_FROM) + row.raw  # not rebuilt at send time
        assert mail_from == "dondoc@anphu.example.vn" and rcpts == row.to_addrs
        assert str(msg["Message-ID"]) == f"<{row.key}@dondoc>"
        assert msg["Date"].datetime == JUNE_23  # composition time, not the send time
        assert str(msg["Subject"]) == row.subject and "Hệ thống dondoc" in str(msg["From"])
        assert text_part(msg) == row.body_text and html_part(msg) == row.body_html
        assert not msg.defects and all(not p.defects for p in msg.walk())


def test_a_row_queued_without_bytes_is_built_when_sent(sqlite_url, raw_server):
    engine = get_engine(sqlite_url)
    migrate(engine)
    keys = queue_emails(engine, 3)  # raw NULL, as rows queued before raw existed
    at = (datetime.now(UTC) + timedelta(seconds=5)).replace(microsecond=0)
    sent = drain_outbox_once(engine, smtp=runtime(raw_server.port).smtp, policy=SendPolicy(rate_per_s=0),
                             worker="w", clock=lambda: at)
    assert sent.sent == 3
    msgs = [_parse(data) for _, _, data in raw_server.received]
    assert {str(m["Message-ID"]) for m in msgs} == keys
    for m in msgs:
        assert str(m["Subject"]).startswith("Nhắc việc số ") and text_part(m) == "Nội dung"
        assert html_part(m) == "<p>Nội dung</p>" and m["Date"].datetime == at


def test_the_bytes_keep_caller_text_out_of_headers_and_boundaries():
    subject = "Báo cáo\r\nBcc: thief@evil.example\r\n" + "đôn đốc " * 30
    text_body = "--==_dondoc_x\nĐã tổ chức.\n.\n" * 50
    html_body = "<p>Đã tổ chức</p>\n" * 400
    to = [f"vanthu{i}@xa-{i}.example.vn" for i in range(12)]
    data = build_message(key="digest-k\r\nX-Evil: 1", subject=subject, text=text_body, html=html_body, to=to,
                         mail_from=MAIL_FROM, date=JUNE_23)
    assert all(len(line) <= 78 for line in data.split(b"\r\n"))
    assert b"\n" not in data.replace(b"\r\n", b"") and data.isascii()
    msg = _parse(data)
    assert msg["Bcc"] is None and msg["X-Evil"] is None and not msg.defects
    assert str(msg["Subject"]) == " ".join(subject.split())
    assert [a.addr_spec for a in msg["To"].addresses] == to
    assert text_part(msg) == text_body and html_part(msg) == html_body
    assert str(msg["Message-ID"]) == "<digest-k--X-Evil--1@dondoc>"


def test_a_bad_address_leaves_raw_empty_and_fails_at_send(tmp_path, engine, smtp_server):
    from dondoc.store.models import Agency

    load(engine, write_config(tmp_path))
    rt = runtime(smtp_server.port)
    run_sweep(engine, rt, now=JUNE_23, compose=False)
    with session_scope(engine) as s:
        recipient = s.execute(select(Notification.recipient).limit(1)).scalar()
        s.get(Agency, recipient.removesuffix(".head")).email = "not an address"
    queued = compose_pending(engine, now=JUNE_23, mail=rt.mail)
    result = run_send(engine, rt, clock=lambda: JUNE_23)
    assert result.failed == 1 and result.sent == queued - 1
    with session_scope(engine, write=False) as s:
        [bad] = s.execute(select(Email).where(Email.status == "failed")).scalars()
        assert bad.raw is None and "invalid email address" in bad.last_error


def test_compose_reads_in_chunks_of_whole_recipients_until_none_is_pending(tmp_path, engine):
    load(engine, write_config(tmp_path))
    rt = runtime(1)
    run_sweep(engine, rt, now=JUNE_23, compose=False)
    with session_scope(engine, write=False) as s:
        per_recipient = Counter(s.execute(select(Notification.recipient)).scalars())
    assert max(per_recipient.values()) > 2  # one recipient is bigger than a chunk
    assert compose_pending(engine, now=JUNE_23, mail=rt.mail, chunk=2) == len(per_recipient)
    with session_scope(engine, write=False) as s:
        assert s.execute(select(func.count()).where(Notification.email_id.is_(None))).scalar() == 0
        emails = Counter(s.execute(select(Email.recipient)).scalars())
        items = Counter(r for r, in s.execute(select(Email.recipient).join(Notification, Notification.email_id == Email.id)))
    assert emails == Counter(per_recipient.keys()) and items == per_recipient  # one email each, every item in it


def _claimed(engine, n: int) -> list:
    queue_emails(engine, n)
    with engine.begin() as conn:
        conn.execute(text("UPDATE email SET status = 'sending', claimed_by = 'w'"))
        return list(conn.execute(select(Email.id).order_by(Email.id)).scalars())


def _sent(engine) -> int:
    with engine.connect() as conn:
        return conn.execute(text("SELECT count(*) FROM email WHERE status = 'sent'")).scalar()


def _params(id_: int) -> dict:
    return {"m_id": id_, "m_worker": "w", "m_status": "sent", "m_error": "", "m_sent_at": datetime.now(UTC),
            "m_next": None}


def test_a_mark_is_committed_before_the_worker_goes_on(engine):
    ids = _claimed(engine, 20)

    async def go() -> tuple[list[bool], int]:
        marks, seen = Marks(engine, SendPolicy()), []

        async def worker(mine: list[int]) -> None:
            for id_ in mine:
                await marks.mark(_params(id_))
                seen.append(id_ in _sent_ids(engine))  # committed when mark() returns

        try:
            await asyncio.gather(*(worker(ids[i::4]) for i in range(4)))
            await marks.flush()
        finally:
            marks.close()
        return seen, marks.transactions

    seen, transactions = asyncio.run(go())
    assert all(seen) and _sent(engine) == 20 and transactions <= 20


def _sent_ids(engine) -> set[int]:
    with engine.connect() as conn:
        return set(conn.execute(text("SELECT id FROM email WHERE status = 'sent'")).scalars())


def test_batched_marks_are_capped_and_all_written(engine):
    ids = _claimed(engine, 120)

    async def go() -> tuple[int, int, int]:
        marks = Marks(engine, SendPolicy(mark_batch=500, mark_interval_s=60))  # capped at 50 and 0.1 s
        try:
            for id_ in ids[:49]:
                await marks.mark(_params(id_))
            before = _sent(engine)  # 49 < 50: nothing written yet
            await marks.mark(_params(ids[49]))
            await asyncio.sleep(0.05)
            at_fifty = _sent(engine)
            for id_ in ids[50:]:
                await marks.mark(_params(id_))
            await asyncio.sleep(0.3)  # the 20 left are written after at most 0.1 s
            return before, at_fifty, _sent(engine)
        finally:
            marks.close()

    assert asyncio.run(go()) == (0, 50, 120)


def test_a_drain_with_batched_marks_sends_and_marks_each_once(engine, smtp_server):
    keys = queue_emails(engine, 300)
    rt = runtime(smtp_server.port)
    result = drain_outbox_once(engine, smtp=rt.smtp, policy=SendPolicy(concurrency=6, rate_per_s=0, batch=70,
                                                                        mark_batch=20), worker="w", clock=lambda: datetime.now(UTC))
    assert result.sent == 300 and _sent(engine) == 300
    assert Counter(smtp_server.message_ids()) == Counter(keys)


def test_build_raw_is_the_message_minus_its_from_line():
    kw = dict(key="k", subject="s", text="t", html="h", to=["a@b.vn"], date=JUNE_23)
    assert build_message(mail_from=MAIL_FROM, **kw) == from_line(MAIL_FROM) + build_raw(**kw)
    assert from_line(MAIL_FROM).startswith(b"From: =?utf-8?") and from_line("x@y.vn") == b"From: x@y.vn\r\n"
