"""SIGKILL a real `dondoc check` / `dondoc send` at 50 seeded points each,
restarting after every kill, then compare with one clean run: none lost,
none doubled beyond the documented in-flight email, invariants hold."""
from __future__ import annotations

import random
import shutil
import time
from collections import Counter

import pytest
from sqlalchemy import func, select, text

from dondoc import clock
from dondoc.store.db import get_engine, migrate, session_scope
from dondoc.store.models import Occurrence
from dondoc.store.outbox_models import Email, Notification
from dondoc.workflows.jobs import run_send, run_sweep
from tests.factories import write_config
from tests.notifications.helpers import load, local, runtime
from tests.notifications.test_crash import _bulk_occurrences, queue_emails
from tests.proc import dondoc_env, kill_when, spawn

pytestmark = [pytest.mark.reliability, pytest.mark.slow]
KILLS = 50
SEED = 20261126
NOW = "2023-07-20T07:30"


def _count(engine, table: str) -> int:
    with engine.connect() as conn:
        return conn.execute(text(f"SELECT count(*) FROM {table}")).scalar()


def _state(url: str) -> dict:
    with session_scope(get_engine(url), write=False) as s:
        occ = {r.id: (r.last_step, r.escalation_level, r.next_check_on)
               for r in s.execute(select(Occurrence.id, Occurrence.last_step, Occurrence.escalation_level,
                                         Occurrence.next_check_on))}
        keys = set(s.execute(select(Notification.key)).scalars())
    return {"occurrences": occ, "notifications": keys}


def test_fifty_kill_points_in_a_sweep_lose_and_double_nothing(tmp_path, smtp_server):
    url = f"sqlite:///{tmp_path / 'kill.db'}"
    engine = get_engine(url)
    migrate(engine)
    load(engine, write_config(tmp_path / "cfg"))
    _bulk_occurrences(engine, 5000)
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    shutil.copy(tmp_path / "kill.db", tmp_path / "clean.db")
    clean = f"sqlite:///{tmp_path / 'clean.db'}"
    rt = runtime(smtp_server.port)
    run_sweep(get_engine(clean), rt, now=local(NOW), compose=False)
    expected = _state(clean)
    total = len(expected["notifications"])
    points = sorted(random.Random(SEED).sample(range(1, total), KILLS))
    env = dondoc_env(url, smtp_server.port, sweep_batch=50)
    killed = 0
    for point in points:
        if _count(engine, "notification") >= point:
            continue
        killed += kill_when(spawn(["check", "--now", NOW], env), lambda: _count(engine, "notification") >= point)
    run_sweep(engine, rt, now=local(NOW))
    print(f"FIGURE sweep: {len(points)} kill points, {killed} kills landed mid-sweep, {total} notifications expected")
    assert killed >= KILLS // 2
    assert _state(url) == expected
    with session_scope(engine, write=False) as s:
        assert s.execute(select(func.count()).where(Notification.email_id.is_(None))).scalar() == 0


def test_fifty_kill_points_in_a_send_lose_nothing_and_double_at_most_one_each(tmp_path, smtp_server):
    url = f"sqlite:///{tmp_path / 'send.db'}"
    engine = get_engine(url)
    migrate(engine)
    expected = queue_emails(engine, 1200)
    points = sorted(random.Random(SEED).sample(range(1, 1150), KILLS))
    env = dondoc_env(url, smtp_server.port, send_concurrency=1, send_batch=25, send_claim_ttl_s=1, send_rate_per_s=0)
    killed = 0
    for point in points:
        if len(smtp_server.messages) >= point:
            continue
        killed += kill_when(spawn(["send"], env), lambda: len(smtp_server.messages) >= point)
    time.sleep(1.1)
    run_send(engine, runtime(smtp_server.port, claim_ttl_s=1), clock=clock.now)
    received = Counter(smtp_server.message_ids())
    doubled = sum(n - 1 for n in received.values())
    print(f"FIGURE send: {killed} kills landed mid-send, {len(expected)} emails, {len(set(received))} delivered, "
          f"{doubled} delivered twice")
    assert set(received) == expected
    assert sum(n - 1 for n in received.values()) <= killed  # one connection: at most the one in flight per kill
    with session_scope(engine, write=False) as s:
        assert s.execute(select(func.count()).select_from(Email).where(Email.status != "sent")).scalar() == 0
