"""Coordinator pages: the plans list, a plan's page (tasks, deadlines,
warnings, email preview), the review of reported completions (a send-back
needs a comment, emailed to the agency), decisions on extension and
reassignment requests, coordinator actions (each with a reason), and the
evidence files of the items in scope."""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, time
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from dondoc.engine.calendar import VN_TZ
from dondoc.engine.lifecycle import TransitionError
from dondoc.store.conversation_models import Evidence
from dondoc.store.db import session_scope
from dondoc.store.models import Occurrence, Plan
from dondoc.store.status import StaleUpdate
from dondoc.web import conversation as talk
from dondoc.web.actions import ActionError, NotFound, review
from dondoc.web.api_conversation import file_response
from dondoc.web.deps import PageError, ScopeDep, UserDep, WebContext, csrf_protect, web
from dondoc.web.params import Key, RowId, bounded_day
from dondoc.web.plan_data import plan_view, plans_overview, preview
from dondoc.web.render import page
from dondoc.web.rollup_view import plan_rollup
from dondoc.web.scope import Scope

router = APIRouter(include_in_schema=False, dependencies=[Depends(csrf_protect)])
PREVIEW_HOUR = time(7, 30)  # the default sweep runs at 07:30 local time


@router.get("/plans")
def plans(request: Request, user: UserDep, scope: ScopeDep) -> Response:
    ctx = web(request)
    with session_scope(ctx.engine, write=False) as session:
        rows = plans_overview(session, scope, ctx.today())
    return page(request, "plans.html", dict(rows=rows))


def _preview_moment(ctx: WebContext, text: str | None) -> datetime:
    """Now, or 07:30 (Vietnam) on the chosen day."""
    if not text:
        return ctx.now()
    try:
        return datetime.combine(bounded_day(text), PREVIEW_HOUR, tzinfo=VN_TZ)
    except ValueError as exc:
        raise PageError(400, f"Ngày '{text}' cần dạng YYYY-MM-DD, trong khoảng 2000-2100 / expected YYYY-MM-DD "
                             f"({exc})") from None


def _plan(session, plan_id: str, scope: Scope) -> Plan:  # noqa: ANN001
    plan = session.get(Plan, plan_id)
    if plan is None or not scope.allows(plan_id):
        raise PageError(404, "Không có kế hoạch này / no such plan")
    return plan


@router.get("/plans/{plan_id}")
def plan_page(request: Request, plan_id: Key, user: UserDep, scope: ScopeDep, preview_on: str = "") -> Response:
    ctx = web(request)
    moment = _preview_moment(ctx, preview_on)
    with session_scope(ctx.engine, write=False) as session:
        plan = _plan(session, plan_id, scope)
        view = plan_view(session, plan, ctx.today())
        rollup = plan_rollup(session, plan.id, ctx.today(), scope, with_below=request.query_params.get("rollup") == "all",
                             href_on=f"/plans/{plan.id}?rollup=all#rollup", href_off=f"/plans/{plan.id}#rollup")
    emails = preview(ctx.engine, plan, now=moment, base_url=ctx.settings.base_url)
    return page(request, "plan.html", dict(view, rollup=rollup, emails=emails, preview_on=preview_on, moment=moment,
                                           today=ctx.today(), reviewed=request.query_params.get("reviewed"),
                                           outcome=request.query_params.get("outcome", ""),
                                           loaded=request.query_params.get("loaded"),
                                           decided=request.query_params.get("decided", "")))


@router.post("/plans/{plan_id}/occurrences/{occurrence_id}/review")
def review_occurrence(request: Request, plan_id: Key, occurrence_id: RowId, user: UserDep, scope: ScopeDep,
                      action: Annotated[str, Form()] = "", comment: Annotated[str, Form()] = "") -> Response:
    ctx = web(request)
    try:
        with session_scope(ctx.engine) as session:
            _plan(session, plan_id, scope)
            occ = session.get(Occurrence, occurrence_id)
            if occ is None or occ.plan_id != plan_id:
                raise NotFound(occurrence_id)
            review(session, user=user, scope=scope, occurrence_id=occurrence_id, action=action, comment=comment,
                   now=ctx.now(), mailer=talk.mailer_for(ctx.settings))
    except NotFound:
        raise PageError(404, "Không có nhiệm vụ này / no such item") from None
    except ActionError as exc:
        raise PageError(400, str(exc)) from None
    except (TransitionError, StaleUpdate) as exc:
        raise PageError(409, str(exc)) from None
    return RedirectResponse(f"/plans/{plan_id}?reviewed={occurrence_id}&outcome={action}#awaiting", status_code=303)


