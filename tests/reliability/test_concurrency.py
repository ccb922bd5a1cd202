"""Concurrent sweeps and a scheduler plus manual checks on one database:
every notification once, every email once."""
from __future__ import annotations

import threading
import time
from collections import Counter

import pytest
from sqlalchemy import func, select

from dondoc.store.db import session_scope
from dondoc.store.outbox_models import Email, Notification
from dondoc.workflows.jobs import run_send, run_sweep
from tests.factories import write_config
from tests.notifications.helpers import load, local, runtime
from tests.notifications.test_crash import _bulk_occurrences
from tests.proc import dondoc_env, spawn
from tests.workflows.test_serve import get_json, start_serve, stop, wait_for

pytestmark = [pytest.mark.reliability, pytest.mark.slow]
JUNE_23 = local("2023-06-23T07:30")


def keys(engine) -> list[str]:
    with session_scope(engine, write=False) as s:
        return list(s.execute(select(Notification.key)).scalars())


def test_four_sweeps_at_once_queue_what_one_sweep_would(tmp_path, engine, smtp_server):
    load(engine, write_config(tmp_path / "cfg"))
    _bulk_occurrences(engine, 3000)
    rt = runtime(smtp_server.port)
    errors: list[BaseException] = []

    def sweep() -> None:
        try:
            run_sweep(engine, rt, now=JUNE_23)
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=sweep) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    found = keys(engine)
    assert len(found) == len(set(found)) == 6000 + 13
    run_send(engine, rt, clock=lambda: JUNE_23)
    with session_scope(engine, write=False) as s:
        assert s.execute(select(func.count()).where(Notification.email_id.is_(None))).scalar() == 0
        per_address = Counter(a for e in s.execute(select(Email)).scalars() for a in e.to_addrs)
    assert len(smtp_server.messages) == sum(per_address.values())


def test_a_scheduler_plus_manual_checks_send_every_email_once(tmp_path, engine, db_url, smtp_server):
    load(engine, write_config(tmp_path / "cfg"))
    _bulk_occurrences(engine, 1000)
    proc, port = start_serve(db_url, smtp_server.port, tmp_path)
    manual = []
    try:
        wait_for(lambda: get_json(port, "/health")["leader"], proc=proc)
        env = dondoc_env(db_url, smtp_server.port)
        manual = [spawn(["check"], env) for _ in range(3)] + [spawn(["send"], env) for _ in range(2)]
        for m in manual:
            assert m.wait(timeout=120) == 0, m.stderr.read().decode()[-2000:]
        time.sleep(3)  # the scheduler's own sweeps and sends keep running
    finally:
        stop(proc)
    ids = Counter(smtp_server.message_ids())
    with session_scope(engine, write=False) as s:
        emails = s.execute(select(func.count()).select_from(Email)).scalar()
        unsent = s.execute(select(func.count()).select_from(Email).where(Email.status != "sent")).scalar()
    run_send(engine, runtime(smtp_server.port), clock=lambda: JUNE_23)  # whatever the stopped scheduler left queued
    ids = Counter(smtp_server.message_ids())
    assert all(n == 1 for n in ids.values()) and len(ids) == emails, (unsent, emails)
