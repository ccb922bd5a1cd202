"""Prefect flows for the scale-out runner: thin wrappers over the same jobs
`dondoc serve` and the CLI call (`run_sweep`, `compose_pending`, `run_send`,
`run_weekly_summary`, `run_rollover`).

Contracts:
- Flow parameters carry no secrets: each task reads DONDOC_* settings from its
  worker's environment (the database URL may hold a password).
- The national sweep fans out one task per partition (occurrence id % N), then
  composes the digests once, so each recipient gets one email per sweep. With
  `spread=True` each partition is a flow run of its own deployment instead, so
  every worker of the pool takes a share of one sweep.
- Every task is safe to retry or to run twice: the sweep and the composer are
  idempotent, the sender claims rows with conditional updates.
- Each flow run leaves a JobRun row (runner "prefect") as `serve` does, so
  `dondoc status` shows the last runs whichever runner made them.
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Any

from prefect import flow, get_run_logger, runtime, task, unmapped
from prefect.cache_policies import NO_CACHE
from prefect.deployments import run_deployment
from pydantic import Field
from sqlalchemy.engine import Engine

from dondoc import clock
from dondoc.engine.calendar import local_date
from dondoc.notifications.compose import compose_pending
from dondoc.settings import load_settings
from dondoc.store.db import get_engine
from dondoc.store.sweep import Partition
from dondoc.workflows.jobs import Runtime, run_rollover, run_send, run_sweep, run_weekly_summary, worker_id
from dondoc.workflows.scheduler import record_run

SWEEP_COUNTS = ("looked_at", "due_soon", "overdue", "escalated", "notifications", "errors")
RETRY_DELAYS_S = [10, 30, 60]
PARTITION_DEPLOYMENT = "national-sweep-partition/partition"
PARTITION_TIMEOUT_S = 3600


class SmtpUnavailable(RuntimeError):
    """The SMTP server could not be reached; the emails wait for the next run."""


def _edge() -> tuple[Engine, Runtime]:
    """Settings from this worker's environment, read where the task runs."""
    settings = load_settings()
    return get_engine(settings.database_url), Runtime.from_settings(settings)


@task(name="sweep-partition", task_run_name="sweep-{index}-of-{count}", retries=2,
      retry_delay_seconds=RETRY_DELAYS_S[:2], cache_policy=NO_CACHE)
def sweep_partition(index: int, count: int, now: datetime) -> dict[str, Any]:
    """One slice of the sweep; notifications only, digests come after all slices."""
    engine, rt = _edge()
    result = run_sweep(engine, rt, now=now, partition=Partition(index, count), compose=False)
    counts = {k: getattr(result, k) for k in SWEEP_COUNTS}
    get_run_logger().info("partition %d/%d as_of=%s %s duration_s=%.3f", index, count, result.as_of,
                          _fmt(counts), result.duration_s)
    return {"as_of": result.as_of, "duration_s": result.duration_s, **counts}


@task(name="dispatch-partition", task_run_name="dispatch-{index}-of-{count}", cache_policy=NO_CACHE)
def dispatch_partition(index: int, count: int, now: datetime) -> dict[str, Any]:
    """Run one slice as a flow run of the partition deployment, on whichever worker takes it.
    The idempotency key makes a retried dispatch wait for the same run, not start another;
    a retry of the whole sweep (a new run count) starts new ones."""
    key = f"{runtime.flow_run.id}:{runtime.flow_run.run_count}:{index}"
    run = run_deployment(PARTITION_DEPLOYMENT, parameters={"index": index, "count": count, "now": now.isoformat()},
                         idempotency_key=key, timeout=PARTITION_TIMEOUT_S)
    if run.state is None or not run.state.is_completed():
        raise RuntimeError(f"partition {index}/{count} ended {run.state.name if run.state else 'unscheduled'}: "
                           f"flow run {run.name}")
    return {"as_of": local_date(now).isoformat(), "flow_run": run.name}


@task(name="compose-digests", retries=2, retry_delay_seconds=RETRY_DELAYS_S[:2], cache_policy=NO_CACHE)
def compose_digests(now: datetime) -> int:
    engine, rt = _edge()
    queued = compose_pending(engine, now=now, mail=rt.mail)
    get_run_logger().info("emails_queued=%d", queued)
    return queued


@task(name="send-batch", retries=3, retry_delay_seconds=RETRY_DELAYS_S, cache_policy=NO_CACHE)
def send_batch(max_batches: int | None) -> dict[str, Any]:
    """Drain the outbox; retried when the database or the process fails.
    SMTP failures are recorded on the rows (backoff, dead letter), not retried here."""
    engine, rt = _edge()
    result = run_send(engine, rt, clock=clock.now, max_batches=max_batches)
    get_run_logger().info("claimed=%d sent=%d failed=%d retrying=%d duration_s=%.3f", result.claimed,
                          result.sent, result.failed, result.retrying, result.duration_s)
    return result.as_dict()


