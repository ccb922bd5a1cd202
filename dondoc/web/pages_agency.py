"""The agency response page behind the signed link of every reminder: the
agency's own open items with forms to report progress (a note every time),
report completion (a result text), attach evidence files, ask for an
extension or another owner; its indicators; the history of its own items.
No account: the link is the key, so the page is never cached, never indexed
and sends no Referer."""
from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Annotated, Optional

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select

from dondoc.engine.lifecycle import OPEN_STATUSES, TransitionError, standing_of
from dondoc.notifications.tokens import LinkError, read_token_at
from dondoc.store import evidence as files
from dondoc.store.conversation_models import Evidence, ExtensionRequest, ReassignmentRequest
from dondoc.store.db import session_scope
from dondoc.store.errors import ActionError, NotFound
from dondoc.store.history import closed_items, history
from dondoc.store.indicators import attainment, report_value
from dondoc.store.models import Agency, Occurrence, Plan, Task
from dondoc.store.status import StaleUpdate
from dondoc.web import conversation as talk
from dondoc.web.access import REVOKED_LINK, link_revoked
from dondoc.web.actions import agency_change
from dondoc.web.api_conversation import file_response
from dondoc.web.deps import PageError, WebContext, web
from dondoc.web.params import RowId
from dondoc.web.render import page
from dondoc.web.security import agency_form_token, same

router = APIRouter(include_in_schema=False)
OPEN = OPEN_STATUSES
MAX_ITEMS = 500
MAX_CHOICES = 300
PRIVATE = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer", "X-Robots-Tag": "noindex"}
FormText = Annotated[str, Form()]


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


def _pending(session, model: type, ids: list[int]) -> dict[int, object]:  # noqa: ANN001
    if not ids:
        return {}
    q = select(model).where(model.occurrence_id.in_(ids), model.status == "pending")
    return {r.occurrence_id: r for r in session.execute(q).scalars()}


def _choices(session, agency_id: str, plans: set[str]) -> list[Agency]:  # noqa: ANN001
    """Agencies an item may be handed to: those leading or supporting tasks of the same plans."""
    ids: set[str] = set()
    for lead, support in session.execute(select(Task.lead_id, Task.support).where(Task.plan_id.in_(sorted(plans)))):
        ids.add(lead)
        ids.update(support)
    ids.discard(agency_id)
    q = select(Agency).where(Agency.id.in_(sorted(ids)), Agency.active.is_(True)).order_by(Agency.name)
    return list(session.execute(q.limit(MAX_CHOICES)).scalars())


def _view(session, agency_id: str, today: date) -> dict:  # noqa: ANN001
    rows = open_items(session, agency_id)
    ids = [o.id for o, _, _ in rows]
    items = [dict(occ=o, task=t, plan=p, standing=standing_of(o, today)) for o, t, p in rows]
    return dict(items=items, files=files.of_occurrences(session, ids),
                extensions=_pending(session, ExtensionRequest, ids), moves=_pending(session, ReassignmentRequest, ids),
                choices=_choices(session, agency_id, {p.id for _, _, p in rows}),
                indicators=attainment(session, agency_id=agency_id),
                closed=closed_items(session, agency_id, limit=100), history=history(session, agency_id, limit=100))


