"""The naive sweep: every open occurrence loaded as an ORM object, decide()
called on each in Python, each changed object updated through the unit of
work, notifications and events added as ORM objects, one commit. Same
decisions and recipients as dondoc (it uses the same pure functions)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from dondoc.engine.calendar import WorkCalendar, local_date
from dondoc.engine.escalation import OccurrenceState, decide
from dondoc.engine.recipients import resolve
from dondoc.store.directory import Directory
from dondoc.store.models import Event, Occurrence, Task
from dondoc.store.outbox_models import Notification

OPEN = ("not_started", "in_progress", "reported")


def naive_sweep(engine: Engine, *, now: datetime, calendar: WorkCalendar) -> dict:
    today = local_date(now)
    counts = {"looked_at": 0, "escalated": 0, "notifications": 0}
    with Session(engine.execution_options(dondoc_write=True)) as session:
        directory = Directory.load(session)
        for occ in session.exec(select(Occurrence).where(Occurrence.status.in_(OPEN))).all():
            counts["looked_at"] += 1
            policy = directory.policies[directory.plans[occ.plan_id].policy]
            d = decide(OccurrenceState(occ.id, occ.due, occ.status, occ.on_event, occ.escalation_level, occ.last_step),
                       policy, today=today, calendar=calendar)
            before = {"escalation_level": occ.escalation_level, "last_step": occ.last_step}
            occ.last_step, occ.escalation_level, occ.next_check_on = d.last_step, d.escalation_level, d.next_check_on
            if d.fired is not None:
                _notify(session, directory, occ, d, before, now, counts)
        session.commit()
    return counts


def _notify(session: Session, directory: Directory, occ: Occurrence, d, before: dict, now: datetime,  # noqa: ANN001
            counts: dict) -> None:
    task = session.get(Task, occ.task_id)
    chain = directory.chain(occ.owner_id, occ.plan_id, tuple(task.support or ()))
    to, cc = resolve(d.fired.step.notify, d.fired.step.cc, chain, directory.agencies)
    occ.last_reminded_at = now
    for role, group in (("to", to), ("cc", cc)):
        for rc in group:
            recipient = rc.agency.id + (".head" if rc.head else "")
            session.add(Notification(key=f"{occ.id}:{d.fired.index}:{recipient}", occurrence_id=occ.id,
                                     step=d.fired.index, recipient=recipient, role=role,
                                     template=d.fired.step.template, level=d.escalation_level, created_at=now))
            counts["notifications"] += 1
    session.add(Event(at=now, actor_kind="system", actor="sweep", kind="occurrence.escalation", plan_id=occ.plan_id,
                      task_id=occ.task_id, occurrence_id=occ.id, before=before,
                      after={"escalation_level": d.escalation_level, "last_step": d.last_step,
                             "template": d.fired.step.template, "to": [rc.address for rc in to],
                             "cc": [rc.address for rc in cc]}))
    counts["escalated"] += 1
