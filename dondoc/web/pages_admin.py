"""Admin and leader pages: the overdue dashboard and its exports, a task's
drill-down, the outbox. Coordinators see the dashboard and tasks of their
plans; the outbox is for admins."""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import RedirectResponse, Response
from markupsafe import Markup
from sqlalchemy import select
from sqlmodel import Session

from dondoc.engine.lifecycle import Category
from dondoc.notifications.sender import outbox_counts
from dondoc.store.db import session_scope
from dondoc.store.extended import by_owner as by_owner_extended
from dondoc.store.models import Agency, Occurrence, Plan, Task
from dondoc.store.outbox_models import Email
from dondoc.web import dashboard_data as dd
from dondoc.web.actions import retry_email
from dondoc.web.charts import bar_chart, line_chart
from dondoc.web.deps import AdminDep, PageError, ScopeDep, UserDep, csrf_protect, web
from dondoc.web.export import dashboard_xlsx, extended_view, items_csv
from dondoc.web.i18n import pick_lang
from dondoc.web.overview import PAGE_SIZE, SHOWN_ITEMS
from dondoc.web.params import RowId
from dondoc.web.render import page, render_part
from dondoc.web.rollup_view import plan_rollup
from dondoc.web.scope import Scope
from dondoc.web.task_data import task_view

router = APIRouter(include_in_schema=False, dependencies=[Depends(csrf_protect)])
PageNo = Annotated[int, Query(alias="page", ge=1, le=1_000_000)]
CHART_AGENCIES = 15
EXPORT_LIMIT = 1_000_000
OUTBOX_STATUSES = ("queued", "sending", "retrying", "sent", "failed")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _filters(request: Request, session: Session, scope: Scope) -> dd.Filters:
    try:
        f = dd.parse_filters(request.query_params, web(request).today())
    except ValueError as exc:
        raise PageError(400, str(exc)) from None
    if f.plan and (session.get(Plan, f.plan) is None or not scope.allows(f.plan)):
        raise PageError(404, "Không có kế hoạch này / no such plan")
    if f.agency and session.get(Agency, f.agency) is None:
        raise PageError(404, "Không có cơ quan này / no such agency")
    return f


def _charts(late: list[dd.AgencyRow], series: list) -> dict:
    return dict(bars=bar_chart([(r.name, r.overdue) for r in late]), line=line_chart(series))


@router.get("/dashboard")
def dashboard(request: Request, user: UserDep, scope: ScopeDep, page_no: PageNo = 1) -> Response:
    ctx = web(request)
    with session_scope(ctx.engine, write=False) as session:
        f = _filters(request, session, scope)
    ov = ctx.overviews.get(ctx.engine, f, scope, today=ctx.today(), now=ctx.now())
    page_no = min(page_no, ov.pages)
    lang = pick_lang(request)[0]
    with_below = request.query_params.get("rollup") == "all"

    def render() -> str:
        with session_scope(ctx.engine, write=False) as session:
            extended = extended_view(session, f, scope)  # issue 16: extensions counted apart
        return render_part("_dashboard_body.html", lang, dict(extended=extended,
            f=f, ov=ov, rows=ov.page(ctx.engine, scope, page_no), page_no=page_no, first=(page_no - 1) * PAGE_SIZE,
            totals=ov.totals, categories=list(Category), items=ov.items, series=ov.series, options=ov.options,
            shown=SHOWN_ITEMS, rollup=_rollup(ctx.engine, f, scope, with_below),
            **_charts(ov.most_late(CHART_AGENCIES), ov.series)))

    return page(request, "dashboard.html", dict(body=Markup(ov.body((lang, page_no, with_below), render))))


def _rollup(engine, f: dd.Filters, scope: Scope, with_below: bool) -> dict | None:  # noqa: ANN001
    """The plans implementing the plan filtered on (dondoc.web.rollup_view)."""
    if not f.plan:
        return None
    with session_scope(engine, write=False) as session:
        return plan_rollup(session, f.plan, f.as_of, scope, with_below=with_below,
                           href_on=f"/dashboard?{f.query(rollup='all')}#rollup", href_off=f"/dashboard?{f.query()}#rollup")


@router.get("/dashboard.csv")
def dashboard_csv(request: Request, user: UserDep, scope: ScopeDep) -> Response:
    with session_scope(web(request).engine, write=False) as session:
        f = _filters(request, session, scope)
        items = dd.overdue_items(session, f, scope, limit=EXPORT_LIMIT)
    return Response(items_csv(items), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="qua-han-{f.as_of.isoformat()}.csv"'})


@router.get("/dashboard.xlsx")
def dashboard_export_xlsx(request: Request, user: UserDep, scope: ScopeDep) -> Response:
    with session_scope(web(request).engine, write=False) as session:
        f = _filters(request, session, scope)
        rows = dd.agency_rows(session, f, scope)
        items = dd.overdue_items(session, f, scope, limit=EXPORT_LIMIT)
        extended, by_owner = extended_view(session, f, scope), by_owner_extended(session, as_of=f.as_of, plans=scope.plans)
    body = dashboard_xlsx(f, dd.totals(rows), rows, items, extended, by_owner)
    return Response(body, media_type=XLSX,
                    headers={"Content-Disposition": f'attachment; filename="qua-han-{f.as_of.isoformat()}.xlsx"'})


@router.get("/tasks/{task_id}")
def task_page(request: Request, task_id: RowId, user: UserDep, scope: ScopeDep) -> Response:
    ctx = web(request)
    with session_scope(ctx.engine, write=False) as session:
        task = session.get(Task, task_id)
        if task is None or not scope.allows(task.plan_id):
            raise PageError(404, "Không có nhiệm vụ này / no such task")
        view = task_view(session, task, ctx.today())
    return page(request, "task.html", dict(today=ctx.today(), **view))


@router.get("/occurrences/{occurrence_id}")
def occurrence_page(request: Request, occurrence_id: RowId, user: UserDep, scope: ScopeDep) -> Response:
    with session_scope(web(request).engine, write=False) as session:
        occ = session.get(Occurrence, occurrence_id)
        if occ is None or not scope.allows(occ.plan_id):
            raise PageError(404, "Không có nhiệm vụ này / no such item")
    return RedirectResponse(f"/tasks/{occ.task_id}#occ-{occ.id}", status_code=303)


@router.get("/outbox")
def outbox(request: Request, user: AdminDep, status: str = "") -> Response:
    if status and status not in OUTBOX_STATUSES:
        raise PageError(400, "Trạng thái thư không hợp lệ / unknown email status")
    ctx = web(request)
    q = select(Email).order_by(Email.id.desc()).limit(200)
    if status:
        q = q.where(Email.status == status)
    with session_scope(ctx.engine, write=False) as session:
        emails = session.execute(q).scalars().all()
    return page(request, "outbox.html", dict(emails=emails, counts=outbox_counts(ctx.engine), status=status,
                                             statuses=OUTBOX_STATUSES, retried=request.query_params.get("retried")))


@router.post("/outbox/{email_id}/retry")
def outbox_retry(request: Request, email_id: RowId, user: AdminDep) -> Response:
    ctx = web(request)
    with session_scope(ctx.engine) as session:
        if not retry_email(session, email_id=email_id, user=user, now=ctx.now()):
            raise PageError(409, "Thư này không ở trạng thái lỗi / this email has not failed")
    return RedirectResponse(f"/outbox?status=failed&retried={email_id}", status_code=303)
