"""Status changes of occurrences: the one chokepoint that checks the
transition, stamps dates and writes the Event."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import update
from sqlmodel import Session

from dondoc.engine.calendar import WorkCalendar, local_date
from dondoc.engine.escalation import first_check, step_date
from dondoc.engine.lifecycle import Status, check_transition, completion_date
from dondoc.store import tally
from dondoc.store.models import Event, Occurrence, Plan
from dondoc.store.obligations import rule_for


class StaleUpdate(RuntimeError):
    """Someone else changed the occurrence first; reload and try again."""


@dataclass(frozen=True)
class Actor:
    kind: str  # agency | user | system
    id: str


def set_status(session: Session, occ: Occurrence, target: str, *, actor: Actor, now: datetime,
               calendar: WorkCalendar, note: str = "", evidence_url: str = "") -> Occurrence:
    """Move `occ` to `target` with a conditional update on its old status."""
    new = check_transition(occ.status, target, reason=note)
    today = local_date(now)
    values: dict = {"status": str(new)}
    if new == Status.REPORTED:
        values["reported_on"] = today
    if new == Status.DONE:
        values["completed_on"] = completion_date(reported_on=occ.reported_on, confirmed_on=today)
    if new in (Status.DONE, Status.CANCELLED, Status.WAIVED, Status.REPORTED):
        values["next_check_on"] = None
    if new in (Status.IN_PROGRESS, Status.NOT_STARTED):
        values["next_check_on"] = _resume_check(session, occ, calendar)
        if occ.status == Status.REPORTED:
            values["reported_on"] = None
    if note:
        values["note"] = note
    if evidence_url:
        values["evidence_url"] = evidence_url
    result = session.execute(update(Occurrence).where(Occurrence.id == occ.id, Occurrence.status == occ.status).values(**values))
    if result.rowcount != 1:
        raise StaleUpdate(f"occurrence {occ.id} changed concurrently")
    session.add(Event(at=now, actor_kind=actor.kind, actor=actor.id, kind="occurrence.status", plan_id=occ.plan_id,
                      task_id=occ.task_id, occurrence_id=occ.id, before={"status": occ.status},
                      after={k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in values.items()}, note=note))
    tally.owner_changed(session, occ.owner_id)
    session.refresh(occ)
    return occ


def _resume_check(session: Session, occ: Occurrence, calendar: WorkCalendar):  # noqa: ANN202
    """Back in progress: look again at the next step not yet fired."""
    plan = session.get(Plan, occ.plan_id)
    rule = rule_for(session, plan.escalation) if plan else None
    if rule is None or occ.due is None:
        return None
    if occ.last_step < 0:
        return first_check(rule, occ.due, calendar)
    return step_date(rule, occ.last_step + 1, occ.due, calendar)
