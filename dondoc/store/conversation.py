"""What the chain exchanges besides reminders, as state changes: extension
requests and their decisions, reassignment, a changed deadline, owner or
timeframe. Each writes an Event and keeps the tally in the same transaction;
callers own the transaction and queue the emails (dondoc.notifications.chain).
Claims are conditional updates on the old state, checked on the row count."""
from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from dondoc.engine.calendar import WorkCalendar, local_date
from dondoc.engine.escalation import Policy as PolicyRule
from dondoc.engine.escalation import first_check
from dondoc.engine.lifecycle import CLOSED, TransitionError
from dondoc.store import tally
from dondoc.store.calendar_days import calendar_of
from dondoc.store.conversation_models import PENDING, ExtensionRequest, ReassignmentRequest
from dondoc.store.errors import Conflict, NotFound, clean_text
from dondoc.store.models import Agency, Event, Occurrence, Plan, Policy, Task
from dondoc.store.reports import subtree
from dondoc.store.status import Actor, StaleUpdate

MAX_EXTENSION = timedelta(days=366)
CLOSED_VI = "Nhiệm vụ đã đóng (hoàn thành, hủy hoặc miễn) / the item is closed"


def record(session: Session, occ: Occurrence, kind: str, actor: Actor, now: datetime, *, before: dict | None = None,
           after: dict | None = None, note: str = "") -> None:
    session.add(Event(at=now, actor_kind=actor.kind, actor=actor.id, kind=kind, plan_id=occ.plan_id,
                      task_id=occ.task_id, occurrence_id=occ.id, before=before, after=after, note=note))


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def own_open(session: Session, occurrence_id: int, agency_id: str) -> Occurrence:
    """The agency's own item, open (404 if not its own, 409 if closed)."""
    occ = session.get(Occurrence, occurrence_id)
    if occ is None or occ.owner_id != agency_id:
        raise NotFound(occurrence_id)
    if occ.status in CLOSED:
        raise TransitionError(CLOSED_VI)
    return occ


def confirmer_of(plan: Plan) -> str:
    """Who confirms extensions: the focal agency, or the issuer where the plan says so."""
    return plan.issued_by if plan.extensions_by == "issuer" else plan.focal_id


def may_confirm(session: Session, user_agency: str | None, confirmer_id: str) -> bool:
    """Admins and users without an agency may; others only for their agency or one above it."""
    return user_agency is None or confirmer_id in subtree(session, user_agency)


# --- extensions ---------------------------------------------------------------------------------------------
def request_extension(session: Session, *, agency_id: str, occurrence_id: int, due: date, reason: str,
                      now: datetime) -> ExtensionRequest:
    """The owner asks for `due`; allowed after the deadline too (marked `late`)."""
    occ = own_open(session, occurrence_id, agency_id)
    reason = clean_text(reason, what="Lý do gia hạn / reason", required=True)
    if occ.due is None:
        raise Conflict("Nhiệm vụ không có hạn, không cần gia hạn / the item has no deadline to extend")
    if due <= occ.due:
        raise Conflict(f"Hạn mới phải sau hạn hiện tại {occ.due:%d/%m/%Y} / the new date must be after the current one")
    if due > occ.due + MAX_EXTENSION:
        raise Conflict("Hạn mới quá một năm sau hạn hiện tại / at most one year later")
    plan = session.get(Plan, occ.plan_id)
    req = ExtensionRequest(occurrence_id=occ.id, plan_id=occ.plan_id, agency_id=agency_id, confirmer_id=confirmer_of(plan),
                           due_before=occ.due, due_requested=due, reason=reason, late=local_date(now) > occ.due,
                           created_at=now)
    _insert_pending(session, req, "gia hạn / extension")
    record(session, occ, "extension.requested", Actor("agency", agency_id), now,
           after={"request": req.id, "due": due.isoformat(), "late": req.late}, note=reason)
    return req


def _insert_pending(session: Session, req: ExtensionRequest | ReassignmentRequest, what: str) -> None:
    """One pending request per item (a partial unique index keeps it so under concurrency)."""
    try:
        with session.begin_nested():
            session.add(req)
            session.flush()
    except IntegrityError:
        raise TransitionError(f"Đã có đề nghị {what} đang chờ quyết định / a request is already pending") from None


def _claim(session: Session, model: type, request_id: int, approve: bool, actor: Actor, note: str, now: datetime) -> None:
    values = dict(status="approved" if approve else "refused", decided_at=now, decided_by=actor.id, decision_note=note)
    if session.execute(update(model).where(model.id == request_id, model.status == PENDING).values(**values)).rowcount != 1:
        raise StaleUpdate(f"request {request_id} decided concurrently")


