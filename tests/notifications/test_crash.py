"""SIGKILL a real `dondoc check` and `dondoc send` mid-batch, rerun, count:
nothing lost, nothing doubled except the one email in flight."""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, insert, select, text

from dondoc import clock
from dondoc.store.db import get_engine, migrate, session_scope
from dondoc.store.models import Occurrence, Task
from dondoc.store.outbox_models import Email, Notification
from dondoc.workflows.jobs import run_send, run_sweep
from tests.factories import write_config
from tests.notifications.helpers import load, local, runtime

pytestmark = pytest.mark.slow
JUNE_23 = "2023-06-23T07:30"


def env_for(url: str, port: int, **extra: str) -> dict[str, str]:
    env = dict(os.environ, DONDOC_DATABASE_URL=url, DONDOC_SMTP_PORT=str(port), DONDOC_SECRET_KEY="test-secret")
    env.update({f"DONDOC_{k.upper()}": v for k, v in extra.items()})
    return env


def spawn(args: list[str], env: dict[str, str]) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "dondoc", *args], env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE)


def kill_when(proc: subprocess.Popen, ready, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not ready():
        assert proc.poll() is None, proc.stderr.read().decode()
        assert time.monotonic() < deadline
        time.sleep(0.01)
    proc.send_signal(signal.SIGKILL)
    proc.wait()


def queue_emails(engine, n: int) -> set[str]:
    now = datetime.now(UTC)
    rows = [dict(key=f"crash-{i:05d}", kind="digest", recipient="x", to_addrs=[f"a{i}@xa.example.vn"],
                 subject=f"Nhắc việc số {i}", body_text="Nội dung", body_html="<p>Nội dung</p>", language="vi",
                 status="queued", attempts=0, next_attempt_at=now, created_at=now, last_error="") for i in range(n)]
    with session_scope(engine) as s:
        s.execute(insert(Email), rows)
    return {f"<{r['key']}@dondoc>" for r in rows}


def test_a_killed_send_loses_nothing_and_doubles_at_most_the_one_in_flight(sqlite_url, smtp_server):
    engine = get_engine(sqlite_url)
    migrate(engine)
    expected = queue_emails(engine, 300)
    proc = spawn(["send"], env_for(sqlite_url, smtp_server.port, send_rate_per_s="150", send_concurrency="1",
                                   send_claim_ttl_s="1"))
    kill_when(proc, lambda: len(smtp_server.messages) >= 60)
    time.sleep(1.2)  # the dead sender's claim expires
    rt = runtime(smtp_server.port, claim_ttl_s=1)
    run_send(engine, rt, clock=clock.now)
    received = Counter(smtp_server.message_ids())
    assert set(received) == expected
    assert sum(n - 1 for n in received.values()) <= 1


def _bulk_occurrences(engine, n: int) -> None:
    with session_scope(engine) as s:
        task = s.execute(select(Task).where(Task.number == "1.1")).scalar_one()
        due = s.execute(select(Occurrence.due).where(Occurrence.task_id == task.id)).scalar_one()
        s.execute(insert(Occurrence), [dict(task_id=task.id, plan_id=task.plan_id, owner_id=owner, period=f"p{i}",
                                            due=due, status="not_started", escalation_level=0, last_step=-1,
                                            next_check_on=local(JUNE_23).date(), on_event=False, note="", evidence_url="")
                                       for i in range(n) for owner in ("tram-y-te-an-binh", "truong-hoc-an-binh")])


def _keys(url: str) -> set[str]:
    with session_scope(get_engine(url), write=False) as s:
        return set(s.execute(select(Notification.key)).scalars())


def test_a_killed_sweep_rerun_queues_exactly_what_one_clean_sweep_would(tmp_path, smtp_server):
    url = f"sqlite:///{tmp_path / 'crash.db'}"
    engine = get_engine(url)
    migrate(engine)
    load(engine, write_config(tmp_path / "cfg"))
    _bulk_occurrences(engine, 6000)
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    shutil.copy(tmp_path / "crash.db", tmp_path / "clean.db")
    clean_url = f"sqlite:///{tmp_path / 'clean.db'}"
    migrate(get_engine(clean_url))
    rt = runtime(smtp_server.port)
    run_sweep(get_engine(clean_url), rt, now=local(JUNE_23))

    def notifications() -> int:
        with engine.connect() as conn:
            return conn.execute(text("SELECT count(*) FROM notification")).scalar()

    proc = spawn(["check", "--now", JUNE_23], env_for(url, smtp_server.port, sweep_batch="200"))
    kill_when(proc, lambda: notifications() > 0)
    partial = notifications()
    run_sweep(engine, rt, now=local(JUNE_23))
    assert 0 < partial < len(_keys(clean_url))
    assert _keys(url) == _keys(clean_url)
    run_send(engine, rt, clock=lambda: local(JUNE_23))
    with session_scope(engine, write=False) as s:
        assert s.execute(select(func.count()).where(Notification.email_id.is_(None))).scalar() == 0
        assert s.execute(select(func.count()).select_from(Email).where(Email.status != "sent")).scalar() == 0
        emails = s.execute(select(func.count()).select_from(Email)).scalar()
    assert len(smtp_server.messages) == emails
