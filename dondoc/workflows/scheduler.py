"""The embedded runner: APScheduler 3.x in the `serve` process.

Fixed job ids, coalesce, max_instances=1 and a misfire grace time, so a
sweep missed while the machine was off runs once, not never and not N times.
Only the holder of the database lease "scheduler" runs jobs, so a second
`serve` on the same database doubles nothing (and the sweep and sender are
duplicate-safe on their own). SIGTERM: the current batch commits, then stop.
"""
from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy import select
from sqlalchemy.engine import Engine

from dondoc.engine.calendar import VN_TZ
from dondoc.settings import Settings
from dondoc.store.db import session_scope
from dondoc.workflows import lease
from dondoc.workflows.jobs import (
    Runtime,
    run_compiled_drafts,
    run_rollover,
    run_send,
    run_sweep,
    run_weekly_summary,
    worker_id,
)
from dondoc.workflows.models import JobRun

log = logging.getLogger("dondoc.scheduler")
LEASE = "scheduler"


class Service:
    def __init__(self, engine: Engine, settings: Settings, *, clock: Callable[[], datetime]) -> None:
        self.engine, self.settings, self.clock = engine, settings, clock
        self.rt = Runtime.from_settings(settings)
        self.holder = worker_id()
        self.stopping = threading.Event()
        self.leader = False
        self.scheduler = BackgroundScheduler(timezone=VN_TZ, job_defaults={
            "coalesce": True, "max_instances": 1, "misfire_grace_time": settings.misfire_grace_s})

    def sweep_trigger(self) -> Any:
        if self.settings.sweep_interval_s:
            return IntervalTrigger(seconds=self.settings.sweep_interval_s, timezone=VN_TZ)
        return CronTrigger.from_crontab(self.settings.sweep_cron, timezone=VN_TZ)

    def start(self) -> None:
        self.heartbeat()
        add = self.scheduler.add_job
        ttl = self.settings.lease_ttl_s
        add(self.heartbeat, IntervalTrigger(seconds=max(1, ttl // 3)), id="lease-heartbeat", replace_existing=True)
        add(self._job("sweep", self.sweep), self.sweep_trigger(), id="sweep", replace_existing=True)
        add(self._job("send", self.send), IntervalTrigger(seconds=self.settings.send_interval_s), id="send",
            replace_existing=True)
        add(self._job("weekly-summary", self.summary), CronTrigger.from_crontab(self.settings.summary_cron, timezone=VN_TZ),
            id="weekly-summary", replace_existing=True)
        add(self._job("compiled-drafts", self.drafts), CronTrigger.from_crontab(self.settings.drafts_cron, timezone=VN_TZ),
            id="compiled-drafts", replace_existing=True)
        add(self._job("rollover", self.rollover), CronTrigger.from_crontab(self.settings.rollover_cron, timezone=VN_TZ),
            id="rollover", replace_existing=True)
        if self.missed_sweep():
            add(self._job("sweep", self.sweep), id="sweep-catchup", replace_existing=True,
                next_run_time=self.clock() + timedelta(seconds=1))
        self.scheduler.start()
        log.info("scheduler started holder=%s leader=%s", self.holder, self.leader)

    def shutdown(self) -> None:
        self.stopping.set()
        if self.scheduler.running:
            self.scheduler.shutdown(wait=True)
        if self.leader:
            lease.release(self.engine, LEASE, self.holder, now=self.clock())
        log.info("scheduler stopped")

    def heartbeat(self) -> None:
        self.leader = lease.acquire(self.engine, LEASE, self.holder, now=self.clock(), ttl_s=self.settings.lease_ttl_s)

    def missed_sweep(self) -> bool:
        """After downtime: was a sweep due since the last one ran (or never ran)?"""
        with session_scope(self.engine, write=False) as s:
            last = s.execute(select(JobRun.started_at).where(JobRun.job == "sweep", JobRun.ok.is_(True))
                             .order_by(JobRun.started_at.desc()).limit(1)).scalar()
        if last is None:
            return True
        due = self.sweep_trigger().get_next_fire_time(None, last + timedelta(seconds=1))
        return due is not None and due <= self.clock()

    def jobs(self) -> list[dict[str, Any]]:
        return [{"id": j.id, "next_run": j.next_run_time.isoformat() if j.next_run_time else None}
                for j in self.scheduler.get_jobs()]

    def sweep(self) -> dict:
        return run_sweep(self.engine, self.rt, now=self.clock(), should_stop=self.stopping.is_set).as_dict()

    def send(self) -> dict:
        return run_send(self.engine, self.rt, clock=self.clock, should_stop=self.stopping.is_set).as_dict()

    def summary(self) -> dict:
        return {"queued": run_weekly_summary(self.engine, self.rt, now=self.clock())}

    def drafts(self) -> dict:
        return {"queued": run_compiled_drafts(self.engine, self.rt, now=self.clock())}

    def rollover(self) -> dict:
        return {"created": run_rollover(self.engine, now=self.clock())}

    def _job(self, name: str, fn: Callable[[], dict]) -> Callable[[], None]:
        def run() -> None:
            if not self.leader or self.stopping.is_set():
                return
            record_run(self.engine, name, "serve", self.holder, fn, clock=self.clock)

        run.__name__ = f"dondoc_{name}"
        return run


def record_run(engine: Engine, job: str, runner: str, holder: str, fn: Callable[[], dict],
               *, clock: Callable[[], datetime]) -> dict | None:
    """Run a job and keep a JobRun row with its counts, duration and error."""
    started, t0 = clock(), time.perf_counter()
    counts, error = {}, ""
    try:
        counts = fn()
    except Exception as exc:  # noqa: BLE001  (logged and recorded; the scheduler goes on)
        error = f"{type(exc).__name__}: {exc}"
        log.exception("job %s failed", job)
    counts = {k: v for k, v in counts.items() if not isinstance(v, list)}
    counts["duration_s"] = round(time.perf_counter() - t0, 3)
    with session_scope(engine) as s:
        s.add(JobRun(job=job, runner=runner, holder=holder, started_at=started, finished_at=clock(), ok=not error,
                     counts=counts, error=error[:2000]))
    return None if error else counts
