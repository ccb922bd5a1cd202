"""Emails of the conversation along the chain, queued in the outbox in the
caller's transaction (the sender delivers them): a report or a request from
a link holder to the agency that must act, a decision back to the agency, a
send-back with the reviewer's comment, a re-sent link.

Emails a link holder causes are coalesced: at most one per item and
recipient within `window` (the first one's link shows whatever follows);
their keys are `reported-{occurrence}-{event}` whatever the kind, so the task
page lists them. Emails a coordinator causes each carry a decision and are
never coalesced: key `{kind}-{occurrence}-{event}-{recipient}`."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlmodel import Session

from dondoc.notifications.render import render
from dondoc.notifications.tokens import response_url
from dondoc.store.models import Agency, Event, Occurrence, Plan, Task
from dondoc.store.outbox_models import Email


@dataclass(frozen=True)
class Mailer:
    """What queueing needs from the settings, passed down from the edge."""

    base_url: str
    secret: str = field(repr=False)
    window: timedelta = timedelta(minutes=60)

    def agency_link(self, agency_id: str) -> str:
        return response_url(self.base_url, agency_id, secret=self.secret)

    def plan_link(self, occ: Occurrence) -> str:
        return f"{self.base_url.rstrip('/')}/plans/{occ.plan_id}#occ-{occ.id}"


def last_event_id(session: Session, occurrence_id: int) -> int:
    session.flush()
    return session.execute(select(func.max(Event.id)).where(Event.occurrence_id == occurrence_id)).scalar_one()


def item_context(session: Session, occ: Occurrence) -> dict[str, Any]:
    plan, task, owner = session.get(Plan, occ.plan_id), session.get(Task, occ.task_id), session.get(Agency, occ.owner_id)
    return dict(agency_name=owner.name, task_number=task.number, task_title=task.title, plan_number=plan.number,
                plan_title=plan.title, due=occ.due, due_as_written=occ.due_as_written, period=occ.period)


def _recently_mailed(session: Session, occ_id: int, recipient: str, now: datetime, window: timedelta) -> bool:
    q = select(func.count(Email.id)).where(Email.key.like(f"reported-{occ_id}-%"), Email.recipient == recipient,
                                           Email.created_at > now - window)
    return session.execute(q).scalar_one() > 0


def _email(session: Session, *, key: str, kind: str, agency: Agency, ctx: dict[str, Any], now: datetime) -> Email:
    rendered = render(kind, agency.language, dict(ctx, recipient={"id": agency.id, "name": agency.name}))
    email = Email(key=key, kind=kind, recipient=agency.id, to_addrs=[agency.email], subject=rendered.subject,
                  body_text=rendered.text, body_html=rendered.html, language=agency.language, next_attempt_at=now,
                  created_at=now)
    session.add(email)
    return email


def from_link_holder(session: Session, occ: Occurrence, *, kind: str, to: str, ctx: dict[str, Any], mailer: Mailer,
                     now: datetime) -> Email | None:
    """Queue a link holder's email to agency `to`, unless one went out for this item within the window."""
    agency = session.get(Agency, to)
    if agency is None or not agency.email or _recently_mailed(session, occ.id, agency.id, now, mailer.window):
        return None
    key = f"reported-{occ.id}-{last_event_id(session, occ.id)}"
    return _email(session, key=key, kind=kind, agency=agency, ctx=dict(item_context(session, occ), **ctx), now=now)


def from_coordinator(session: Session, occ: Occurrence, *, kind: str, to: str, ctx: dict[str, Any], now: datetime,
                     link: str) -> Email | None:
    """Queue a decision or a notice to agency `to` (never coalesced)."""
    agency = session.get(Agency, to)
    if agency is None or not agency.email:
        return None
    key = f"{kind}-{occ.id}-{last_event_id(session, occ.id)}-{agency.id}"
    return _email(session, key=key, kind=kind, agency=agency, ctx=dict(item_context(session, occ), link=link, **ctx),
                  now=now)


def extension_requested(session: Session, occ: Occurrence, req, *, mailer: Mailer, now: datetime) -> Email | None:  # noqa: ANN001
    ctx = dict(what="requested", due_requested=req.due_requested, reason=req.reason, late=req.late, note="",
               link=mailer.plan_link(occ))
    return from_link_holder(session, occ, kind="extension", to=req.confirmer_id, ctx=ctx, mailer=mailer, now=now)


def extension_decided(session: Session, occ: Occurrence, req, *, mailer: Mailer, now: datetime) -> list[Email]:  # noqa: ANN001
    """Both sides: the agency that asked (its link) and the confirming agency (the plan page)."""
    ctx = dict(what=req.status, due_requested=req.due_requested, reason=req.reason, late=req.late,
               note=req.decision_note)
    sent = [from_coordinator(session, occ, kind="extension", to=req.agency_id, ctx=ctx, now=now,
                             link=mailer.agency_link(req.agency_id)),
            from_coordinator(session, occ, kind="extension", to=req.confirmer_id, ctx=ctx, now=now,
                             link=mailer.plan_link(occ))]
    return [e for e in sent if e is not None]


def reassignment_requested(session: Session, occ: Occurrence, req, *, mailer: Mailer, now: datetime) -> Email | None:  # noqa: ANN001
    plan = session.get(Plan, occ.plan_id)
    ctx = dict(what="requested", to_name=_name(session, req.to_agency_id), reason=req.reason, note="",
               link=mailer.plan_link(occ))
    return from_link_holder(session, occ, kind="reassignment", to=plan.focal_id, ctx=ctx, mailer=mailer, now=now)


def reassignment_decided(session: Session, occ: Occurrence, req, *, mailer: Mailer, now: datetime) -> list[Email]:  # noqa: ANN001
    """The agency that asked and, when approved, the new owner (each with its own link)."""
    ctx = dict(what=req.status, to_name=_name(session, req.to_agency_id), reason=req.reason, note=req.decision_note)
    targets = [req.from_agency_id] + ([req.to_agency_id] if req.status == "approved" else [])
    sent = [from_coordinator(session, occ, kind="reassignment", to=a, ctx=ctx, now=now, link=mailer.agency_link(a))
            for a in targets]
    return [e for e in sent if e is not None]


def sent_back(session: Session, occ: Occurrence, *, comment: str, mailer: Mailer, now: datetime) -> Email | None:
    return from_coordinator(session, occ, kind="sent_back", to=occ.owner_id, ctx=dict(comment=comment), now=now,
                            link=mailer.agency_link(occ.owner_id))


def link_resent(session: Session, occ: Occurrence, *, reason: str, mailer: Mailer, now: datetime) -> Email | None:
    return from_coordinator(session, occ, kind="link", to=occ.owner_id, ctx=dict(reason=reason), now=now,
                            link=mailer.agency_link(occ.owner_id))


def _name(session: Session, agency_id: str) -> str:
    agency = session.get(Agency, agency_id)
    return agency.name if agency else agency_id
