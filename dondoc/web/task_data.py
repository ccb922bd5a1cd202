"""A task's drill-down: its occurrences, status history (Events) and the
emails about it with their delivery state."""
from __future__ import annotations

from datetime import date

from sqlalchemy import or_, select
from sqlmodel import Session

from dondoc.engine.lifecycle import standing_of
from dondoc.store.models import Agency, Event, Occurrence, Plan, Task
from dondoc.store.outbox_models import Email, Notification

MAX_EVENTS = 500
# keys of the emails about one item outside the reminders: `reported-{occ}-…` (from link holders, any kind),
# `{kind}-{occ}-…` for a coordinator's decisions (dondoc.notifications.chain)
CHAIN_KINDS = ("reported", "extension", "reassignment", "sent_back", "link")


def task_view(session: Session, task: Task, today: date) -> dict:
    names = dict(session.execute(select(Agency.id, Agency.name)).all())
    occs = session.execute(select(Occurrence).where(Occurrence.task_id == task.id)
                           .order_by(Occurrence.due, Occurrence.owner_id)).scalars().all()
    rows = [dict(occ=o, owner=names.get(o.owner_id, o.owner_id),
                 standing=standing_of(o, today)) for o in occs]
    events = session.execute(select(Event).where(Event.task_id == task.id).order_by(Event.at.desc(), Event.id.desc())
                             .limit(MAX_EVENTS)).scalars().all()
    return dict(task=task, plan=session.get(Plan, task.plan_id), lead=names.get(task.lead_id, task.lead_id),
                support=[names.get(s, s) for s in task.support], occurrences=rows, events=events,
                emails=task_emails(session, [o.id for o in occs], names))


def task_emails(session: Session, occurrence_ids: list[int], names: dict[str, str]) -> list[dict]:
    """Reminders (through their notifications) and reports to the focal agency."""
    if not occurrence_ids:
        return []
    reminders = session.execute(
        select(Notification, Email).outerjoin(Email, Email.id == Notification.email_id)
        .where(Notification.occurrence_id.in_(occurrence_ids)).order_by(Notification.created_at, Notification.id)).all()
    out = [dict(occurrence_id=n.occurrence_id, template=n.template, step=n.step, role=n.role, level=n.level,
                recipient=names.get(n.recipient.removesuffix(".head"), n.recipient), created_at=n.created_at,
                email=e) for n, e in reminders]
    prefixes = [f"{kind}-{i}-" for kind in CHAIN_KINDS for i in occurrence_ids]
    reported = session.execute(select(Email).where(or_(*(Email.key.like(p + "%") for p in prefixes)))
                               .order_by(Email.created_at, Email.id)).scalars().all()
    for e in reported:
        occ_id = int(e.key.split("-")[1])
        out.append(dict(occurrence_id=occ_id, template=e.kind, step=None, role="to", level=None,
                        recipient=names.get(e.recipient, e.recipient), created_at=e.created_at, email=e))
    return sorted(out, key=lambda r: r["created_at"])
