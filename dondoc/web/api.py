"""The JSON API for users (admins, coordinators, their scripts), under /api.
Same permissions as the pages: a coordinator sees and changes only the plans
in its scope; anything else answers 404 and changes nothing."""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated, Optional

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from sqlalchemy import select
from sqlmodel import Session

from dondoc.engine.lifecycle import Status, TransitionError
from dondoc.store.db import session_scope
from dondoc.store.errors import BadFile
from dondoc.store.models import Event, Occurrence, Plan, Task
from dondoc.store.reports import subtree
from dondoc.store.status import StaleUpdate
from dondoc.web import dashboard_data as dd
from dondoc.web.actions import ActionError, NotFound, user_change
from dondoc.web.api_auth import ApiScope, ApiUser
from dondoc.web.api_schemas import (
    AgencySummaryOut,
    EventOut,
    MeOut,
    OccurrenceOut,
    OverdueItemOut,
    PlanOut,
    StatusChangeIn,
    SummaryOut,
    TaskOut,
    errors,
)
from dondoc.web.deps import web
from dondoc.web.params import MAX_ROW_ID, IsoDate, Key, Level, RowId, RowIdQuery, StatusFilter, Text
from dondoc.web.scope import Scope

router = APIRouter(prefix="/api", tags=["api"], responses=errors(401))
Limit = Annotated[int, Query(ge=1, le=5000)]
Offset = Annotated[int, Query(ge=0, le=MAX_ROW_ID)]


@contextmanager
def api_errors() -> Iterator[None]:
    """Domain errors -> HTTP errors with the Vietnamese-first message."""
    try:
        yield
    except NotFound:
        raise HTTPException(404, "Không tìm thấy / not found") from None
    except BadFile as exc:
        raise HTTPException(415, str(exc)) from None
    except ActionError as exc:
        raise HTTPException(400, str(exc)) from None
    except (TransitionError, StaleUpdate) as exc:
        raise HTTPException(409, str(exc)) from None


@router.get("/me", response_model=MeOut)
def me(user: ApiUser) -> MeOut:
    return MeOut(username=user.username, role=user.role, agency=user.agency_id)


@router.get("/plans", response_model=list[PlanOut])
def list_plans(request: Request, scope: ApiScope) -> list[PlanOut]:
    with session_scope(web(request).engine, write=False) as session:
        plans = session.execute(select(Plan).where(scope.where(Plan.id)).order_by(Plan.id)).scalars().all()
        return [PlanOut.of(p) for p in plans]


@router.get("/plans/{plan_id}", response_model=PlanOut, responses=errors(404))
def get_plan(request: Request, plan_id: Key, scope: ApiScope) -> PlanOut:
    with session_scope(web(request).engine, write=False) as session:
        plan = session.get(Plan, plan_id)
        if plan is None or not scope.allows(plan_id):
            raise HTTPException(404, "Không có kế hoạch này / no such plan")
        return PlanOut.of(plan)


@router.get("/tasks", response_model=list[TaskOut])
def list_tasks(request: Request, scope: ApiScope, plan: Text = None, lead: Text = None,
               limit: Limit = 500, offset: Offset = 0) -> list[TaskOut]:
    q = select(Task).where(scope.where(Task.plan_id)).order_by(Task.plan_id, Task.id).limit(limit).offset(offset)
    if plan:
        q = q.where(Task.plan_id == plan)
    if lead:
        q = q.where(Task.lead_id == lead)
    with session_scope(web(request).engine, write=False) as session:
        return [TaskOut.of(t) for t in session.execute(q).scalars()]


@router.get("/tasks/{task_id}", response_model=TaskOut, responses=errors(404))
def get_task(request: Request, task_id: RowId, scope: ApiScope) -> TaskOut:
    with session_scope(web(request).engine, write=False) as session:
        task = session.get(Task, task_id)
        if task is None or not scope.allows(task.plan_id):
            raise HTTPException(404, "Không có nhiệm vụ này / no such task")
        return TaskOut.of(task)


def status_filter(status: str | None) -> list[str] | None:
    if not status:
        return None
    if status == "open":
        return ["not_started", "in_progress", "reported"]
    if status not in {str(s) for s in Status}:
        raise HTTPException(400, f"Trạng thái không hợp lệ / unknown status: {status}")
    return [status]


@router.get("/occurrences", response_model=list[OccurrenceOut], responses=errors(400))
def list_occurrences(request: Request, scope: ApiScope, plan: Text = None, task_id: RowIdQuery = None,
                     owner: Text = None, agency: Text = None,
                     status: Annotated[Optional[StatusFilter], Query(description="a status, or 'open'")] = None,
                     due_before: Optional[IsoDate] = None, due_after: Optional[IsoDate] = None,
                     limit: Limit = 500, offset: Offset = 0) -> list[OccurrenceOut]:
    """Filter by plan, task, owner, `agency` (it and everything below it), status (or 'open') and due date."""
    ctx = web(request)
    q = (select(Occurrence, Task).join(Task, Task.id == Occurrence.task_id).where(scope.where(Occurrence.plan_id))
         .order_by(Occurrence.id).limit(limit).offset(offset))
    wanted = status_filter(status)
    conds = [Occurrence.plan_id == plan if plan else None, Occurrence.task_id == task_id if task_id else None,
             Occurrence.owner_id == owner if owner else None, Occurrence.status.in_(wanted) if wanted else None,
             Occurrence.due < due_before if due_before else None, Occurrence.due >= due_after if due_after else None]
    q = q.where(*(c for c in conds if c is not None))
    with session_scope(ctx.engine, write=False) as session:
        if agency:
            q = q.where(Occurrence.owner_id.in_(sorted(subtree(session, agency))))
        return [OccurrenceOut.of(o, t, ctx.today()) for o, t in session.execute(q)]