@contextmanager
def page_errors() -> Iterator[None]:
    try:
        yield
    except NotFound:
        raise PageError(404, "Không tìm thấy / not found") from None
    except ActionError as exc:
        raise PageError(400, str(exc)) from None
    except (TransitionError, StaleUpdate) as exc:
        raise PageError(409, str(exc)) from None


def _decide(request: Request, plan_id: str, user, scope: Scope, decide, request_id: int, decision: str,  # noqa: ANN001
            note: str, anchor: str) -> Response:
    if decision not in ("approve", "refuse"):
        raise PageError(400, "Thao tác không hợp lệ / unknown decision")
    ctx = web(request)
    with page_errors(), session_scope(ctx.engine) as session:
        _plan(session, plan_id, scope)
        decide(session, user=user, scope=Scope(frozenset({plan_id}) if scope.allows(plan_id) else frozenset()),
               request_id=request_id, approve=decision == "approve", note=note, now=ctx.now(),
               mailer=talk.mailer_for(ctx.settings))
    return RedirectResponse(f"/plans/{plan_id}?decided={anchor}-{decision}#{anchor}", status_code=303)


@router.post("/plans/{plan_id}/extension-requests/{request_id}")
def decide_extension(request: Request, plan_id: Key, request_id: RowId, user: UserDep, scope: ScopeDep,
                     decision: Annotated[str, Form()] = "", note: Annotated[str, Form()] = "") -> Response:
    return _decide(request, plan_id, user, scope, talk.decide_extension, request_id, decision, note, "extensions")


@router.post("/plans/{plan_id}/reassignment-requests/{request_id}")
def decide_reassignment(request: Request, plan_id: Key, request_id: RowId, user: UserDep, scope: ScopeDep,
                        decision: Annotated[str, Form()] = "", note: Annotated[str, Form()] = "") -> Response:
    return _decide(request, plan_id, user, scope, talk.decide_reassignment, request_id, decision, note, "moves")


def _form_date(text: str) -> date | None:
    if not text.strip():
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise PageError(400, f"Ngày '{text}' cần dạng YYYY-MM-DD / expected YYYY-MM-DD") from None


@router.post("/plans/{plan_id}/actions")
def coordinator_action(request: Request, plan_id: Key, user: UserDep, scope: ScopeDep,
                       occurrence: Annotated[str, Form()] = "", action: Annotated[str, Form()] = "",
                       reason: Annotated[str, Form()] = "", due: Annotated[str, Form()] = "",
                       lead: Annotated[str, Form()] = "", timeframe: Annotated[str, Form()] = "") -> Response:
    """Waive, cancel, extend, change lead or timeframe, re-send the link: one item, a reason each time."""
    ctx = web(request)
    if not occurrence.isdigit() or not 0 < int(occurrence) < 2**31:
        raise PageError(400, "Chọn một kỳ thực hiện / choose an item")
    with page_errors(), session_scope(ctx.engine) as session:
        _plan(session, plan_id, scope)
        occ = session.get(Occurrence, int(occurrence))
        if occ is None or occ.plan_id != plan_id:
            raise NotFound(occurrence)
        talk.coordinate(session, user=user, scope=scope, occurrence_id=occ.id, action=action, reason=reason,
                        now=ctx.now(), mailer=talk.mailer_for(ctx.settings), due=_form_date(due), lead=lead,
                        timeframe=timeframe)
    return RedirectResponse(f"/plans/{plan_id}?decided=action-{action}#actions", status_code=303)


@router.get("/files/{evidence_id}")
def evidence_file(request: Request, evidence_id: RowId, user: UserDep, scope: ScopeDep) -> Response:
    """An evidence file, for a user whose scope holds the item (404 otherwise)."""
    with session_scope(web(request).engine, write=False) as session:
        row = session.get(Evidence, evidence_id)
        occ = session.get(Occurrence, row.occurrence_id) if row else None
        if occ is None or not scope.allows(occ.plan_id):
            raise PageError(404, "Không tìm thấy tệp / no such file")
    return file_response(request, row)
