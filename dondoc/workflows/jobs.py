"""The jobs both runners call (APScheduler in `serve`, Prefect flows for
scale-out, and the CLI): each handles its batch and reports what it did."""
from __future__ import annotations

import logging
import os
import socket
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.engine import Engine

from dondoc.engine.calendar import local_date
from dondoc.notifications.compose import MailContext, compose_pending
from dondoc.notifications.drafts import queue_compiled_drafts
from dondoc.notifications.sender import DrainResult, SendPolicy, SmtpConfig, drain_outbox_once
from dondoc.notifications.summary import queue_weekly_summary
from dondoc.settings import Settings
from dondoc.store import tally
from dondoc.store.calendar_days import load_calendar
from dondoc.store.rollover import rollover_once
from dondoc.store.sweep import Partition, SweepResult, sweep_once

log = logging.getLogger("dondoc.jobs")


@dataclass(frozen=True)
class Runtime:
    """Everything a job needs that comes from settings, built once at the edge."""

    smtp: SmtpConfig
    send: SendPolicy
    mail: MailContext
    admins: tuple[str, ...]
    dashboard_url: str
    sweep_batch: int = 5000
    draft_days_before: int = 5

    @classmethod
    def from_settings(cls, s: Settings) -> Runtime:
        return cls(
            smtp=SmtpConfig(host=s.smtp_host, port=s.smtp_port, username=s.smtp_username,
                            password=s.smtp_password.get_secret_value() if s.smtp_password else None, tls=s.smtp_tls, timeout_s=s.smtp_timeout_s, mail_from=s.mail_from),
            send=SendPolicy(concurrency=s.send_concurrency, rate_per_s=s.send_rate_per_s, batch=s.send_batch,
                            claim_ttl_s=s.send_claim_ttl_s, backoff_s=s.send_backoff_s, max_attempts=s.send_max_attempts),
            mail=MailContext(base_url=s.base_url, secret=s.secret()),
            admins=tuple(s.admin_list()), dashboard_url=s.base_url.rstrip("/") + "/dashboard", sweep_batch=s.sweep_batch,
            draft_days_before=s.draft_days_before)


def worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def run_sweep(engine: Engine, rt: Runtime, *, now: datetime, dry_run: bool = False,
              partition: Partition = Partition(), compose: bool = True,
              should_stop: Callable[[], bool] = lambda: False) -> SweepResult:
    result = sweep_once(engine, now=now, calendar=load_calendar(engine), dry_run=dry_run, partition=partition,
                        batch_size=rt.sweep_batch, should_stop=should_stop)
    if compose and not dry_run:
        result.emails_queued = compose_pending(engine, now=now, mail=rt.mail)
    if not dry_run:
        tally.ensure(engine, today=local_date(now), now=now)  # the day's first dashboard need not count 1 M rows
    log.info("sweep as_of=%s looked_at=%d due_soon=%d overdue=%d escalated=%d notifications=%d emails_queued=%d "
             "errors=%d duration_s=%.3f", result.as_of, result.looked_at, result.due_soon, result.overdue,
             result.escalated, result.notifications, result.emails_queued, result.errors, result.duration_s)
    for failure in result.failures[:20]:
        log.warning("sweep could not handle occurrence %s: %s", failure["occurrence_id"], failure["reason"])
    return result


def run_send(engine: Engine, rt: Runtime, *, clock: Callable[[], datetime], max_batches: int | None = None,
             should_stop: Callable[[], bool] = lambda: False) -> DrainResult:
    result = drain_outbox_once(engine, smtp=rt.smtp, policy=rt.send, worker=worker_id(), clock=clock,
                               max_batches=max_batches, should_stop=should_stop)
    log.info("send claimed=%d sent=%d failed=%d retrying=%d duration_s=%.3f", result.claimed, result.sent,
             result.failed, result.retrying, result.duration_s)
    return result


def run_rollover(engine: Engine, *, now: datetime) -> int:
    created = rollover_once(engine, now=now, calendar=load_calendar(engine))
    log.info("rollover created=%d", created)
    return created


def run_weekly_summary(engine: Engine, rt: Runtime, *, now: datetime) -> int:
    queued = queue_weekly_summary(engine, now=now, admins=list(rt.admins), dashboard_url=rt.dashboard_url)
    log.info("weekly_summary queued=%d", queued)
    return queued


def run_compiled_drafts(engine: Engine, rt: Runtime, *, now: datetime) -> int:
    """The focal agencies' compiled report drafts due today (once per deadline)."""
    queued = queue_compiled_drafts(engine, now=now, calendar=load_calendar(engine), base_url=rt.mail.base_url,
                                   secret=rt.mail.secret, days_before=rt.draft_days_before)
    log.info("compiled_drafts queued=%d", queued)
    return queued
