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

from sqlalchemy import func, or_, select
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


def _unaddressed():  # noqa: ANN202
    """Notification.recipient values with nothing to send to: an agency with no
    email, and its `.head` too unless it has a head email. Subqueries, so the
    pending notifications are read by their partial index whatever the count."""
    none = Agency.email == ""
    plain = select(Agency.id).where(none)
    head = select(Agency.id.concat(".head")).where(none, or_(Agency.head_email.is_(None), Agency.head_email == ""))
    return or_(Notification.recipient.in_(plain), Notification.recipient.in_(head))


def held_reminders(session: Session, *, plan_id: str | None = None) -> list[HeldAgency]:
    """Agencies with held reminders (of one plan, or all), most held first."""
    q = (select(Notification.recipient, Notification.created_at, Plan.number, Task.number)
         .join(Occurrence, Occurrence.id == Notification.occurrence_id)
         .join(Task, Task.id == Occurrence.task_id).join(Plan, Plan.id == Occurrence.plan_id)
         .where(Notification.email_id.is_(None), _unaddressed()))
    if plan_id is not None:
        q = q.where(Occurrence.plan_id == plan_id)
    grouped: dict[str, list] = {}
    for recipient, created, plan_number, task_number in session.execute(q.order_by(Notification.id)):
        grouped.setdefault(recipient.removesuffix(".head"), []).append((created, f"{plan_number} / {task_number}"))
    names = dict(session.execute(select(Agency.id, Agency.name).where(Agency.id.in_(sorted(grouped)))).all()) if grouped else {}
    out = [HeldAgency(agency_id, names[agency_id], len(items), min(c for c, _ in items),
                      tuple(dict.fromkeys(t for _, t in items))[:TASKS_SHOWN])
           for agency_id, items in grouped.items()]
    return sorted(out, key=lambda h: (-h.count, h.agency_id))


def held_count(session: Session) -> int:
    q = select(func.count()).select_from(Notification).where(Notification.email_id.is_(None), _unaddressed())
    return int(session.execute(q).scalar_one())
