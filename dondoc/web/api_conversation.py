"""The conversation API: the agency side under /api/agency (its link token
as bearer; another agency's item answers 404), the user side under /api (an
API token or the session; the scope and the confirming agency decide)."""
from __future__ import annotations

from typing import Annotated, Literal, Optional
from urllib.parse import quote

from fastapi import APIRouter, File, HTTPException, Query, Request, UploadFile
from fastapi.responses import FileResponse
from sqlalchemy import select

from dondoc.engine import filetypes as ft
from dondoc.store import evidence as files
from dondoc.store.conversation_models import Evidence, ExtensionRequest, Indicator, ReassignmentRequest
from dondoc.store.db import session_scope
from dondoc.store.history import history
from dondoc.store.indicators import attainment, ratio, report_value
from dondoc.store.models import Occurrence, Task
from dondoc.web import conversation as talk
from dondoc.web.actions import review
from dondoc.web.api import api_errors
from dondoc.web.api_auth import ApiAgency, ApiScope, ApiUser
from dondoc.web.api_conversation_schemas import (
    AttainmentOut,
    CoordinatorActionIn,
    DecisionIn,
    EvidenceOut,
    ExtensionRequestIn,
    ExtensionRequestOut,
    HistoryOut,
    IndicatorValueIn,
    ReassignmentRequestIn,
    ReassignmentRequestOut,
    RefusalIn,
    ReviewIn,
)
from dondoc.web.api_schemas import OccurrenceOut, errors
from dondoc.web.deps import web
from dondoc.web.params import RowId, Text

agency_router = APIRouter(prefix="/api/agency", tags=["agency"], responses=errors(401))
router = APIRouter(prefix="/api", tags=["api"], responses=errors(401))
RequestStatus = Annotated[Optional[Literal["pending", "approved", "refused"]], Query()]
NOT_FOUND = "Không tìm thấy / not found"
FILE_ANSWER = {200: {"description": "the file, as stored (its type read from its content)",
                     "content": {t: {} for t in (ft.PDF, ft.DOCX, ft.XLSX, ft.OLE, ft.PNG, ft.JPEG)}}}


async def read_upload(request: Request, file: UploadFile) -> bytes:
    """At most the size limit plus one byte is read (more is refused, 413)."""
    limit = web(request).settings.max_upload_bytes
    data = await file.read(limit + 1)
    if len(data) > limit:
        raise HTTPException(413, f"Tệp lớn quá {limit // (1024 * 1024)} MB / the file is larger than the limit")
    return data


def file_response(request: Request, row: Evidence) -> FileResponse:
    path = files.path_of(web(request).settings.files_dir, row.sha256)
    if not path.is_file():
        raise HTTPException(404, NOT_FOUND)
    disposition = f"attachment; filename*=UTF-8''{quote(row.filename)}"
    return FileResponse(path, media_type=row.media_type, headers={
        "Content-Disposition": disposition, "Cache-Control": "private, no-store", "X-Content-Type-Options": "nosniff",
        "Content-Security-Policy": "default-src 'none'; sandbox", "Referrer-Policy": "no-referrer"})


# --- agency side --------------------------------------------------------------------------------------------
@agency_router.post("/occurrences/{occurrence_id}/extension-requests", status_code=201,
                    response_model=ExtensionRequestOut, responses=errors(400, 404, 409))
def ask_extension(request: Request, occurrence_id: RowId, body: ExtensionRequestIn,
                  agency: ApiAgency) -> ExtensionRequestOut:
    """Ask for a later date with a reason; allowed after the deadline (marked `late`); the confirming agency is emailed."""
    ctx = web(request)
    with api_errors(), session_scope(ctx.engine) as session:
        req = talk.ask_extension(session, agency_id=agency, occurrence_id=occurrence_id, due=body.due,
                                 reason=body.reason, now=ctx.now(), mailer=talk.mailer_for(ctx.settings))
        return ExtensionRequestOut.of(req)