def pending_request(session: Session, model: type, request_id: int, allowed) -> ExtensionRequest | ReassignmentRequest:  # noqa: ANN001
    req = session.get(model, request_id)
    if req is None or not allowed(req):
        raise NotFound(request_id)
    if req.status != PENDING:
        raise TransitionError("Đề nghị đã được quyết định / the request was already decided")
    return req


def decide_extension(session: Session, *, request_id: int, approve: bool, note: str, actor: Actor, now: datetime,
                     allowed, calendar: WorkCalendar | None = None) -> ExtensionRequest:  # noqa: ANN001
    """Approve (the occurrence's due moves, escalation starts again) or refuse."""
    req = pending_request(session, ExtensionRequest, request_id, allowed)
    note = clean_text(note, what="Ý kiến / note", required=not approve)
    occ = session.get(Occurrence, req.occurrence_id)
    if approve and occ.status in CLOSED:
        raise TransitionError(CLOSED_VI)
    _claim(session, ExtensionRequest, req.id, approve, actor, note, now)
    if approve:
        extend(session, occ, req.due_requested, actor=actor, now=now, note=note or req.reason,
               calendar=calendar or calendar_of(session), request_id=req.id)
    record(session, occ, "extension." + ("approved" if approve else "refused"), actor, now,
           after={"request": req.id, "due": req.due_requested.isoformat()}, note=note)
    session.refresh(req)
    return req


def _rule(session: Session, plan_id: str) -> PolicyRule | None:
    plan = session.get(Plan, plan_id)
    row = session.get(Policy, plan.escalation) if plan else None
    return PolicyRule.from_config(row.id, row.steps, row.repeat_every) if row else None


def extend(session: Session, occ: Occurrence, new_due: date, *, actor: Actor, now: datetime, note: str,
           calendar: WorkCalendar, request_id: int | None = None) -> Occurrence:
    """A new effective deadline; the written one is kept in `due_as_written`; escalation starts again."""
    if occ.status in CLOSED:
        raise TransitionError(CLOSED_VI)
    rule = _rule(session, occ.plan_id)
    values = dict(due=new_due, due_as_written=occ.due_as_written or occ.due, escalation_level=0, last_step=-1,
                  next_check_on=None if occ.status == "reported" or rule is None else first_check(rule, new_due, calendar))
    same_due = Occurrence.due.is_(None) if occ.due is None else Occurrence.due == occ.due
    result = session.execute(update(Occurrence).where(Occurrence.id == occ.id, Occurrence.status == occ.status, same_due)
                             .values(**values))
    if result.rowcount != 1:
        raise StaleUpdate(f"occurrence {occ.id} changed concurrently")
    record(session, occ, "occurrence.extended", actor, now, note=note,
           before={"due": _iso(occ.due), "escalation_level": occ.escalation_level},
           after={"due": new_due.isoformat(), "due_as_written": _iso(values["due_as_written"]), "request": request_id})
    tally.owner_changed(session, occ.owner_id)
    session.refresh(occ)
    return occ


# --- reassignment -------------------------------------------------------------------------------------------
def _active_agency(session: Session, agency_id: str) -> Agency:
    agency = session.get(Agency, (agency_id or "").strip())
    if agency is None or not agency.active:
        raise Conflict(f"Không có cơ quan '{agency_id}' trong danh sách / unknown agency")
    return agency


def request_reassignment(session: Session, *, agency_id: str, occurrence_id: int, to_agency: str, reason: str,
                         now: datetime) -> ReassignmentRequest:
    occ = own_open(session, occurrence_id, agency_id)
    reason = clean_text(reason, what="Lý do / reason", required=True)
    target = _active_agency(session, to_agency)
    if target.id == agency_id:
        raise Conflict("Cơ quan đề nghị chuyển phải khác cơ quan hiện tại / propose another agency")
    req = ReassignmentRequest(occurrence_id=occ.id, plan_id=occ.plan_id, from_agency_id=agency_id,
                              to_agency_id=target.id, reason=reason, created_at=now)
    _insert_pending(session, req, "chuyển cơ quan / reassignment")
    record(session, occ, "reassignment.requested", Actor("agency", agency_id), now,
           after={"request": req.id, "to": target.id}, note=reason)
    return req


