"""Deployments of the dondoc flows to a Prefect `process` work pool.

Contracts:
- Schedules are cron expressions in Asia/Ho_Chi_Minh, the ones `serve` uses
  (settings): the sweep on working days at 07:30, the sender every minute, the
  admin summary Mondays at 08:00, the roll-over daily at 01:15; the partition
  deployment has none (the sweep starts its runs).
- Deployments point at the installed `dondoc` package (module entrypoints), so
  a worker needs dondoc installed and DONDOC_* in its environment; parameters
  hold no secrets.
- No deployment concurrency limit: a second sweep or sender at once is harmless
  (SKIP LOCKED, conditional updates), and a leaked slot would stop the schedule.
- Each deployment is applied on its own rather than through `prefect.deploy()`:
  with FastAPI 0.154 the server answers 422 to the worker listing that
  `prefect.deploy()` sends first (`"limit": null`), and that listing only serves
  a hint to start a worker.
"""
from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from prefect import Flow
from prefect.client.orchestration import get_client
from prefect.client.schemas.actions import WorkPoolCreate
from prefect.deployments.runner import EntrypointType, RunnerDeployment
from prefect.exceptions import ObjectAlreadyExists
from prefect.schedules import Cron
from prefect.workers.process import ProcessWorker

from dondoc.settings import Settings
from dondoc.workflows.flows import (
    PARTITION_DEPLOYMENT,
    national_sweep,
    national_sweep_partition,
    rollover,
    send_outbox,
    weekly_summary,
)

TIMEZONE = "Asia/Ho_Chi_Minh"
TAGS = ["dondoc"]


@dataclass(frozen=True)
class Schedules:
    sweep: str
    summary: str
    rollover: str
    send: str = "* * * * *"
    timezone: str = TIMEZONE

    @classmethod
    def from_settings(cls, s: Settings) -> Schedules:
        """The crons `dondoc serve` uses (DONDOC_SWEEP_CRON, ...: by default 07:30 on working
        days, Mondays 08:00, daily 01:15), so both runners keep one timetable."""
        return cls(sweep=s.sweep_cron, summary=s.summary_cron, rollover=s.rollover_cron, timezone=s.timezone)


def _deployment(flow: Flow, name: str, cron: str | None, tz: str, about: str, **parameters: object) -> RunnerDeployment:
    schedules = [Cron(cron, timezone=tz)] if cron else None
    return flow.to_deployment(name, schedules=schedules, parameters=parameters, tags=TAGS, description=about,
                              entrypoint_type=EntrypointType.MODULE_PATH)


def deployments(*, partitions: int, schedules: Schedules, spread: bool = True) -> list[RunnerDeployment]:
    """The deployments; names are stable so a redeploy updates them in place. With `spread`,
    the sweep runs its partitions as runs of the (unscheduled) partition deployment."""
    s, tz = schedules, schedules.timezone
    return [
        _deployment(national_sweep, "sweep", s.sweep, tz, "Rà soát nhắc hạn, quá hạn, đôn đốc / the escalation sweep",
                    partitions=partitions, spread=spread),
        _deployment(national_sweep_partition, PARTITION_DEPLOYMENT.split("/")[1], None, tz,
                    "Một phần của rà soát / one slice of a spread sweep"),
        _deployment(send_outbox, "send", s.send, tz, "Gửi thư trong hàng đợi / drain the outbox"),
        _deployment(weekly_summary, "summary", s.summary, tz, "Thư tổng hợp tuần cho quản trị / weekly admin summary"),
        _deployment(rollover, "rollover", s.rollover, tz, "Tạo kỳ tiếp theo / next periods of recurring tasks"),
    ]


def ensure_process_pool(name: str) -> bool:
    """Create the `process` work pool if missing; True when it was created."""
    template = ProcessWorker.get_default_base_job_template()
    with get_client(sync_client=True) as client:
        try:
            client.create_work_pool(WorkPoolCreate(name=name, type="process", base_job_template=template))
        except ObjectAlreadyExists:
            return False
    return True


def deploy_all(*, pool: str, partitions: int, schedules: Schedules, spread: bool = True) -> list[UUID]:
    """Create or update every deployment on `pool` (created first if missing)."""
    ensure_process_pool(pool)
    wanted = deployments(partitions=partitions, spread=spread, schedules=schedules)
    return [d.apply(work_pool_name=pool) for d in wanted]
