"""The conversation along the chain as the pages, the API and the CLI do it:
a store change (dondoc.store.conversation, .evidence, .indicators) and the
emails it implies (dondoc.notifications.chain), in the caller's transaction.
Who may decide: an extension, the plan's confirming agency (focal, or issuer
where the plan says so; admins always); a reassignment and the coordinator
actions, whoever has the plan in scope."""
from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

from sqlmodel import Session

from dondoc.engine.lifecycle import TransitionError
from dondoc.notifications import chain
from dondoc.settings import Settings
from dondoc.store import conversation as conv
from dondoc.store import evidence as files
from dondoc.store.calendar_days import calendar_of
from dondoc.store.conversation_models import Evidence, ExtensionRequest, ReassignmentRequest
from dondoc.store.errors import ActionError, Conflict, NotFound, clean_text
from dondoc.store.models import Occurrence, Task
from dondoc.store.status import Actor, set_status
from dondoc.web.models import User
from dondoc.web.scope import Scope

COORDINATOR_ACTIONS = ("waive", "cancel", "extend", "lead", "timeframe", "resend_link")


def mailer_for(settings: Settings) -> chain.Mailer:
    return chain.Mailer(base_url=settings.base_url, secret=settings.secret(),
                        window=timedelta(minutes=settings.link_mail_window_minutes))


def actor_of(user: User) -> Actor:
    return Actor("user", user.username)


def ask_extension(session: Session, *, agency_id: str, occurrence_id: int, due: date, reason: str, now: datetime,
                  mailer: chain.Mailer) -> ExtensionRequest:
    req = conv.request_extension(session, agency_id=agency_id, occurrence_id=occurrence_id, due=due, reason=reason,
                                 now=now)
    chain.extension_requested(session, session.get(Occurrence, occurrence_id), req, mailer=mailer, now=now)
    return req


def ask_reassignment(session: Session, *, agency_id: str, occurrence_id: int, to_agency: str, reason: str,
                     now: datetime, mailer: chain.Mailer) -> ReassignmentRequest:
    req = conv.request_reassignment(session, agency_id=agency_id, occurrence_id=occurrence_id, to_agency=to_agency,
                                    reason=reason, now=now)
    chain.reassignment_requested(session, session.get(Occurrence, occurrence_id), req, mailer=mailer, now=now)
    return req


def upload(session: Session, *, occurrence: Occurrence, data: bytes, filename: str | None, actor: Actor,
           now: datetime, settings: Settings) -> Evidence:
    if occurrence.status in ("cancelled", "waived"):
        raise TransitionError(conv.CLOSED_VI)
    return files.attach(session, occurrence, data=data, filename=filename, actor=actor, now=now,
                        files_dir=Path(settings.files_dir), max_bytes=settings.max_upload_bytes)


def agency_upload(session: Session, *, agency_id: str, occurrence_id: int, data: bytes, filename: str | None,
                  now: datetime, settings: Settings) -> Evidence:
    occ = conv.own_open(session, occurrence_id, agency_id)
    return upload(session, occurrence=occ, data=data, filename=filename, actor=Actor("agency", agency_id), now=now,
                  settings=settings)


def _may_decide_extension(session: Session, user: User, scope: Scope):  # noqa: ANN202
    agency = None if user.role == "admin" else user.agency_id
    return lambda req: scope.allows(req.plan_id) and conv.may_confirm(session, agency, req.confirmer_id)


def decide_extension(session: Session, *, user: User, scope: Scope, request_id: int, approve: bool, note: str,
                     now: datetime, mailer: chain.Mailer) -> ExtensionRequest:
    req = conv.decide_extension(session, request_id=request_id, approve=approve, note=note, actor=actor_of(user),
                                now=now, allowed=_may_decide_extension(session, user, scope))
    chain.extension_decided(session, session.get(Occurrence, req.occurrence_id), req, mailer=mailer, now=now)
    return req


def decide_reassignment(session: Session, *, user: User, scope: Scope, request_id: int, approve: bool, note: str,
                        now: datetime, mailer: chain.Mailer) -> ReassignmentRequest:
    req = conv.decide_reassignment(session, request_id=request_id, approve=approve, note=note, actor=actor_of(user),
                                   now=now, allowed=lambda r: scope.allows(r.plan_id))
    chain.reassignment_decided(session, session.get(Occurrence, req.occurrence_id), req, mailer=mailer, now=now)
    return req


def coordinate(session: Session, *, user: User, scope: Scope, occurrence_id: int, action: str, reason: str,
               now: datetime, mailer: chain.Mailer, due: date | None = None, lead: str = "",
               timeframe: str = "") -> Occurrence:
    """Waive, cancel, extend, change the task's lead or timeframe, re-send the
    agency's link: each with a reason, each writing an Event."""
    occ = session.get(Occurrence, occurrence_id)
    if occ is None or not scope.allows(occ.plan_id):
        raise NotFound(occurrence_id)
    if action not in COORDINATOR_ACTIONS:
        raise ActionError("Thao tác không hợp lệ / unknown action")
    reason = clean_text(reason, what="Lý do / reason", required=True)
    actor, task = actor_of(user), session.get(Task, occ.task_id)
    if action in ("waive", "cancel"):
        set_status(session, occ, "waived" if action == "waive" else "cancelled", actor=actor, now=now,
                   calendar=calendar_of(session), note=reason)
    elif action == "extend":
        conv.extend(session, occ, _need_date(due, occ), actor=actor, now=now, note=reason, calendar=calendar_of(session))
    elif action == "lead":
        conv.change_lead(session, task, lead, actor=actor, now=now, reason=reason)
    elif action == "timeframe":
        conv.change_timeframe(session, task, timeframe=timeframe, due=_need_date(due, None), actor=actor, now=now,
                              reason=reason, calendar=calendar_of(session))
    else:
        conv.record(session, occ, "agency.link_resent", actor, now, after={"agency": occ.owner_id}, note=reason)
        chain.link_resent(session, occ, reason=reason, mailer=mailer, now=now)
    session.refresh(occ)
    return occ


LATEST = date(2100, 12, 31)


def _need_date(due: date | None, occ: Occurrence | None) -> date:
    if due is None:
        raise Conflict("Cần chọn hạn mới (YYYY-MM-DD) / a new date is required")
    if due > LATEST:
        raise Conflict(f"Hạn mới phải trước {LATEST:%d/%m/%Y} / the new date is too far ahead")
    if occ is not None and occ.due is not None and due <= occ.due:
        raise Conflict(f"Hạn mới phải sau hạn hiện tại {occ.due:%d/%m/%Y} / the new date must be later")
    return due