@task(name="queue-weekly-summary", retries=2, retry_delay_seconds=RETRY_DELAYS_S[:2], cache_policy=NO_CACHE)
def queue_summary(now: datetime) -> int:
    engine, rt = _edge()
    if not rt.admins:
        get_run_logger().warning("DONDOC_ADMIN_EMAILS is empty: no weekly summary queued")
    return run_weekly_summary(engine, rt, now=now)


@task(name="roll-over-periods", retries=2, retry_delay_seconds=RETRY_DELAYS_S[:2], cache_policy=NO_CACHE)
def roll_over(now: datetime) -> int:
    engine, _ = _edge()
    created = run_rollover(engine, now=now)
    get_run_logger().info("occurrences_created=%d", created)
    return created


def _recorded(job: str, fn: Callable[[], Any], count_as: str = "count") -> Any:
    """Run `fn` under a JobRun row (runner "prefect"), an int result kept as `{count_as: n}` like
    `serve` does; an exception is recorded and still fails the flow run."""
    outcome: dict[str, Any] = {}

    def guarded() -> dict:
        try:
            outcome["value"] = fn()
        except Exception as exc:
            outcome["error"] = exc
            raise
        return outcome["value"] if isinstance(outcome["value"], dict) else {count_as: outcome["value"]}

    record_run(_edge()[0], job, "prefect", worker_id(), guarded, clock=clock.now)
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


def _fmt(counts: dict[str, int]) -> str:
    return " ".join(f"{k}={v}" for k, v in counts.items())


def _total(parts: list[dict[str, Any]], spread: bool) -> dict[str, Any]:
    """Counts summed over the partitions; a spread sweep's counts are in its partition runs' logs."""
    head = {"as_of": parts[0]["as_of"] if parts else "", "partitions": len(parts)}
    if spread:
        return {**head, "partition_runs": [p["flow_run"] for p in parts]}
    return {**head, **{k: sum(p[k] for p in parts) for k in SWEEP_COUNTS},
            "slowest_partition_s": max((p["duration_s"] for p in parts), default=0.0)}


@flow(name="national-sweep-partition")
def national_sweep_partition(index: int, count: int, now: str) -> dict[str, Any]:
    """One slice of a spread national sweep, run by any worker of the pool."""
    return sweep_partition(index, count, clock.parse_now(now))


@flow(name="national-sweep")
def national_sweep(partitions: Annotated[int, Field(ge=1, le=256)] = 4, now: str | None = None,
                   spread: bool = False) -> dict[str, Any]:
    """The escalation sweep split over `partitions` parallel slices, then one digest per recipient.
    `now` is an ISO date/time (local time if naive); default: the clock when the run starts.
    `spread`: run the slices as flow runs of the partition deployment (any worker) instead of
    as tasks in this process."""
    moment = clock.parse_now(now)
    return _recorded("sweep", lambda: _sweep(partitions, moment, spread))


def _sweep(partitions: int, moment: datetime, spread: bool) -> dict[str, Any]:
    slice_task = dispatch_partition if spread else sweep_partition
    futures = slice_task.map(list(range(partitions)), count=unmapped(partitions), now=unmapped(moment))
    outcomes = [f.result(raise_on_failure=False) for f in futures]
    done = [o for o in outcomes if isinstance(o, dict)]
    totals = {**_total(done, spread), "emails_queued": compose_digests(moment)}
    get_run_logger().info("national sweep %s", _fmt({k: v for k, v in totals.items() if isinstance(v, int)}))
    if len(done) < partitions:
        raise RuntimeError(f"{partitions - len(done)} of {partitions} sweep partitions failed; "
                           "their rows are swept again by the next run")
    return totals


@flow(name="send-outbox")
def send_outbox(max_batches: int | None = None) -> dict[str, Any]:
    """Drain the outbox. Several runs on several workers share it without doubles."""
    return _recorded("send", lambda: _send(max_batches))


def _send(max_batches: int | None) -> dict[str, Any]:
    result = send_batch(max_batches)
    if result["server_down"]:
        raise SmtpUnavailable("máy chủ thư không sẵn sàng / SMTP server unavailable: "
                              f"{result['retrying']} emails wait for the next run")
    return result


@flow(name="weekly-summary")
def weekly_summary(now: str | None = None) -> int:
    """Queue this ISO week's overdue summary for each admin (once per week and admin)."""
    return _recorded("weekly-summary", lambda: queue_summary(clock.parse_now(now)), count_as="queued")


@flow(name="rollover")
def rollover(now: str | None = None) -> int:
    """Create the next periods' occurrences of recurring tasks."""
    return _recorded("rollover", lambda: roll_over(clock.parse_now(now)), count_as="created")
