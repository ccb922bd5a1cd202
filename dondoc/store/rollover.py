"""Roll-over: create the next periods' occurrences of recurring tasks and
reports as they come within the horizon. Works from the stored plan, tasks and
schedules (not the config files), through dondoc.store.obligations, as the
loader does: the same owners (`reporting.from`), deadlines and waivers."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlmodel import Session

from dondoc.engine.calendar import WorkCalendar, local_date
from dondoc.engine.escalation import Policy as PolicyRule
from dondoc.engine.schedule import Period
from dondoc.store import tally
from dondoc.store.db import session_scope
from dondoc.store.loader import HORIZON
from dondoc.store.models import Event, Occurrence, Plan, Policy, Task
from dondoc.store.obligations import (
    new_occurrence,
    policy_rule,
    report_entry,
    report_obligation,
    schedule_from_json,
    task_obligation,
)


def _wanted(plan: Plan, task: Task, leads: set[str], calendar: WorkCalendar) -> tuple[list[Period], set[str]]:
    if task.kind == "report":
        entry = report_entry(plan, task)
        return report_obligation(plan, entry, leads, calendar) if entry else ([], set())
    return task_obligation(plan, task, schedule_from_json(task.schedule)), {task.lead_id}


def rollover_once(engine: Engine, *, now: datetime, calendar: WorkCalendar) -> int:
    """Create missing occurrences due within the horizon; returns how many."""
    horizon: date = local_date(now) + HORIZON
    created = 0
    with session_scope(engine) as session:
        plans = list(session.execute(select(Plan).where(Plan.active.is_(True), Plan.ends_on >= local_date(now))).scalars())
        for plan in plans:
            rule = policy_rule(session.get(Policy, plan.escalation))
            tasks = list(session.execute(select(Task).where(Task.plan_id == plan.id, Task.removed.is_(False))).scalars())
            leads = {t.lead_id for t in tasks if t.kind == "task"}
            for task in tasks:
                wanted, owners = _wanted(plan, task, leads, calendar)
                created += _fill(session, plan, task, wanted, owners, rule, horizon, calendar, now)
        if created:
            tally.invalidate(session)
    return created


def _fill(session: Session, plan: Plan, task: Task, wanted: list[Period], owners: set[str], rule: PolicyRule,
          horizon: date, calendar: WorkCalendar, now: datetime) -> int:
    have = set(session.execute(select(Occurrence.owner_id, Occurrence.period).where(Occurrence.task_id == task.id)).tuples())
    new = [new_occurrence(plan, task, owner, p, rule, calendar)
           for owner in sorted(owners) for p in wanted
           if (owner, p.key) not in have and (p.due is None or p.due <= horizon)]
    for occ in new:
        session.add(occ)
    if new:
        session.add(Event(at=now, actor_kind="system", actor="rollover", kind="occurrence.rollover", plan_id=plan.id,
                          task_id=task.id, after={"created": [o.period for o in new]}))
    return len(new)