@agency_router.get("/extension-requests", response_model=list[ExtensionRequestOut])
def my_extension_requests(request: Request, agency: ApiAgency, status: RequestStatus = None) -> list[ExtensionRequestOut]:
    q = select(ExtensionRequest).where(ExtensionRequest.agency_id == agency).order_by(ExtensionRequest.id)
    if status:
        q = q.where(ExtensionRequest.status == status)
    with session_scope(web(request).engine, write=False) as session:
        return [ExtensionRequestOut.of(r) for r in session.execute(q).scalars()]


@agency_router.post("/occurrences/{occurrence_id}/reassignment-requests", status_code=201,
                    response_model=ReassignmentRequestOut, responses=errors(400, 404, 409))
def ask_reassignment(request: Request, occurrence_id: RowId, body: ReassignmentRequestIn,
                     agency: ApiAgency) -> ReassignmentRequestOut:
    """"Not ours, it is X's": propose another owner with a reason; the focal agency is emailed."""
    ctx = web(request)
    with api_errors(), session_scope(ctx.engine) as session:
        req = talk.ask_reassignment(session, agency_id=agency, occurrence_id=occurrence_id, to_agency=body.to,
                                    reason=body.reason, now=ctx.now(), mailer=talk.mailer_for(ctx.settings))
        return ReassignmentRequestOut.of(req)


@agency_router.post("/occurrences/{occurrence_id}/evidence", status_code=201, response_model=EvidenceOut,
                    responses=errors(400, 404, 409, 413, 415))
async def add_evidence(request: Request, occurrence_id: RowId, agency: ApiAgency,
                       file: Annotated[UploadFile, File(description="PDF, Word, Excel, PNG or JPEG")]) -> EvidenceOut:
    """Attach a file; its type is read from its content, not its name."""
    data = await read_upload(request, file)
    ctx = web(request)
    with api_errors(), session_scope(ctx.engine) as session:
        row = talk.agency_upload(session, agency_id=agency, occurrence_id=occurrence_id, data=data,
                                 filename=file.filename, now=ctx.now(), settings=ctx.settings)
        return EvidenceOut.of(row)


def _own(session, occurrence_id: int, agency: str) -> Occurrence:  # noqa: ANN001
    occ = session.get(Occurrence, occurrence_id)
    if occ is None or occ.owner_id != agency:
        raise HTTPException(404, NOT_FOUND)
    return occ


@agency_router.get("/evidence", response_model=list[EvidenceOut], responses=errors(404))
def my_evidence(request: Request, agency: ApiAgency,
                occurrence: Annotated[int, Query(ge=1, le=2**31 - 1)]) -> list[EvidenceOut]:
    """The files attached to one of the agency's items (a GET beside the upload's POST path would answer
    OPTIONS with half its methods)."""
    with session_scope(web(request).engine, write=False) as session:
        _own(session, occurrence, agency)
        return [EvidenceOut.of(e) for e in files.of_occurrences(session, [occurrence])[occurrence]]


@agency_router.get("/evidence/{evidence_id}", response_class=FileResponse, responses={**FILE_ANSWER, **errors(404)})
def my_evidence_file(request: Request, evidence_id: RowId, agency: ApiAgency) -> FileResponse:
    with session_scope(web(request).engine, write=False) as session:
        row = session.get(Evidence, evidence_id)
        if row is None:
            raise HTTPException(404, NOT_FOUND)
        _own(session, row.occurrence_id, agency)
    return file_response(request, row)


@agency_router.get("/indicators", response_model=list[AttainmentOut])
def my_indicators(request: Request, agency: ApiAgency) -> list[AttainmentOut]:
    """The indicators assigned to the agency, its latest value against the target."""
    with session_scope(web(request).engine, write=False) as session:
        return [AttainmentOut.of(a) for a in attainment(session, agency_id=agency)]


@agency_router.post("/indicators/{indicator_id}/values", status_code=201, response_model=AttainmentOut,
                    responses=errors(400, 404))
def report_indicator(request: Request, indicator_id: RowId, body: IndicatorValueIn, agency: ApiAgency) -> AttainmentOut:
    ctx = web(request)
    with api_errors(), session_scope(ctx.engine) as session:
        row = report_value(session, agency_id=agency, indicator_id=indicator_id, period=body.period, value=body.value,
                           note=body.note, now=ctx.now())
        ind = session.get(Indicator, indicator_id)
        return AttainmentOut(plan=ind.plan_id, indicator_id=ind.id, number=ind.number, name=ind.name, unit=ind.unit,
                             target=ind.target, agency=agency, period=row.period, value=row.value,
                             attainment=ratio(row.value, ind.target, ind.higher_is_better))


