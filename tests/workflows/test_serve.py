"""`dondoc serve` as a real process: jobs run by themselves, SIGTERM stops it
cleanly, and two serves on one database send every email once."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from collections import Counter

import pytest
from sqlalchemy import func, select

from dondoc.store.db import session_scope
from dondoc.store.outbox_models import Email
from tests.conftest import free_port
from tests.factories import write_config
from tests.notifications.helpers import load

pytestmark = pytest.mark.slow


def start_serve(url: str, smtp_port: int, tmp_path, **extra: str) -> tuple[subprocess.Popen, int]:
    port = free_port()
    env = dict(os.environ, DONDOC_DATABASE_URL=url, DONDOC_SMTP_PORT=str(smtp_port), DONDOC_CAPTURE_MAIL="false",
               DONDOC_SWEEP_INTERVAL_S="1", DONDOC_SEND_INTERVAL_S="1", DONDOC_LEASE_TTL_S="3",
               DONDOC_SECRET_KEY="test-secret", DONDOC_MAILDIR=str(tmp_path / "mail"))
    env.update({f"DONDOC_{k.upper()}": v for k, v in extra.items()})
    proc = subprocess.Popen([sys.executable, "-m", "dondoc", "serve", "--port", str(port)], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    return proc, port


def get_json(port: int, path: str) -> dict:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=5) as r:
        return json.loads(r.read())


def wait_for(check, timeout: float = 30.0, proc: subprocess.Popen | None = None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise AssertionError(proc.stderr.read().decode()[-3000:])
        try:
            if value := check():
                return value
        except OSError:
            pass
        time.sleep(0.2)
    raise AssertionError("timed out")


def stop(proc: subprocess.Popen) -> str:
    """SIGTERM, then the process's log; uvicorn re-raises the signal once it
    has shut down gracefully, so the exit status is -SIGTERM."""
    proc.send_signal(signal.SIGTERM)
    code = proc.wait(timeout=30)
    log = proc.stderr.read().decode()
    assert code in (0, -signal.SIGTERM), log[-3000:]
    return log


def emails_in_db(engine) -> int:
    with session_scope(engine, write=False) as s:
        return s.execute(select(func.count()).select_from(Email)).scalar()


def test_serve_runs_a_sweep_and_a_send_by_itself_and_stops_on_sigterm(tmp_path, engine, db_url, smtp_server):
    load(engine, write_config(tmp_path / "cfg"))
    proc, port = start_serve(db_url, smtp_server.port, tmp_path)
    try:
        health = wait_for(lambda: get_json(port, "/health"), proc=proc)
        assert health["scheduler"] == "running"
        assert any("sweep" in j["id"] and j["next_run"] for j in health["jobs"])
        wait_for(lambda: len(smtp_server.messages) >= 4, proc=proc)
    finally:
        log = stop(proc)
    assert "scheduler stopped" in log and "Application shutdown complete" in log
    assert len(smtp_server.messages) == emails_in_db(engine)


def test_two_serves_on_one_database_send_each_email_once(tmp_path, engine, db_url, smtp_server):
    load(engine, write_config(tmp_path / "cfg"))
    first, p1 = start_serve(db_url, smtp_server.port, tmp_path)
    second, p2 = start_serve(db_url, smtp_server.port, tmp_path)
    try:
        wait_for(lambda: get_json(p1, "/health") and get_json(p2, "/health"), proc=first)
        leaders = [get_json(p, "/health")["leader"] for p in (p1, p2)]
        assert sorted(leaders) == [False, True]
        wait_for(lambda: len(smtp_server.messages) >= 4, proc=first)
        time.sleep(3)  # several more sweep and send rounds on both
    finally:
        stop(first)
        stop(second)
    ids = Counter(smtp_server.message_ids())
    assert all(n == 1 for n in ids.values()) and len(ids) == emails_in_db(engine)


def test_a_follower_takes_over_when_the_leader_dies(tmp_path, engine, db_url, smtp_server):
    load(engine, write_config(tmp_path / "cfg"))
    leader, p1 = start_serve(db_url, smtp_server.port, tmp_path, sweep_interval_s="3600")
    wait_for(lambda: get_json(p1, "/health")["leader"], proc=leader)
    follower, p2 = start_serve(db_url, smtp_server.port, tmp_path, sweep_interval_s="3600")
    try:
        wait_for(lambda: get_json(p2, "/health"), proc=follower)
        assert not get_json(p2, "/health")["leader"]
        leader.send_signal(signal.SIGKILL)
        leader.wait()
        wait_for(lambda: get_json(p2, "/health")["leader"], timeout=15, proc=follower)
    finally:
        stop(follower)
