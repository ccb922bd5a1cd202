"""Compose in bulk writes the same emails as one email at a time (the path
compose had before, kept for when another composer gets there first): on
the benchmark's tiny generated data set, swept at the benchmark's NOW, every
outbox row and every notification's email are the same. The agency link's
token carries the clock's second (itsdangerous), so links are compared
without it."""
from __future__ import annotations

import email
import json
import re
from email import policy

import pytest
from sqlalchemy import text

from bench import common, store
from bench.datasets import dataset
from bench.generate import Shape
from bench.world import NOW
from dondoc.engine.calendar import CalendarDecisions, WorkCalendar
from dondoc.notifications.compose import MailContext, compose_pending
from dondoc.store.db import get_engine
from dondoc.store.sweep import sweep_once

TINY = Shape(occurrences=2_000, provinces=2, communes=30)
MAIL = MailContext("http://127.0.0.1:8000", "bench-secret-bench-secret-bench-secret-00")
LINK = re.compile(r"/r/[A-Za-z0-9_.\-]+")
COLUMNS = ("id", "key", "kind", "recipient", "to_addrs", "subject", "body_text", "body_html", "raw", "language",
           "status", "attempts", "next_attempt_at", "claimed_by", "claimed_until", "last_error", "created_at",
           "sent_at")


@pytest.fixture
def workdir(tmp_path, monkeypatch):
    monkeypatch.setattr(store, "WORKDIR", tmp_path / "data")
    monkeypatch.setattr(common, "RESULTS", tmp_path / "results")
    return tmp_path


def _composed(db, suffix: str, *, bulk: bool, per_transaction: int) -> tuple[list[dict], list[tuple]]:
    copy = store.clone(db, suffix)
    engine = get_engine(copy.url)
    sweep_once(engine, now=NOW, calendar=WorkCalendar(CalendarDecisions()))
    assert compose_pending(engine, now=NOW, mail=MAIL, bulk=bulk, per_transaction=per_transaction) > 0
    with engine.connect() as conn:
        emails = [dict(r._mapping) for r in conn.execute(text(f"SELECT {', '.join(COLUMNS)} FROM email ORDER BY id"))]
        claims = [tuple(r) for r in conn.execute(text("SELECT id, email_id FROM notification ORDER BY id"))]
    store.drop(copy)
    return emails, claims


def _without_token(row: dict) -> dict:
    msg = email.message_from_bytes(bytes(row["raw"]), policy=policy.default)
    row = row | {"to_addrs": row["to_addrs"] if isinstance(row["to_addrs"], list) else json.loads(row["to_addrs"])}
    return row | {"body_text": LINK.sub("/r/-", row["body_text"]), "body_html": LINK.sub("/r/-", row["body_html"]),
                  "raw": (len(row["raw"]), list(msg.items()), [LINK.sub("/r/-", p.get_content()) for p in msg.iter_parts()])}


@pytest.mark.parametrize("kind", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_bulk_compose_writes_the_same_emails_as_one_at_a_time(workdir, kind):
    db, _ = dataset(kind, TINY, progress=False)
    try:
        before, before_claims = _composed(db, "one", bulk=False, per_transaction=200)
        after, after_claims = _composed(db, "bulk", bulk=True, per_transaction=7)  # groups cut across chunks too
    finally:
        store.drop(db)
    assert len(after) == len(before) > 20
    assert after_claims == before_claims and all(e is not None for _, e in after_claims)
    assert [_without_token(r) for r in after] == [_without_token(r) for r in before]
    for a, b in zip(after, before, strict=False):  # byte for byte where the two links were signed in the same second
        if LINK.findall(a["body_text"]) == LINK.findall(b["body_text"]):
            assert a == b