@agency_router.get("/history", response_model=list[HistoryOut])
def my_history(request: Request, agency: ApiAgency,
               limit: Annotated[int, Query(ge=1, le=200)] = 200) -> list[HistoryOut]:
    """The agency's own items: done, sent back, extended, reassigned; newest first."""
    with session_scope(web(request).engine, write=False) as session:
        return [HistoryOut(at=e.at, kind=e.kind, occurrence_id=e.occurrence_id, task=t.number if t else None,
                           title=t.title if t else None, actor=f"{e.actor_kind}:{e.actor}", note=e.note)
                for e, t in history(session, agency, limit=limit)]


# --- user side ----------------------------------------------------------------------------------------------
@router.get("/extension-requests", response_model=list[ExtensionRequestOut])
def extension_requests(request: Request, scope: ApiScope, status: RequestStatus = None,
                       plan: Text = None) -> list[ExtensionRequestOut]:
    q = select(ExtensionRequest).where(scope.where(ExtensionRequest.plan_id)).order_by(ExtensionRequest.id)
    q = q.where(ExtensionRequest.status == status) if status else q
    q = q.where(ExtensionRequest.plan_id == plan) if plan else q
    with session_scope(web(request).engine, write=False) as session:
        return [ExtensionRequestOut.of(r) for r in session.execute(q).scalars()]


def _decide_extension(request: Request, request_id: int, body: DecisionIn | RefusalIn, user, scope, approve: bool):  # noqa: ANN001, ANN202
    ctx = web(request)
    with api_errors(), session_scope(ctx.engine) as session:
        req = talk.decide_extension(session, user=user, scope=scope, request_id=request_id, approve=approve,
                                    note=body.note, now=ctx.now(), mailer=talk.mailer_for(ctx.settings))
        return ExtensionRequestOut.of(req)


@router.post("/extension-requests/{request_id}/approve", response_model=ExtensionRequestOut,
             responses=errors(400, 403, 404, 409))
def approve_extension(request: Request, request_id: RowId, body: DecisionIn, user: ApiUser,
                      scope: ApiScope) -> ExtensionRequestOut:
    """The confirming agency approves: the effective due moves, escalation starts again, both sides are emailed."""
    return _decide_extension(request, request_id, body, user, scope, True)


@router.post("/extension-requests/{request_id}/refuse", response_model=ExtensionRequestOut,
             responses=errors(400, 403, 404, 409))
def refuse_extension(request: Request, request_id: RowId, body: RefusalIn, user: ApiUser,
                     scope: ApiScope) -> ExtensionRequestOut:
    """Refuse, with a note (required); both sides are emailed."""
    return _decide_extension(request, request_id, body, user, scope, False)


@router.get("/reassignment-requests", response_model=list[ReassignmentRequestOut])
def reassignment_requests(request: Request, scope: ApiScope, status: RequestStatus = None) -> list[ReassignmentRequestOut]:
    q = select(ReassignmentRequest).where(scope.where(ReassignmentRequest.plan_id)).order_by(ReassignmentRequest.id)
    q = q.where(ReassignmentRequest.status == status) if status else q
    with session_scope(web(request).engine, write=False) as session:
        return [ReassignmentRequestOut.of(r) for r in session.execute(q).scalars()]


def _decide_reassignment(request: Request, request_id: int, approve: bool, note: str, user, scope):  # noqa: ANN001, ANN202
    ctx = web(request)
    with api_errors(), session_scope(ctx.engine) as session:
        req = talk.decide_reassignment(session, user=user, scope=scope, request_id=request_id, approve=approve,
                                       note=note, now=ctx.now(), mailer=talk.mailer_for(ctx.settings))
        return ReassignmentRequestOut.of(req)


@router.post("/reassignment-requests/{request_id}/approve", response_model=ReassignmentRequestOut,
             responses=errors(400, 403, 404, 409))