def decide_reassignment(session: Session, *, request_id: int, approve: bool, note: str, actor: Actor, now: datetime,
                        allowed) -> ReassignmentRequest:  # noqa: ANN001
    req = pending_request(session, ReassignmentRequest, request_id, allowed)
    note = clean_text(note, what="Ý kiến / note", required=not approve)
    occ = session.get(Occurrence, req.occurrence_id)
    if approve and (occ.status in CLOSED or occ.owner_id != req.from_agency_id):
        raise TransitionError(CLOSED_VI if occ.status in CLOSED else "Cơ quan chủ trì đã thay đổi / the owner changed")
    _claim(session, ReassignmentRequest, req.id, approve, actor, note, now)
    if approve:
        change_owner(session, occ, req.to_agency_id, actor=actor, now=now, note=note or req.reason)
    record(session, occ, "reassignment." + ("approved" if approve else "refused"), actor, now,
           after={"request": req.id, "to": req.to_agency_id}, note=note)
    session.refresh(req)
    return req


def change_owner(session: Session, occ: Occurrence, new_owner: str, *, actor: Actor, now: datetime, note: str) -> Occurrence:
    """The item moves to another agency: reminders, tally and agency pages follow the owner."""
    old = occ.owner_id
    _active_agency(session, new_owner)
    try:
        with session.begin_nested():
            result = session.execute(update(Occurrence).where(Occurrence.id == occ.id, Occurrence.owner_id == old,
                                                              Occurrence.status == occ.status).values(owner_id=new_owner))
    except IntegrityError:
        raise Conflict("Cơ quan mới đã có kỳ này của nhiệm vụ / the new owner already has this period") from None
    if result.rowcount != 1:
        raise StaleUpdate(f"occurrence {occ.id} changed concurrently")
    record(session, occ, "occurrence.reassigned", actor, now, before={"owner": old}, after={"owner": new_owner}, note=note)
    tally.owner_changed(session, old)
    tally.owner_changed(session, new_owner)
    session.refresh(occ)
    return occ


# --- coordinator changes of a task --------------------------------------------------------------------------
def change_lead(session: Session, task: Task, new_lead: str, *, actor: Actor, now: datetime, reason: str) -> int:
    """The task's lead changes; its open items of the old lead move too. Returns items moved."""
    reason = clean_text(reason, what="Lý do / reason", required=True)
    old = task.lead_id
    _active_agency(session, new_lead)
    task.lead_id = new_lead
    session.add(Event(at=now, actor_kind=actor.kind, actor=actor.id, kind="task.lead_changed", plan_id=task.plan_id,
                      task_id=task.id, before={"lead": old}, after={"lead": new_lead}, note=reason))
    moved = 0
    for occ in _open_of(session, task.id, owner=old):
        change_owner(session, occ, new_lead, actor=actor, now=now, note=reason)
        moved += 1
    return moved


def change_timeframe(session: Session, task: Task, *, timeframe: str, due: date, actor: Actor, now: datetime,
                     reason: str, calendar: WorkCalendar) -> int:
    """A new written deadline for the task (not an extension: due_as_written is cleared). Returns items changed."""
    reason = clean_text(reason, what="Lý do / reason", required=True)
    timeframe = clean_text(timeframe, what="Thời gian thực hiện / timeframe", limit=300) or f"Trước ngày {due:%d/%m/%Y}"
    session.add(Event(at=now, actor_kind=actor.kind, actor=actor.id, kind="task.timeframe_changed", plan_id=task.plan_id,
                      task_id=task.id, before={"timeframe": task.timeframe, "due": _iso(task.due)},
                      after={"timeframe": timeframe, "due": due.isoformat()}, note=reason))
    task.timeframe, task.due = timeframe, due
    rule, changed = _rule(session, task.plan_id), 0
    for occ in _open_of(session, task.id):
        record(session, occ, "occurrence.due_changed", actor, now, before={"due": _iso(occ.due)},
               after={"due": due.isoformat()}, note=reason)
        occ.due, occ.due_as_written, occ.escalation_level, occ.last_step = due, None, 0, -1
        occ.next_check_on = None if occ.status == "reported" or rule is None else first_check(rule, due, calendar)
        tally.owner_changed(session, occ.owner_id)
        changed += 1
    return changed


def _open_of(session: Session, task_id: int, owner: str | None = None) -> list[Occurrence]:
    q = select(Occurrence).where(Occurrence.task_id == task_id, Occurrence.status.not_in(tuple(CLOSED)))
    if owner:
        q = q.where(Occurrence.owner_id == owner)
    return list(session.execute(q).scalars())
