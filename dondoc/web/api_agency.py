"""The agency's JSON API under /api/agency: its response-link token as the
bearer, its own items only (another agency's item answers 404, unchanged)."""
from __future__ import annotations

from typing import Annotated, Optional

from fastapi import APIRouter, HTTPException, Query, Request
from sqlalchemy import select

from dondoc.store.db import session_scope
from dondoc.store.models import Occurrence, Task
from dondoc.web.actions import agency_change
from dondoc.web.api import api_errors, status_filter
from dondoc.web.api_auth import ApiAgency
from dondoc.web.api_conversation_schemas import AgencyStatusIn
from dondoc.web.api_schemas import OccurrenceOut, errors
from dondoc.web.conversation import mailer_for
from dondoc.web.deps import web
from dondoc.web.params import RowId, StatusFilter

router = APIRouter(prefix="/api/agency", tags=["agency"], responses=errors(401))


@router.get("/occurrences", response_model=list[OccurrenceOut], responses=errors(400))
def my_occurrences(request: Request, agency: ApiAgency,
                   status: Annotated[Optional[StatusFilter],
                                     Query(description="a status, or 'open' (default)")] = "open",
                   limit: Annotated[int, Query(ge=1, le=5000)] = 500) -> list[OccurrenceOut]:
    ctx = web(request)
    q = (select(Occurrence, Task).join(Task, Task.id == Occurrence.task_id).where(Occurrence.owner_id == agency)
         .order_by(Occurrence.due, Occurrence.id).limit(limit))
    wanted = status_filter(status)
    if wanted:
        q = q.where(Occurrence.status.in_(wanted))
    with session_scope(ctx.engine, write=False) as session:
        return [OccurrenceOut.of(o, t, ctx.today()) for o, t in session.execute(q)]


@router.get("/occurrences/{occurrence_id}", response_model=OccurrenceOut, responses=errors(404))
def my_occurrence(request: Request, occurrence_id: RowId, agency: ApiAgency) -> OccurrenceOut:
    ctx = web(request)
    with session_scope(ctx.engine, write=False) as session:
        occ = session.get(Occurrence, occurrence_id)
        if occ is None or occ.owner_id != agency:
            raise HTTPException(404, "Không tìm thấy / not found")
        return OccurrenceOut.of(occ, session.get(Task, occ.task_id), ctx.today())


@router.post("/occurrences/{occurrence_id}/status", response_model=OccurrenceOut, responses=errors(400, 404, 409))
def report(request: Request, occurrence_id: RowId, body: AgencyStatusIn, agency: ApiAgency) -> OccurrenceOut:
    """in_progress or reported (done, awaiting the focal agency's confirmation), with a note (for a completion: its
    result); the focal agency is emailed (at most once per item in the coalescing window)."""
    ctx = web(request)
    with api_errors(), session_scope(ctx.engine) as session:
        occ = agency_change(session, agency_id=agency, occurrence_id=occurrence_id, target=body.status,
                            now=ctx.now(), mailer=mailer_for(ctx.settings), note=body.note,
                            evidence_url=body.evidence_url)
        return OccurrenceOut.of(occ, session.get(Task, occ.task_id), ctx.today())
