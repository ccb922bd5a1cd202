"""Scale-out sending: two `dondoc send` processes drain one PostgreSQL outbox
into a real SMTP server, each email exactly once."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import insert

from dondoc.notifications.message import message_id
from dondoc.notifications.sender import outbox_counts
from dondoc.store.db import session_scope
from dondoc.store.outbox_models import Email
from tests.workflows.conftest import TIMINGS

DONDOC = Path(sys.executable).parent / "dondoc"
QUEUED_AT = datetime(2023, 6, 1, 0, 30, tzinfo=UTC)
EMAILS = 5000


def queue_emails(engine, n: int) -> list[str]:
    rows = [dict(key=f"load-{i:05d}", kind="overdue", recipient=f"agency-{i % 97}",
                 to_addrs=[f"vanthu{i % 97}@xa.example.vn"], subject=f"Nhắc việc quá hạn #{i}",
                 body_text=f"Nhiệm vụ số {i} đã quá hạn.", body_html=f"<p>Nhiệm vụ số {i} đã quá hạn.</p>",
                 language="vi", status="queued", attempts=0, next_attempt_at=QUEUED_AT, created_at=QUEUED_AT,
                 last_error="") for i in range(n)]
    with session_scope(engine) as s:
        s.execute(insert(Email), rows)
    return [r["key"] for r in rows]


def sender(db_url: str, smtp_port: int) -> subprocess.Popen:
    env = {**os.environ, "DONDOC_DATABASE_URL": db_url, "DONDOC_SMTP_PORT": str(smtp_port),
           "DONDOC_SEND_BATCH": "100", "DONDOC_SEND_RATE_PER_S": "0", "DONDOC_CAPTURE_MAIL": "false"}
    return subprocess.Popen([str(DONDOC), "send", "--json"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)


@pytest.mark.slow
@pytest.mark.parametrize("db_url", [pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True)
def test_two_sender_processes_drain_5000_emails_with_none_twice_and_none_left(engine, db_url, smtp_server):
    keys = queue_emails(engine, EMAILS)
    started = time.perf_counter()
    procs = [sender(db_url, smtp_server.port) for _ in range(2)]
    outputs = [p.communicate(timeout=240) for p in procs]
    TIMINGS["two_senders_5000_emails_s"] = round(time.perf_counter() - started, 2)
    assert [p.returncode for p in procs] == [0, 0], [err[-2000:] for _, err in outputs]
    results = [json.loads(out.strip().splitlines()[-1]) for out, _ in outputs]
    received = smtp_server.message_ids()
    assert len(received) == len(set(received)) == EMAILS
    assert set(received) == {message_id(k) for k in keys}
    assert outbox_counts(engine) == {"sent": EMAILS}
    assert [r["failed"] for r in results] == [0, 0] and sum(r["sent"] for r in results) == EMAILS
    assert all(r["sent"] > 0 for r in results), results  # both processes took part