def _agency_page(request: Request, token: str, *, error: str = "", status_code: int = 200) -> Response:
    ctx = web(request)
    agency_id = link_agency(ctx, token)
    with session_scope(ctx.engine, write=False) as session:
        agency = session.get(Agency, agency_id)
        if agency is None or not agency.active:
            raise PageError(410, "Cơ quan này không còn trong danh sách theo dõi / this agency is no longer tracked")
        view = _view(session, agency_id, ctx.today())
    response = page(request, "agency.html", dict(
        view, agency=agency, token=token, form_token=agency_form_token(token, secret=ctx.secret), error=error,
        today=ctx.today(), done=request.query_params.get("ok"), what=request.query_params.get("what", ""),
        limit=MAX_ITEMS, max_mb=ctx.settings.max_upload_bytes // (1024 * 1024)), status_code=status_code)
    response.headers.update(PRIVATE)
    return response


@router.get("/r/{token}")
def agency_page(request: Request, token: str) -> Response:
    return _agency_page(request, token)


def _post(request: Request, token: str, form: str, anchor: str, what: str, change: Callable) -> Response:
    """Check the link and the form token, run `change(session, agency_id, ctx)` in one transaction, redirect."""
    ctx = web(request)
    agency_id = link_agency(ctx, token)
    if not same(form, agency_form_token(token, secret=ctx.secret)):
        raise PageError(403, "Biểu mẫu không hợp lệ, vui lòng tải lại trang / invalid form")
    try:
        with session_scope(ctx.engine) as session:
            change(session, agency_id, ctx)
    except NotFound:
        raise PageError(404, "Không có nhiệm vụ này trong danh sách của cơ quan / no such item") from None
    except ActionError as exc:
        return _agency_page(request, token, error=str(exc), status_code=400)
    except (TransitionError, StaleUpdate) as exc:
        return _agency_page(request, token, error=str(exc), status_code=409)
    response = RedirectResponse(f"/r/{token}?ok={anchor}&what={what}#{anchor}", status_code=303)
    response.headers.update(PRIVATE)
    return response


@router.post("/r/{token}/occurrences/{occurrence_id}")
def agency_update(request: Request, token: str, occurrence_id: RowId, form: FormText = "", action: FormText = "",
                  note: FormText = "", evidence_url: FormText = "") -> Response:
    def change(session, agency_id: str, ctx: WebContext) -> None:  # noqa: ANN001
        agency_change(session, agency_id=agency_id, occurrence_id=occurrence_id, target=action, now=ctx.now(),
                      mailer=talk.mailer_for(ctx.settings), note=note, evidence_url=evidence_url)
    return _post(request, token, form, f"occ-{occurrence_id}", "status", change)


@router.post("/r/{token}/occurrences/{occurrence_id}/evidence")
async def agency_evidence(request: Request, token: str, occurrence_id: RowId,
                          file: Annotated[Optional[UploadFile], File()] = None, form: FormText = "") -> Response:
    limit = web(request).settings.max_upload_bytes
    data = await file.read(limit + 1) if file is not None else b""

    def change(session, agency_id: str, ctx: WebContext) -> None:  # noqa: ANN001
        if file is None:
            raise ActionError("Chưa chọn tệp minh chứng / no file chosen")
        talk.agency_upload(session, agency_id=agency_id, occurrence_id=occurrence_id, data=data,
                           filename=file.filename, now=ctx.now(), settings=ctx.settings)
    return _post(request, token, form, f"occ-{occurrence_id}", "evidence", change)


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise ActionError(f"Ngày '{text}' cần dạng YYYY-MM-DD / expected a date YYYY-MM-DD") from None


@router.post("/r/{token}/occurrences/{occurrence_id}/extension")
def agency_extension(request: Request, token: str, occurrence_id: RowId, form: FormText = "", due: FormText = "",
                     reason: FormText = "") -> Response:
    def change(session, agency_id: str, ctx: WebContext) -> None:  # noqa: ANN001
        talk.ask_extension(session, agency_id=agency_id, occurrence_id=occurrence_id, due=_date(due), reason=reason,
                           now=ctx.now(), mailer=talk.mailer_for(ctx.settings))
    return _post(request, token, form, f"occ-{occurrence_id}", "extension", change)


@router.post("/r/{token}/occurrences/{occurrence_id}/reassignment")
def agency_reassignment(request: Request, token: str, occurrence_id: RowId, form: FormText = "", to: FormText = "",
                        reason: FormText = "") -> Response:
    def change(session, agency_id: str, ctx: WebContext) -> None:  # noqa: ANN001
        talk.ask_reassignment(session, agency_id=agency_id, occurrence_id=occurrence_id, to_agency=to, reason=reason,
                              now=ctx.now(), mailer=talk.mailer_for(ctx.settings))
    return _post(request, token, form, f"occ-{occurrence_id}", "reassignment", change)


@router.post("/r/{token}/indicators/{indicator_id}")
def agency_indicator(request: Request, token: str, indicator_id: RowId, form: FormText = "", period: FormText = "",
                     value: FormText = "", note: FormText = "") -> Response:
    def change(session, agency_id: str, ctx: WebContext) -> None:  # noqa: ANN001
        report_value(session, agency_id=agency_id, indicator_id=indicator_id, period=period, value=_number(value),
                     note=note, now=ctx.now())
    return _post(request, token, form, f"ind-{indicator_id}", "indicator", change)


def _number(text: str) -> float:
    try:
        value = float(text.strip().replace(",", "."))
    except ValueError:
        raise ActionError(f"Giá trị '{text}' phải là một số / the value must be a number") from None
    if value != value or abs(value) > 1e12:
        raise ActionError("Giá trị không hợp lệ / invalid value")
    return value


@router.get("/r/{token}/evidence/{evidence_id}")
def agency_file(request: Request, token: str, evidence_id: RowId) -> Response:
    ctx = web(request)
    agency_id = link_agency(ctx, token)
    with session_scope(ctx.engine, write=False) as session:
        row = session.get(Evidence, evidence_id)
        occ = session.get(Occurrence, row.occurrence_id) if row else None
        if occ is None or occ.owner_id != agency_id:
            raise PageError(404, "Không tìm thấy tệp / no such file")
    response = file_response(request, row)
    response.headers.update(PRIVATE)
    return response
