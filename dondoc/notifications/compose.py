"""Turn pending notifications into emails: one digest per recipient.

Each recipient's email is written in its own transaction together with the
claim of its notifications (`email_id IS NULL` checked on the row count), so
two composers never put the same item in two emails, and a crash leaves the
notifications pending for the next run.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date, datetime
from itertools import groupby
from typing import Any, Iterable

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.engine import Engine

from dondoc.engine.calendar import local_date
from dondoc.engine.db import session_scope
from dondoc.engine.models import Agency, Occurrence, Plan, Task
from dondoc.engine.outbox_models import Email, Notification
from dondoc.notifications.render import render
from dondoc.notifications.tokens import response_url

MAX_ITEMS = 200


@dataclass(frozen=True)
class MailContext:
    base_url: str
    secret: str = field(repr=False)


def _pending(session, limit: int) -> list:  # noqa: ANN001
    owner = Agency.__table__.alias("owner")
    q = (select(Notification.id, Notification.recipient, Notification.role, Notification.template,
                Notification.level, Occurrence.id.label("occ_id"), Occurrence.due, Occurrence.escalation_level,
                Task.number, Task.title, Plan.id.label("plan_id"), Plan.number.label("plan_number"),
                Plan.title.label("plan_title"), owner.c.name.label("lead_name"))
         .join(Occurrence, Occurrence.id == Notification.occurrence_id).join(Task, Task.id == Occurrence.task_id)
         .join(Plan, Plan.id == Occurrence.plan_id).join(owner, owner.c.id == Occurrence.owner_id)
         .where(Notification.email_id.is_(None)).order_by(Notification.recipient, Notification.id).limit(limit))
    return list(session.execute(q))


def digest_context(recipient: dict[str, str], rows: Iterable[Any], *, today: date, link: str) -> dict[str, Any]:
    """Pure: items grouped by plan, most overdue first; cc items after own items."""
    items = [dict(task_number=r.number, task_title=r.title, lead_name=r.lead_name, due=r.due,
                  days_overdue=max(0, (today - r.due).days) if r.due else 0,
                  days_left=(r.due - today).days if r.due and r.due >= today else None,
                  level=max(r.level, r.escalation_level), role=r.role, template=r.template,
                  plan_id=r.plan_id, plan_number=r.plan_number, plan_title=r.plan_title) for r in rows]
    items.sort(key=lambda i: (i["plan_number"], i["plan_id"], i["role"] != "to", -i["days_overdue"], i["task_number"]))
    shown, more = items[:MAX_ITEMS], max(0, len(items) - MAX_ITEMS)
    groups = [dict(plan_number=k[0], plan_title=k[1], entries=list(g))
              for k, g in groupby(shown, key=lambda i: (i["plan_number"], i["plan_title"]))]
    return dict(recipient=recipient, today=today, link=link, groups=groups, count=len(items), more=more,
                templates=sorted({i["template"] for i in items}))


def email_kind(templates: list[str]) -> str:
    return templates[0] if len(templates) == 1 else "digest"


def compose_pending(engine: Engine, *, now: datetime, mail: MailContext, limit: int = 200_000,
                    per_transaction: int = 200) -> int:
    """Create digest emails for pending notifications; returns emails created.
    Emails are written `per_transaction` recipients to a commit, each in its own
    savepoint, so one commit (an fsync on PostgreSQL) serves many recipients."""
    today = local_date(now)
    with session_scope(engine, write=False) as session:
        rows = _pending(session, limit)
        wanted = {r.recipient.removesuffix(".head") for r in rows}
        agencies = {a.id: a for a in session.execute(select(Agency).where(Agency.id.in_(wanted))).scalars()} if rows else {}
    digests = [(recipient, agencies[recipient.removesuffix(".head")], list(group))
               for recipient, group in groupby(rows, key=lambda r: r.recipient)
               if recipient.removesuffix(".head") in agencies]
    created = 0
    for i in range(0, len(digests), per_transaction):
        with session_scope(engine) as session:
            for recipient, agency, group in digests[i:i + per_transaction]:
                created += _write_email(session, recipient, agency, group, today=today, now=now, mail=mail)
    return created


def _address(agency: Agency, recipient: str) -> str:
    return agency.head_email if recipient.endswith(".head") and agency.head_email else agency.email


class _AlreadyComposed(Exception):
    """Another composer claimed some of these notifications first."""


def _write_email(session, recipient: str, agency: Agency, rows: list, *, today: date, now: datetime,  # noqa: ANN001
                 mail: MailContext) -> int:
    link = response_url(mail.base_url, agency.id, secret=mail.secret)
    ctx = digest_context({"id": agency.id, "name": agency.name}, rows, today=today, link=link)
    kind = email_kind(ctx["templates"])
    rendered = render(kind, agency.language, ctx)
    ids = [r.id for r in rows]
    key = "digest-" + hashlib.sha256(f"{recipient}:{','.join(map(str, ids))}".encode()).hexdigest()[:32]
    email = Email(key=key, kind=kind, recipient=recipient, to_addrs=[_address(agency, recipient)],
                  subject=rendered.subject, body_text=rendered.text, body_html=rendered.html,
                  language=agency.language, next_attempt_at=now, created_at=now)
    try:
        with session.begin_nested():
            session.add(email)
            session.flush()
            claimed = session.execute(update(Notification).where(Notification.id.in_(ids), Notification.email_id.is_(None))
                                      .values(email_id=email.id)).rowcount
            if claimed != len(ids):
                raise _AlreadyComposed
    except (_AlreadyComposed, IntegrityError):  # a concurrent composer wrote this digest first
        return 0
    return 1
