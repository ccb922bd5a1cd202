"""Roll-over: create the next periods' occurrences of recurring tasks as they
come within the horizon. Works from the stored schedules, not the config files."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.engine import Engine

from dondoc.store import tally
from dondoc.engine.calendar import WorkCalendar, local_date
from dondoc.store.db import session_scope
from dondoc.engine.escalation import Policy as PolicyRule
from dondoc.engine.escalation import first_check
from dondoc.store.loader import HORIZON, report_dates_of, report_periods, schedule_from_json
from dondoc.store.models import Event, Occurrence, Plan, Policy, Task
from dondoc.engine.schedule import Period, periods


def _wanted(plan: Plan, task: Task, leads: set[str]) -> tuple[list[Period], set[str]]:
    if task.kind == "report":
        due = next((r["due"] for r in plan.reporting if r["name"] == task.title), None)
        return (report_periods(plan, due) if due else []), leads
    if task.due is not None:
        return [Period("due", task.due)], {task.lead_id}
    schedule = schedule_from_json(task.schedule)
    return periods(schedule, starts_on=plan.starts_on, ends_on=plan.ends_on,
                   report_dates=report_dates_of(plan)), {task.lead_id}


def rollover_once(engine: Engine, *, now: datetime, calendar: WorkCalendar) -> int:
    """Create missing occurrences due within the horizon; returns how many."""
    horizon: date = local_date(now) + HORIZON
    created = 0
    with session_scope(engine) as session:
        plans = list(session.execute(select(Plan).where(Plan.active == True, Plan.ends_on >= local_date(now))).scalars())  # noqa: E712
        for plan in plans:
            row = session.get(Policy, plan.escalation)
            rule = PolicyRule.from_config(row.id, row.steps, row.repeat_every)
            tasks = list(session.execute(select(Task).where(Task.plan_id == plan.id, Task.removed == False)).scalars())  # noqa: E712
            leads = {t.lead_id for t in tasks if t.kind == "task"}
            for task in tasks:
                created += _fill(session, plan, task, *_wanted(plan, task, leads), rule, horizon, calendar, now)
        if created:
            tally.invalidate(session)
    return created


def _fill(session, plan: Plan, task: Task, wanted: list[Period], owners: set[str], rule: PolicyRule,  # noqa: ANN001
          horizon: date, calendar: WorkCalendar, now: datetime) -> int:
    have = set(session.execute(select(Occurrence.owner_id, Occurrence.period).where(Occurrence.task_id == task.id)).tuples())
    new = [Occurrence(task_id=task.id, plan_id=plan.id, owner_id=owner, period=p.key, due=p.due, on_event=p.on_event,
                      next_check_on=first_check(rule, p.due, calendar))
           for owner in sorted(owners) for p in wanted
           if (owner, p.key) not in have and (p.due is None or p.due <= horizon)]
    for occ in new:
        session.add(occ)
    if new:
        session.add(Event(at=now, actor_kind="system", actor="rollover", kind="occurrence.rollover", plan_id=plan.id,
                          task_id=task.id, after={"created": [o.period for o in new]}))
    return len(new)