def approve_reassignment(request: Request, request_id: RowId, body: DecisionIn, user: ApiUser,
                         scope: ApiScope) -> ReassignmentRequestOut:
    """The coordinator approves: the owner changes, the tally, reminders and pages follow."""
    return _decide_reassignment(request, request_id, True, body.note, user, scope)


@router.post("/reassignment-requests/{request_id}/refuse", response_model=ReassignmentRequestOut,
             responses=errors(400, 403, 404, 409))
def refuse_reassignment(request: Request, request_id: RowId, body: RefusalIn, user: ApiUser,
                        scope: ApiScope) -> ReassignmentRequestOut:
    return _decide_reassignment(request, request_id, False, body.note, user, scope)


def _in_scope(session, occurrence_id: int, scope) -> Occurrence:  # noqa: ANN001
    occ = session.get(Occurrence, occurrence_id)
    if occ is None or not scope.allows(occ.plan_id):
        raise HTTPException(404, NOT_FOUND)
    return occ


@router.get("/occurrences/{occurrence_id}/evidence", response_model=list[EvidenceOut], responses=errors(404))
def occurrence_evidence(request: Request, occurrence_id: RowId, scope: ApiScope) -> list[EvidenceOut]:
    with session_scope(web(request).engine, write=False) as session:
        _in_scope(session, occurrence_id, scope)
        return [EvidenceOut.of(e) for e in files.of_occurrences(session, [occurrence_id])[occurrence_id]]


@router.get("/evidence/{evidence_id}", response_class=FileResponse, responses={**FILE_ANSWER, **errors(404)})
def evidence_file(request: Request, evidence_id: RowId, scope: ApiScope) -> FileResponse:
    with session_scope(web(request).engine, write=False) as session:
        row = session.get(Evidence, evidence_id)
        if row is None:
            raise HTTPException(404, NOT_FOUND)
        _in_scope(session, row.occurrence_id, scope)
    return file_response(request, row)


@router.post("/occurrences/{occurrence_id}/actions", response_model=OccurrenceOut, responses=errors(400, 403, 404, 409))
def coordinator_action(request: Request, occurrence_id: RowId, body: CoordinatorActionIn, user: ApiUser,
                       scope: ApiScope) -> OccurrenceOut:
    """waive, cancel, extend (`due`), lead (the task's new lead), timeframe (`timeframe`, `due`), resend_link; a reason always."""
    ctx = web(request)
    with api_errors(), session_scope(ctx.engine) as session:
        occ = talk.coordinate(session, user=user, scope=scope, occurrence_id=occurrence_id, action=body.action,
                              reason=body.reason, now=ctx.now(), mailer=talk.mailer_for(ctx.settings),
                              due=getattr(body, "due", None), lead=getattr(body, "lead", ""),
                              timeframe=getattr(body, "timeframe", ""))
        return OccurrenceOut.of(occ, session.get(Task, occ.task_id), ctx.today())


@router.post("/occurrences/{occurrence_id}/review", response_model=OccurrenceOut, responses=errors(400, 403, 404, 409))
def review_occurrence(request: Request, occurrence_id: RowId, body: ReviewIn, user: ApiUser,
                      scope: ApiScope) -> OccurrenceOut:
    """Confirm a reported completion, or send it back with a comment (emailed to the agency)."""
    ctx = web(request)
    with api_errors(), session_scope(ctx.engine) as session:
        occ = review(session, user=user, scope=scope, occurrence_id=occurrence_id, action=body.action,
                     comment=body.comment, now=ctx.now(), mailer=talk.mailer_for(ctx.settings))
        return OccurrenceOut.of(occ, session.get(Task, occ.task_id), ctx.today())


@router.get("/indicators", response_model=list[AttainmentOut], responses=errors(404))
def indicators(request: Request, scope: ApiScope, plan: Text = None) -> list[AttainmentOut]:
    """Attainment against targets, per indicator and assigned agency (latest period reported)."""
    if plan and not scope.allows(plan):
        raise HTTPException(404, NOT_FOUND)
    with session_scope(web(request).engine, write=False) as session:
        return [AttainmentOut.of(a) for a in attainment(session, plan_id=plan) if scope.allows(a.plan_id)]
