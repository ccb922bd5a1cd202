"""Held reminders: notifications waiting for an agency that has no address.

The sweep queues notifications for an agency without an email like for any
other (dondoc.engine.recipients); the composer leaves them pending
(`email_id IS NULL`) as long as the agency has no address to send to. They
are "held": listed here for `dondoc status` and the plan page, and sent by
the first compose after a config load sets the address. Nothing is stored
to mark them: held is what pending-and-no-address means, so it cannot drift.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, func, or_, select
from sqlmodel import Session

from dondoc.store.models import Agency, Occurrence, Plan, Task
from dondoc.store.outbox_models import Notification

REASON = "chưa có địa chỉ email / no email address yet"


@dataclass(frozen=True)
class HeldAgency:
    agency_id: str
    name: str
    count: int
    since: datetime
    tasks: tuple[str, ...]  # "plan number / task number", at most TASKS_SHOWN
    reason: str = REASON


TASKS_SHOWN = 10


def _no_address():  # noqa: ANN202
    """The recipient row's agency, where that recipient has nothing to send to."""
    plain = and_(Notification.recipient == Agency.id, Agency.email == "")
    head = and_(Notification.recipient == Agency.id.concat(".head"), Agency.email == "",
                or_(Agency.head_email.is_(None), Agency.head_email == ""))
    return or_(plain, head)


def held_reminders(session: Session, *, plan_id: str | None = None) -> list[HeldAgency]:
    """Agencies with held reminders (of one plan, or all), most held first."""
    q = (select(Agency.id, Agency.name, Notification.created_at, Plan.number, Task.number)
         .select_from(Notification).join(Agency, _no_address())
         .join(Occurrence, Occurrence.id == Notification.occurrence_id)
         .join(Task, Task.id == Occurrence.task_id).join(Plan, Plan.id == Occurrence.plan_id)
         .where(Notification.email_id.is_(None)))
    if plan_id is not None:
        q = q.where(Occurrence.plan_id == plan_id)
    grouped: dict[str, list] = {}
    for agency_id, name, created, plan_number, task_number in session.execute(q.order_by(Notification.id)):
        grouped.setdefault(agency_id, [name, []])[1].append((created, f"{plan_number} / {task_number}"))
    out = [HeldAgency(agency_id, name, len(items), min(c for c, _ in items),
                      tuple(dict.fromkeys(t for _, t in items))[:TASKS_SHOWN])
           for agency_id, (name, items) in grouped.items()]
    return sorted(out, key=lambda h: (-h.count, h.agency_id))


def held_count(session: Session) -> int:
    q = (select(func.count()).select_from(Notification).join(Agency, _no_address())
         .where(Notification.email_id.is_(None)))
    return int(session.execute(q).scalar_one())
