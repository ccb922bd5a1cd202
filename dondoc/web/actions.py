"""What pages and the API do to the data: an agency's report (through
set_status, with an email queued to the focal agency), a coordinator's
review, an admin's retry of a failed email. Callers own the transaction."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select, update
from sqlmodel import Session

from dondoc.store.calendar_days import calendar_of
from dondoc.engine.lifecycle import TransitionError
from dondoc.store.models import Agency, Event, Occurrence, Plan, Task
from dondoc.store.outbox_models import Email
from dondoc.store.status import Actor, set_status
from dondoc.notifications.render import render
from dondoc.web.models import User
from dondoc.web.scope import Scope

AGENCY_TARGETS = ("in_progress", "reported")
REVIEW_TARGETS = {"confirm": "done", "send_back": "in_progress"}
MAX_NOTE = 2000
MAX_URL = 500


class NotFound(LookupError):
    """Missing, or not yours: the same answer, so nothing leaks."""


class ActionError(ValueError):
    """Bad input; the message is Vietnamese first."""


def clean_note(note: str | None) -> str:
    text = (note or "").strip()
    if "\x00" in text:
        raise ActionError("Ghi chú có ký tự không hợp lệ (NUL) / note contains a NUL character")
    if len(text) > MAX_NOTE:
        raise ActionError(f"Ghi chú dài quá {MAX_NOTE} ký tự / note too long")
    return text


def clean_evidence(url: str | None) -> str:
    text = (url or "").strip()
    if not text:
        return ""
    if len(text) > MAX_URL or not text.lower().startswith(("http://", "https://")) or _has_space_or_nul(text):
        raise ActionError("Đường dẫn minh chứng phải bắt đầu bằng http:// hoặc https:// "
                          "/ evidence must be an http(s) link")
    return text


def _has_space_or_nul(text: str) -> bool:
    return any(c.isspace() or c == "\x00" for c in text)


def _last_event_id(session: Session, occurrence_id: int) -> int:
    session.flush()
    return session.execute(select(func.max(Event.id)).where(Event.occurrence_id == occurrence_id)).scalar_one()


def agency_change(session: Session, *, agency_id: str, occurrence_id: int, target: str, now: datetime,
                  base_url: str, note: str = "", evidence_url: str = "") -> Occurrence:
    """The owner agency marks its item in progress or reports it done."""
    occ = session.get(Occurrence, occurrence_id)
    if occ is None or occ.owner_id != agency_id:
        raise NotFound(occurrence_id)
    if target not in AGENCY_TARGETS:
        raise TransitionError(f"Cơ quan chỉ có thể chọn {', '.join(AGENCY_TARGETS)} / agencies may only set "
                              f"{', '.join(AGENCY_TARGETS)}")
    note, evidence_url = clean_note(note), clean_evidence(evidence_url)
    set_status(session, occ, target, actor=Actor("agency", agency_id), now=now, calendar=calendar_of(session), note=note,
               evidence_url=evidence_url)
    queue_focal_email(session, occ, _last_event_id(session, occ.id), now=now, base_url=base_url, note=note,
                      evidence_url=evidence_url)
    return occ


def queue_focal_email(session: Session, occ: Occurrence, event_id: int, *, now: datetime, base_url: str,
                      note: str, evidence_url: str) -> Email:
    """Tell the plan's focal agency, in its language (kind "reported")."""
    plan, task = session.get(Plan, occ.plan_id), session.get(Task, occ.task_id)
    focal, owner = session.get(Agency, plan.focal_id), session.get(Agency, occ.owner_id)
    ctx = dict(recipient={"id": focal.id, "name": focal.name}, agency_name=owner.name, status=occ.status,
               task_number=task.number, task_title=task.title, plan_number=plan.number, plan_title=plan.title,
               due=occ.due, note=note, evidence_url=evidence_url,
               link=f"{base_url.rstrip('/')}/plans/{plan.id}#occ-{occ.id}")
    rendered = render("reported", focal.language, ctx)
    email = Email(key=f"reported-{occ.id}-{event_id}", kind="reported", recipient=focal.id, to_addrs=[focal.email],
                  subject=rendered.subject, body_text=rendered.text, body_html=rendered.html, language=focal.language,
                  next_attempt_at=now, created_at=now)
    session.add(email)
    return email


def review(session: Session, *, user: User, scope: Scope, occurrence_id: int, action: str, comment: str,
           now: datetime) -> Occurrence:
    """A coordinator confirms a reported completion or sends it back (with a comment)."""
    occ = session.get(Occurrence, occurrence_id)
    if occ is None or not scope.allows(occ.plan_id):
        raise NotFound(occurrence_id)
    if action not in REVIEW_TARGETS:
        raise ActionError("Thao tác không hợp lệ / unknown action")
    comment = clean_note(comment)
    if action == "send_back" and not comment:
        raise ActionError("Trả lại cần ghi nhận xét / sending back needs a comment")
    if occ.status != "reported":
        raise TransitionError("Nhiệm vụ chưa được báo cáo hoàn thành / the item is not awaiting confirmation")
    return set_status(session, occ, REVIEW_TARGETS[action], actor=Actor("user", user.username), now=now,
                      calendar=calendar_of(session), note=comment)


def user_change(session: Session, *, user: User, scope: Scope, occurrence_id: int, target: str, now: datetime,
                note: str = "", evidence_url: str = "") -> Occurrence:
    """Any legal status change by a user, on an item of a plan in scope."""
    occ = session.get(Occurrence, occurrence_id)
    if occ is None or not scope.allows(occ.plan_id):
        raise NotFound(occurrence_id)
    return set_status(session, occ, target, actor=Actor("user", user.username), now=now, calendar=calendar_of(session),
                      note=clean_note(note), evidence_url=clean_evidence(evidence_url))


def retry_email(session: Session, *, email_id: int, user: User, now: datetime) -> bool:
    """A failed email goes back to the queue: due now, attempts reset."""
    done = session.execute(update(Email).where(Email.id == email_id, Email.status == "failed").values(
        status="retrying", next_attempt_at=now, attempts=0, claimed_by=None, claimed_until=None)).rowcount == 1
    if done:
        session.add(Event(at=now, actor_kind="user", actor=user.username, kind="email.retry",
                          before={"status": "failed"}, after={"status": "retrying", "email_id": email_id}))
    return done
