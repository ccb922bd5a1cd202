"""The agency response page behind the signed link of every reminder:
the agency's own open items, and forms to mark one in progress or report it
done. No account: the link is the key, so the page is never cached, never
indexed and sends no Referer."""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select

from dondoc.store.db import session_scope
from dondoc.engine.lifecycle import TransitionError, standing
from dondoc.store.models import Agency, Occurrence, Plan, Task
from dondoc.store.status import StaleUpdate
from dondoc.notifications.tokens import LinkError, read_token_at
from dondoc.web.access import REVOKED_LINK, link_revoked
from dondoc.web.actions import ActionError, NotFound, agency_change
from dondoc.web.deps import PageError, WebContext, web
from dondoc.web.params import RowId
from dondoc.web.render import page
from dondoc.web.security import agency_form_token, same

router = APIRouter(include_in_schema=False)
OPEN = ("not_started", "in_progress", "reported")
MAX_ITEMS = 500
PRIVATE = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer", "X-Robots-Tag": "noindex"}


def link_agency(ctx: WebContext, token: str) -> str:
    """The agency a link names; a PageError (403 tampered, 410 expired) otherwise."""
    try:
        agency_id, signed_at = read_token_at(token, secret=ctx.secret, max_age_s=ctx.settings.link_max_age_days * 86400)
    except LinkError as exc:
        if exc.expired:
            raise PageError(410, "Liên kết đã hết hạn. Vui lòng dùng liên kết trong thư nhắc việc mới nhất "
                                 "hoặc liên hệ cơ quan đầu mối. / This link has expired.") from None
        raise PageError(403, "Liên kết không hợp lệ (có thể đã bị sửa hoặc sao chép thiếu). Vui lòng mở lại "
                             "liên kết trong thư. / This link is not valid.") from None
    with session_scope(ctx.engine, write=False) as session:
        if link_revoked(session, agency_id, signed_at):
            raise PageError(410, REVOKED_LINK)
    return agency_id


def open_items(session, agency_id: str) -> list:  # noqa: ANN001
    q = (select(Occurrence, Task, Plan).join(Task, Task.id == Occurrence.task_id)
         .join(Plan, Plan.id == Occurrence.plan_id)
         .where(Occurrence.owner_id == agency_id, Occurrence.status.in_(OPEN))
         .order_by(Occurrence.due.is_(None), Occurrence.due, Plan.id, Task.number).limit(MAX_ITEMS))
    return list(session.execute(q).all())


def _agency_page(request: Request, token: str, *, error: str = "", status_code: int = 200) -> Response:
    ctx = web(request)
    agency_id = link_agency(ctx, token)
    with session_scope(ctx.engine, write=False) as session:
        agency = session.get(Agency, agency_id)
        if agency is None or not agency.active:
            raise PageError(410, "Cơ quan này không còn trong danh sách theo dõi / this agency is no longer tracked")
        rows = open_items(session, agency_id)
    today = ctx.today()
    items = [dict(occ=o, task=t, plan=p, standing=standing(status=o.status, due=o.due, completed_on=o.completed_on,
                                                          as_of=today)) for o, t, p in rows]
    response = page(request, "agency.html", dict(
        agency=agency, items=items, token=token, form_token=agency_form_token(token, secret=ctx.secret), error=error,
        today=today, done=request.query_params.get("ok"), limit=MAX_ITEMS), status_code=status_code)
    response.headers.update(PRIVATE)
    return response


@router.get("/r/{token}")
def agency_page(request: Request, token: str) -> Response:
    return _agency_page(request, token)


@router.post("/r/{token}/occurrences/{occurrence_id}")
def agency_update(request: Request, token: str, occurrence_id: RowId, form: Annotated[str, Form()] = "",
                  action: Annotated[str, Form()] = "", note: Annotated[str, Form()] = "",
                  evidence_url: Annotated[str, Form()] = "") -> Response:
    ctx = web(request)
    agency_id = link_agency(ctx, token)
    if not same(form, agency_form_token(token, secret=ctx.secret)):
        raise PageError(403, "Biểu mẫu không hợp lệ, vui lòng tải lại trang / invalid form")
    try:
        with session_scope(ctx.engine) as session:
            agency_change(session, agency_id=agency_id, occurrence_id=occurrence_id, target=action, now=ctx.now(),
                          base_url=ctx.settings.base_url, note=note, evidence_url=evidence_url)
    except NotFound:
        raise PageError(404, "Không có nhiệm vụ này trong danh sách của cơ quan / no such item") from None
    except ActionError as exc:
        return _agency_page(request, token, error=str(exc), status_code=400)
    except (TransitionError, StaleUpdate) as exc:
        return _agency_page(request, token, error=str(exc), status_code=409)
    response = RedirectResponse(f"/r/{token}?ok={occurrence_id}#occ-{occurrence_id}", status_code=303)
    response.headers.update(PRIVATE)
    return response