def _occurrence(session: Session, occurrence_id: int, scope: Scope) -> tuple[Occurrence, Task]:
    occ = session.get(Occurrence, occurrence_id)
    if occ is None or not scope.allows(occ.plan_id):
        raise HTTPException(404, "Không có kỳ thực hiện này / no such occurrence")
    return occ, session.get(Task, occ.task_id)


@router.get("/occurrences/{occurrence_id}", response_model=OccurrenceOut, responses=errors(404))
def get_occurrence(request: Request, occurrence_id: RowId, scope: ApiScope) -> OccurrenceOut:
    ctx = web(request)
    with session_scope(ctx.engine, write=False) as session:
        return OccurrenceOut.of(*_occurrence(session, occurrence_id, scope), ctx.today())


@router.get("/occurrences/{occurrence_id}/events", response_model=list[EventOut], responses=errors(404))
def occurrence_events(request: Request, occurrence_id: RowId, scope: ApiScope) -> list[EventOut]:
    with session_scope(web(request).engine, write=False) as session:
        _occurrence(session, occurrence_id, scope)
        q = select(Event).where(Event.occurrence_id == occurrence_id).order_by(Event.at, Event.id)
        return [EventOut.of(e) for e in session.execute(q).scalars()]


@router.post("/occurrences/{occurrence_id}/status", response_model=OccurrenceOut,
             responses=errors(400, 403, 404, 409))
def change_status(request: Request, occurrence_id: RowId, body: StatusChangeIn, user: ApiUser,
                  scope: ApiScope) -> OccurrenceOut:
    """Any legal transition (set_status checks it); writes an Event with the user as actor."""
    ctx = web(request)
    with api_errors(), session_scope(ctx.engine) as session:
        occ = user_change(session, user=user, scope=scope, occurrence_id=occurrence_id, target=body.status,
                          now=ctx.now(), note=body.note, evidence_url=body.evidence_url)
        return OccurrenceOut.of(occ, session.get(Task, occ.task_id), ctx.today())


def report_filters(request: Request, scope: ApiScope, as_of: Optional[IsoDate] = None, plan: Text = None,
                   agency: Text = None, level: Text = None, escalation: Level = None) -> dd.Filters:
    """The dashboard's filters: as of a date (default today), a plan, an agency and below, a level, a step."""
    if plan and not scope.allows(plan):
        raise HTTPException(404, "Không có kế hoạch này / no such plan")
    return dd.Filters(as_of=as_of or web(request).today(), plan=plan or None, agency=agency or None,
                      level=level or None, escalation=escalation)


ReportFilters = Annotated[dd.Filters, Depends(report_filters)]


@router.get("/reports/overdue", response_model=list[OverdueItemOut], responses=errors(404))
def report_overdue(request: Request, scope: ApiScope, f: ReportFilters) -> list[OverdueItemOut]:
    """Overdue items as of a date (default today), most overdue first."""
    with session_scope(web(request).engine, write=False) as session:
        return list(dd.overdue_items(session, f, scope))


@router.get("/reports/summary", response_model=SummaryOut, responses=errors(404))
def report_summary(request: Request, scope: ApiScope, f: ReportFilters, limit: Limit = 500,
                   offset: Offset = 0) -> SummaryOut:
    """The dashboard's numbers: four category totals, weekly trend, and the
    agencies ranked (lowest on-time rate first), `limit` of them from `offset`."""
    ctx = web(request)
    ov = ctx.overviews.get(ctx.engine, f, scope, today=ctx.today(), now=ctx.now())
    agencies = [AgencySummaryOut(agency=r.agency_id, name=r.name, level=r.level,
                                 counts={str(k): v for k, v in r.counts.items()}, on_time_rate=r.on_time_rate,
                                 oldest_overdue_occurrence=r.oldest["occurrence_id"] if r.oldest else None,
                                 oldest_overdue_days=r.oldest["days"] if r.oldest else None)
                for r in ov.rows(ctx.engine, scope, offset, offset + limit)]
    return SummaryOut(as_of=f.as_of, totals={str(k): v for k, v in ov.totals.items()}, agency_count=ov.agency_count,
                      agencies=agencies, trend=[{"as_of": d.isoformat(), "overdue": n} for d, n in ov.series],
                      late_confirmations=[c.as_dict() for c in ov.late_confirmations])
