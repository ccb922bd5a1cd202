"""Coordinator pages: the plans list, a plan's page (tasks, deadlines,
warnings, email preview) and the review of reported completions."""
from __future__ import annotations

from datetime import date, datetime, time
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from dondoc.engine.calendar import VN_TZ
from dondoc.store.db import session_scope
from dondoc.engine.lifecycle import TransitionError
from dondoc.store.models import Occurrence, Plan
from dondoc.store.status import StaleUpdate
from dondoc.web.actions import ActionError, NotFound, review
from dondoc.web.deps import PageError, ScopeDep, UserDep, WebContext, csrf_protect, web
from dondoc.web.params import Key, RowId, bounded_day
from dondoc.web.plan_data import plan_view, plans_overview, preview
from dondoc.web.render import page
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
    emails = preview(ctx.engine, plan, now=moment, base_url=ctx.settings.base_url)
    return page(request, "plan.html", dict(view, emails=emails, preview_on=preview_on, moment=moment,
                                           today=ctx.today(), reviewed=request.query_params.get("reviewed"),
                                           outcome=request.query_params.get("outcome", ""),
                                           loaded=request.query_params.get("loaded")))


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
                   now=ctx.now())
    except NotFound:
        raise PageError(404, "Không có nhiệm vụ này / no such item") from None
    except ActionError as exc:
        raise PageError(400, str(exc)) from None
    except (TransitionError, StaleUpdate) as exc:
        raise PageError(409, str(exc)) from None
    return RedirectResponse(f"/plans/{plan_id}?reviewed={occurrence_id}&outcome={action}#awaiting", status_code=303)
