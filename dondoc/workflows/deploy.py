"""Deployments of the dondoc flows to a Prefect `process` work pool.

Contracts:
- Schedules are cron expressions in Asia/Ho_Chi_Minh: the sweep on working
  days at 07:30, the sender every minute, the admin summary Mondays at 08:00;
  the partition deployment has none (the sweep starts its runs).
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

from prefect.client.orchestration import get_client
from prefect.client.schemas.actions import WorkPoolCreate
from prefect.deployments.runner import EntrypointType, RunnerDeployment
from prefect.exceptions import ObjectAlreadyExists
from prefect.schedules import Cron
from prefect.workers.process import ProcessWorker

from dondoc.workflows.flows import (PARTITION_DEPLOYMENT, national_sweep, national_sweep_partition, send_outbox,
                                    weekly_summary)

TIMEZONE = "Asia/Ho_Chi_Minh"
TAGS = ["dondoc"]


@dataclass(frozen=True)
class Schedules:
    sweep: str = "30 7 * * 1-5"
    send: str = "* * * * *"
    summary: str = "0 8 * * 1"
    timezone: str = TIMEZONE


def deployments(*, partitions: int, spread: bool = True, schedules: Schedules = Schedules()) -> list[RunnerDeployment]:
    """The deployments; names are stable so a redeploy updates them in place. With `spread`,
    the sweep runs its partitions as runs of the (unscheduled) partition deployment."""
    tz = schedules.timezone
    module = EntrypointType.MODULE_PATH
    return [
        national_sweep.to_deployment("sweep", schedules=[Cron(schedules.sweep, timezone=tz)], tags=TAGS,
                                     parameters={"partitions": partitions, "spread": spread}, entrypoint_type=module,
                                     description="Rà soát nhắc hạn, quá hạn, đôn đốc / the escalation sweep"),
        national_sweep_partition.to_deployment(PARTITION_DEPLOYMENT.split("/")[1], tags=TAGS, entrypoint_type=module,
                                               description="Một phần của rà soát / one slice of a spread sweep"),
        send_outbox.to_deployment("send", schedules=[Cron(schedules.send, timezone=tz)], tags=TAGS,
                                  entrypoint_type=module, description="Gửi thư trong hàng đợi / drain the outbox"),
        weekly_summary.to_deployment("summary", schedules=[Cron(schedules.summary, timezone=tz)], tags=TAGS,
                                     entrypoint_type=module,
                                     description="Thư tổng hợp tuần cho quản trị / weekly admin summary"),
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


def deploy_all(*, pool: str, partitions: int, spread: bool = True, schedules: Schedules = Schedules()) -> list[UUID]:
    """Create or update every deployment on `pool` (created first if missing)."""
    ensure_process_pool(pool)
    return [d.apply(work_pool_name=pool) for d in deployments(partitions=partitions, spread=spread, schedules=schedules)]
