"""The sweep's per-call memos (decisions, support lists, recipients) and its
id-ordered batches leave exactly what deciding and resolving every row on its
own leaves: the benchmark's naive loop is that reference. The tiny benchmark
data set is made to use every chain part a memo key depends on (support,
focal, issuer, heads), and small batches make the memos span batches."""
from __future__ import annotations

import json

import pytest
from sqlalchemy import text

from bench import store
from bench.datasets import dataset
from bench.generate import Shape
from bench.naive import naive_sweep
from bench.store import clone, drop
from bench.world import NOW, POLICIES
from dondoc.engine.calendar import CalendarDecisions, WorkCalendar
from dondoc.store import sweep as sweep_module
from dondoc.store.db import get_engine
from dondoc.store.sweep import Partition, sweep_once

TINY = Shape(occurrences=2_000, provinces=2, communes=30)
TOKENS = (  # (notify, cc) per step; the step days stay the generator's, so its next_check_on still hold
    (["lead", "support"], []),
    (["lead"], ["focal", "support.head"]),
    (["lead", "lead.parent.head"], ["focal", "support"]),
    (["issuer.head"], ["focal", "lead", "support"]),
)


def _steps(policy_id: str) -> list[dict]:
    return [step | {"notify": notify, "cc": cc} for step, (notify, cc) in zip(POLICIES[policy_id]["steps"], TOKENS, strict=False)]


@pytest.fixture
def tiny(tmp_path, monkeypatch):
    """The tiny data set, with support agencies on two tasks in three and a
    policy whose steps read every part of the chain."""
    monkeypatch.setattr(store, "WORKDIR", tmp_path / "data")
    db, _ = dataset("sqlite", TINY, progress=False)
    engine = get_engine(db.url)
    with engine.begin() as conn:
        agencies = [a for (a,) in conn.execute(text("SELECT id FROM agency ORDER BY id"))]
        tasks = [t for (t,) in conn.execute(text("SELECT id FROM task ORDER BY id"))]
        conn.execute(text("UPDATE task SET support = :support WHERE id = :id"),
                     [{"id": t, "support": json.dumps(agencies[i % 97: i % 97 + i % 3])} for i, t in enumerate(tasks)])
        conn.execute(text("UPDATE policy SET steps = :steps WHERE id = :id"),
                     [{"id": p, "steps": json.dumps(_steps(p))} for p in POLICIES])
    engine.dispose()
    yield db
    drop(db)


def _state(url: str) -> dict:
    engine = get_engine(url)
    with engine.connect() as conn:
        out = {
            "notifications": list(conn.execute(text(
                "SELECT key, occurrence_id, step, recipient, role, template, level FROM notification ORDER BY key"))),
            "occurrences": list(conn.execute(text("SELECT id, last_step, escalation_level, next_check_on, "
                                                  "last_reminded_at FROM occurrence ORDER BY id"))),
            "events": sorted((occ, json.loads(before), json.loads(after)) for occ, before, after
                             in conn.execute(text("SELECT occurrence_id, before, after FROM event")))}
    engine.dispose()
    return out


@pytest.mark.parametrize("batch_size", [37, 5000])
def test_the_sweep_leaves_what_deciding_each_row_alone_leaves(tiny, batch_size):
    ours, reference = clone(tiny, "ours"), clone(tiny, "reference")
    try:
        result = sweep_once(get_engine(ours.url), now=NOW, calendar=WorkCalendar(CalendarDecisions()), batch_size=batch_size)
        counts = naive_sweep(get_engine(reference.url), now=NOW, calendar=WorkCalendar(CalendarDecisions()))
        got, want = _state(ours.url), _state(reference.url)
        assert result.notifications == counts["notifications"] == len(want["notifications"]) > 100
        assert result.due_soon + result.overdue + result.escalated == counts["escalated"] == len(want["events"])
        assert any(n.recipient.endswith(".head") for n in want["notifications"])
        assert got == want
    finally:
        drop(ours)
        drop(reference)


def test_partitions_together_do_the_whole_sweep_once(tiny):
    whole, parts = clone(tiny, "whole"), clone(tiny, "parts")
    try:
        full = sweep_once(get_engine(whole.url), now=NOW, calendar=WorkCalendar(CalendarDecisions()), batch_size=50)
        split = [sweep_once(get_engine(parts.url), now=NOW, calendar=WorkCalendar(CalendarDecisions()), batch_size=50,
                            partition=Partition(i, 3)) for i in range(3)]
        assert sum(r.looked_at for r in split) == full.looked_at
        assert sum(r.notifications for r in split) == full.notifications
        assert _state(parts.url) == _state(whole.url)
    finally:
        drop(whole)
        drop(parts)


def test_dry_run_lists_what_the_sweep_then_queues(tiny):
    copy = clone(tiny, "dry")
    try:
        engine = get_engine(copy.url)
        dry = sweep_once(engine, now=NOW, calendar=WorkCalendar(CalendarDecisions()), batch_size=64, dry_run=True)
        assert _state(copy.url)["notifications"] == []
        real = sweep_once(engine, now=NOW, calendar=WorkCalendar(CalendarDecisions()), batch_size=64)
        queued = {(n.key, n.role) for n in _state(copy.url)["notifications"]}
        assert {(f"{w['occurrence_id']}:{w['step']}:{w['recipient']}", w["role"]) for w in dry.would_send} == queued
        assert (dry.looked_at, dry.notifications) == (real.looked_at, real.notifications)
    finally:
        drop(copy)


def test_a_stop_between_batches_leaves_the_rest_to_the_next_sweep(tiny):
    copy = clone(tiny, "stop")
    try:
        engine = get_engine(copy.url)
        asked = []
        first = sweep_once(engine, now=NOW, calendar=WorkCalendar(CalendarDecisions()), batch_size=40,
                           should_stop=lambda: asked.append(1) or len(asked) > 2)
        rest = sweep_once(engine, now=NOW, calendar=WorkCalendar(CalendarDecisions()), batch_size=40)
        assert first.looked_at == 80
        assert rest.looked_at > 0
        assert sweep_once(engine, now=NOW, calendar=WorkCalendar(CalendarDecisions())).looked_at == 0
    finally:
        drop(copy)


@pytest.mark.postgres
def test_a_large_sweep_refreshes_the_notification_statistics_on_postgresql(pg_url, monkeypatch):
    engine = get_engine(pg_url)
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE notification (id int)"))
        conn.execute(text("INSERT INTO notification SELECT generate_series(1, 500)"))

    def analysed() -> int:
        with engine.connect() as conn:
            return conn.execute(text("SELECT reltuples FROM pg_class WHERE relname = 'notification'")).scalar_one()

    monkeypatch.setattr(sweep_module, "ANALYZE_AFTER", 100)
    sweep_module._refresh_statistics(engine, 100)
    assert analysed() <= 0
    sweep_module._refresh_statistics(engine, 101)
    assert analysed() == 500
