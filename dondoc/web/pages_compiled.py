"""The compiled report from the web: the plan page's buttons (a coordinator in
scope) and the signed download link of a timed draft (the focal agency)."""
from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Request
from fastapi.responses import Response

from dondoc.documents.compiled_docx import compiled_docx
from dondoc.documents.compiled_xlsx import compiled_xlsx
from dondoc.notifications.draft_links import DraftLinkError, read_draft_token
from dondoc.store.compiled import CompileError, compile_plan, parent_name
from dondoc.store.db import session_scope
from dondoc.web.deps import PageError, ScopeDep, UserDep, web
from dondoc.web.params import Key

router = APIRouter(include_in_schema=False)
TYPES = {"docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
         "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def _day(text: str, today: date) -> date:
    try:
        return date.fromisoformat(text) if text else today
    except ValueError:
        raise PageError(400, f"Ngày '{text[:40]}' cần dạng YYYY-MM-DD / expected YYYY-MM-DD") from None


def _document(request: Request, plan_id: str, as_of: date, period: str | None, fmt: str) -> Response:
    if fmt not in TYPES:
        raise PageError(404, "Không tìm thấy trang / page not found")
    with session_scope(web(request).engine, write=False) as session:
        try:
            c = compile_plan(session, plan_id=plan_id, as_of=as_of, period=period)
        except CompileError as exc:
            raise PageError(404, str(exc)) from None
        data = compiled_docx(c, parent=parent_name(session, plan_id)) if fmt == "docx" else compiled_xlsx(c)
    name = f"bao-cao-{plan_id}-{as_of.isoformat()}" + ("" if fmt == "docx" else "-phu-luc")
    return Response(data, media_type=TYPES[fmt], headers={"Content-Disposition": f'attachment; filename="{name}.{fmt}"'})


@router.get("/plans/{plan_id}/compiled.{fmt}")
def compiled(request: Request, plan_id: Key, fmt: str, user: UserDep, scope: ScopeDep, as_of: str = "",
             period: str = "") -> Response:
    if not scope.allows(plan_id):
        raise PageError(404, "Không có kế hoạch này / no such plan")
    return _document(request, plan_id, _day(as_of, web(request).today()), period or None, fmt)


@router.get("/compiled/{token}.{fmt}")
def compiled_by_link(request: Request, token: str, fmt: str) -> Response:
    try:
        ref = read_draft_token(token, secret=web(request).secret)
    except DraftLinkError as exc:
        raise PageError(410 if "hết hạn" in str(exc) else 403, str(exc)) from None
    return _document(request, ref.plan_id, ref.as_of, ref.period, fmt)
