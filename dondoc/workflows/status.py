"""What the runners did: last runs per job, outbox backlog, failures."""
from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from dondoc.notifications.sender import outbox_counts
from dondoc.store.db import session_scope
from dondoc.store.held import held_reminders
from dondoc.workflows.models import JobRun, Lease


def status_report(engine: Engine) -> dict[str, Any]:
    with session_scope(engine, write=False) as s:
        latest = (select(JobRun.job, func.max(JobRun.id).label("id")).group_by(JobRun.job)).subquery()
        runs = s.execute(select(JobRun).join(latest, JobRun.id == latest.c.id).order_by(JobRun.job)).scalars().all()
        leases = s.execute(select(Lease)).scalars().all()
        failures = s.execute(select(func.count()).select_from(JobRun).where(JobRun.ok.is_(False))).scalar()
        held = held_reminders(s)
    return {
        "jobs": [{"job": r.job, "runner": r.runner, "holder": r.holder, "started_at": r.started_at.isoformat(),
                  "ok": r.ok, "counts": r.counts, "error": r.error} for r in runs],
        "outbox": outbox_counts(engine),
        "failed_job_runs": failures,
        "held": [{"agency": h.agency_id, "name": h.name, "count": h.count, "since": h.since.isoformat(),
                  "tasks": list(h.tasks), "reason": h.reason} for h in held],
        "leases": [{"name": lease.name, "holder": lease.holder, "expires_at": lease.expires_at.isoformat()} for lease in leases],
    }
