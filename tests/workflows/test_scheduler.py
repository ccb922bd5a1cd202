"""The embedded scheduler's decisions, with a frozen clock and no threads."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

from dondoc.settings import Settings
from dondoc.store.db import session_scope
from dondoc.workflows import lease
from dondoc.workflows.models import JobRun
from dondoc.workflows.scheduler import Service

MONDAY_8AM = datetime(2023, 6, 26, 1, 0, tzinfo=UTC)  # 08:00 in Hà Nội


def service(engine, now, **settings):
    return Service(engine, Settings(**settings), clock=lambda: now)


def record_sweep(engine, at):
    with session_scope(engine) as s:
        s.add(JobRun(job="sweep", runner="serve", holder="x", started_at=at, finished_at=at, counts={}))


def test_a_fresh_install_sweeps_once_at_start(engine):
    assert service(engine, MONDAY_8AM).missed_sweep()


def test_after_ten_days_down_one_catch_up_sweep_is_due(engine):
    record_sweep(engine, MONDAY_8AM - timedelta(days=10))
    assert service(engine, MONDAY_8AM).missed_sweep()


def test_no_catch_up_when_todays_sweep_already_ran(engine):
    record_sweep(engine, MONDAY_8AM - timedelta(minutes=30))  # 07:30 today
    assert not service(engine, MONDAY_8AM).missed_sweep()


def test_no_catch_up_over_a_weekend_when_fridays_sweep_ran(engine):
    saturday = datetime(2023, 6, 24, 3, 0, tzinfo=UTC)
    record_sweep(engine, datetime(2023, 6, 23, 0, 30, tzinfo=UTC))
    assert not service(engine, saturday).missed_sweep()


def test_sweep_jobs_coalesce_and_allow_misfires():
    svc = Service.__new__(Service)
    svc.settings = Settings()
    defaults = Service(None, Settings(), clock=lambda: MONDAY_8AM).scheduler._job_defaults  # noqa: SLF001
    assert defaults["coalesce"] is True and defaults["max_instances"] == 1 and defaults["misfire_grace_time"] >= 3600


def test_a_lease_has_one_holder_until_it_expires(engine):
    assert lease.acquire(engine, "scheduler", "a", now=MONDAY_8AM, ttl_s=30)
    assert not lease.acquire(engine, "scheduler", "b", now=MONDAY_8AM + timedelta(seconds=10), ttl_s=30)
    assert lease.acquire(engine, "scheduler", "a", now=MONDAY_8AM + timedelta(seconds=20), ttl_s=30)
    assert lease.acquire(engine, "scheduler", "b", now=MONDAY_8AM + timedelta(seconds=51), ttl_s=30)
    assert not lease.acquire(engine, "scheduler", "a", now=MONDAY_8AM + timedelta(seconds=52), ttl_s=30)
