"""What pages and the API do to the data: an agency's report (through
set_status, with a note every time, a result text for a completion, and an
email queued to the focal agency, coalesced), a coordinator's review (the
comment in its own field, emailed to the agency on a send-back), an admin's
retry of a failed email. Callers own the transaction."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import update
from sqlmodel import Session

from dondoc.engine.lifecycle import TransitionError, check_transition
from dondoc.notifications import chain
from dondoc.store.calendar_days import calendar_of
from dondoc.store.errors import MAX_NOTE, ActionError, NotFound
from dondoc.store.models import Event, Occurrence, Plan
from dondoc.store.outbox_models import Email
from dondoc.store.status import Actor, set_status
from dondoc.web.models import User
from dondoc.web.scope import Scope

AGENCY_TARGETS = ("in_progress", "reported")
REVIEW_TARGETS = {"confirm": "done", "send_back": "in_progress"}
MAX_URL = 500
__all__ = ["ActionError", "NotFound", "MAX_NOTE", "agency_change", "review", "user_change", "retry_email"]


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


def agency_change(session: Session, *, agency_id: str, occurrence_id: int, target: str, now: datetime,
                  mailer: chain.Mailer, note: str = "", evidence_url: str = "") -> Occurrence:
    """The owner agency marks its item in progress or reports it done, always with a note."""
    occ = session.get(Occurrence, occurrence_id)
    if occ is None or occ.owner_id != agency_id:
        raise NotFound(occurrence_id)
    if target not in AGENCY_TARGETS:
        raise TransitionError(f"Cơ quan chỉ có thể chọn {', '.join(AGENCY_TARGETS)} / agencies may only set "
                              f"{', '.join(AGENCY_TARGETS)}")
    if not target == occ.status == "in_progress":
        check_transition(occ.status, target)  # a closed or already reported item: 409 before any input check
    note, evidence_url = clean_note(note), clean_evidence(evidence_url)
    if not note:
        raise ActionError("Báo cáo hoàn thành cần ghi kết quả thực hiện / a completion report needs its result"
                          if target == "reported" else
                          "Cần ghi chú tiến độ khi đổi trạng thái / a status change needs a note on progress")
    if target == occ.status == "in_progress":  # progress on an item already in progress: a note, no transition
        _progress(session, occ, note=note, evidence_url=evidence_url, agency_id=agency_id, now=now)
    else:
        set_status(session, occ, target, actor=Actor("agency", agency_id), now=now, calendar=calendar_of(session),
                   note=note, evidence_url=evidence_url)
    chain.from_link_holder(session, occ, kind="reported", to=session.get(Plan, occ.plan_id).focal_id, mailer=mailer,
                           now=now, ctx=dict(status=occ.status, note=note, evidence_url=evidence_url,
                                             link=mailer.plan_link(occ)))
    return occ


def _progress(session: Session, occ: Occurrence, *, note: str, evidence_url: str, agency_id: str,
              now: datetime) -> None:
    before = {"note": occ.note}
    occ.note = note
    if evidence_url:
        occ.evidence_url = evidence_url
    session.add(Event(at=now, actor_kind="agency", actor=agency_id, kind="occurrence.progress", plan_id=occ.plan_id,
                      task_id=occ.task_id, occurrence_id=occ.id, before=before, after={"note": note}, note=note))


def review(session: Session, *, user: User, scope: Scope, occurrence_id: int, action: str, comment: str,
           now: datetime, mailer: chain.Mailer) -> Occurrence:
    """A coordinator confirms a reported completion or sends it back. The
    comment goes in `review_comment` (the agency's note stays as written) and
    a send-back emails it to the agency with its link."""
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
    actor = Actor("user", user.username)
    set_status(session, occ, REVIEW_TARGETS[action], actor=actor, now=now, calendar=calendar_of(session))
    if comment:
        occ.review_comment = comment
        session.add(Event(at=now, actor_kind=actor.kind, actor=actor.id, kind=f"review.{action}", plan_id=occ.plan_id,
                          task_id=occ.task_id, occurrence_id=occ.id, after={"review_comment": comment}, note=comment))
    if action == "send_back":
        chain.sent_back(session, occ, comment=comment, mailer=mailer, now=now)
    return occ


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
