"""An agency's history of its own items: what was done, sent back,
extended, reassigned (to or away from it), newest first."""
from __future__ import annotations

from sqlalchemy import or_, select
from sqlmodel import Session

from dondoc.store.conversation_models import ReassignmentRequest
from dondoc.store.models import Event, Occurrence, Task

KINDS = ("occurrence.status", "occurrence.progress", "review.send_back", "review.confirm", "occurrence.extended",
         "extension.requested", "extension.approved", "extension.refused", "reassignment.requested",
         "reassignment.approved", "reassignment.refused", "occurrence.reassigned", "evidence.added",
         "occurrence.due_changed")
MAX_ROWS = 200


def history(session: Session, agency_id: str, *, limit: int = MAX_ROWS) -> list[tuple[Event, Task | None]]:
    mine = select(Occurrence.id).where(Occurrence.owner_id == agency_id)
    moved_away = select(ReassignmentRequest.occurrence_id).where(ReassignmentRequest.from_agency_id == agency_id,
                                                                 ReassignmentRequest.status == "approved")
    q = (select(Event, Task).outerjoin(Task, Task.id == Event.task_id)
         .where(Event.kind.in_(KINDS), or_(Event.occurrence_id.in_(mine), Event.occurrence_id.in_(moved_away)))
         .order_by(Event.at.desc(), Event.id.desc()).limit(limit))
    return [(e, t) for e, t in session.execute(q)]


def closed_items(session: Session, agency_id: str, *, limit: int = MAX_ROWS) -> list[tuple[Occurrence, Task]]:
    q = (select(Occurrence, Task).join(Task, Task.id == Occurrence.task_id)
         .where(Occurrence.owner_id == agency_id, Occurrence.status.in_(("done", "cancelled", "waived")))
         .order_by(Occurrence.completed_on.desc(), Occurrence.id.desc()).limit(limit))
    return [(o, t) for o, t in session.execute(q)]
