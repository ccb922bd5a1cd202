"""Importing a plan document (coordinators and admins): upload a .txt, .docx
or PDF, review the importer's draft in a table (one row per task: lead picked
among the agencies of the plan's place, coordinating agencies, timeframe and
the schedule it parses to, flags to clear) or as YAML, and load it, checked
all-or-nothing exactly like `dondoc load`."""
from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse, Response
from sqlmodel import select
from starlette.datastructures import UploadFile

from dondoc.config.reader import ConfigError, Problem
from dondoc.importer import PlanImportError, to_yaml
from dondoc.store.db import session_scope
from dondoc.store.models import Agency, Policy
from dondoc.web.deps import PageError, UserDep, WebContext, csrf_protect, web
from dondoc.web.import_data import MAX_UPLOAD, SUFFIXES, check_draft, load_draft, safe_name
from dondoc.web.import_edit import Form, apply_edits
from dondoc.web.import_place import place_choices, place_problems
from dondoc.web.import_view import DraftView, by_row, draft_view
from dondoc.web.import_worker import draft_in_worker
from dondoc.web.models import User
from dondoc.web.render import page

FORM_OVERHEAD = 64 * 1024           # multipart boundaries and the other fields
MAX_MB = MAX_UPLOAD // 1024 // 1024
TOO_LARGE = f"Tệp quá lớn: tối đa {MAX_MB} MB / file too large (max {MAX_MB} MB)"


def limit_body(request: Request) -> None:
    """Refuse an oversized body before anything reads it (the CSRF check parses the form)."""
    if request.method != "POST":
        return
    length = request.headers.get("content-length", "")
    if not length.isdecimal():
        raise PageError(411, "Thiếu độ dài nội dung (Content-Length) / Content-Length required")
    if int(length) > MAX_UPLOAD + FORM_OVERHEAD:
        raise PageError(413, TOO_LARGE)


router = APIRouter(include_in_schema=False, dependencies=[Depends(limit_body), Depends(csrf_protect)])


def _names(ctx: WebContext) -> dict[str, str]:
    with session_scope(ctx.engine, write=False) as session:
        return dict(session.exec(select(Agency.id, Agency.name)).all())


def _choices(ctx: WebContext, view: DraftView | None) -> list:
    if view is None:
        return []
    with session_scope(ctx.engine, write=False) as session:
        return place_choices(session, view)


def _page(request: Request, *, draft: str = "", name: str = "", source: str = "", error: str = "",
          problems: list[Problem] | None = None, status_code: int = 200, saved: bool = False) -> Response:
    view = draft_view(draft, name) if draft else None
    rest, rows = by_row(view, problems or []) if view else (problems or [], {})
    choices = _choices(web(request), view)
    names = _names(web(request)) | {c.id: c.name for c in choices if c.new}
    return page(request, "import.html", dict(draft=draft, name=name, source=source, error=error, view=view,
                                             problems=problems or [], general=rest, row_problems=rows, saved=saved,
                                             choices=choices, names=names, max_mb=MAX_MB), status_code=status_code)


@router.get("/import")
def import_form(request: Request, user: UserDep) -> Response:
    return _page(request)


class _Rejected(Exception):
    """An upload refused before the importer sees it: the import page says why."""

    def __init__(self, status_code: int, message: str) -> None:
        super().__init__(message)
        self.status_code, self.message = status_code, message


async def _upload(request: Request) -> tuple[str, bytes]:
    upload = (await request.form()).get("file")
    if not isinstance(upload, UploadFile) or not upload.filename:
        raise _Rejected(400, "Chưa chọn tệp văn bản kế hoạch / choose a plan document")
    name = safe_name(upload.filename)
    if Path(name).suffix.lower() not in SUFFIXES:
        raise _Rejected(415, f"Không nhận tệp “{name}”: chỉ nhận văn bản .txt, .docx hoặc .pdf có chữ; hãy mở bằng "
                             "Word và lưu lại dạng .docx hoặc “Plain Text, UTF-8” / only .txt, .docx or .pdf documents")
    data = await upload.read(MAX_UPLOAD + 1)
    if len(data) > MAX_UPLOAD:
        raise _Rejected(413, TOO_LARGE)
    return name, data


@router.post("/import")
async def import_upload(request: Request, user: UserDep) -> Response:
    try:
        name, data = await _upload(request)
        ctx = web(request)  # the importer runs in a worker process with time and memory limits
        result = await run_in_threadpool(draft_in_worker, ctx.engine, ctx.settings, name=name, data=data)
    except _Rejected as exc:
        return await run_in_threadpool(_page, request, error=exc.message, status_code=exc.status_code)
    except PlanImportError as exc:
        return await run_in_threadpool(_page, request, error=str(exc), status_code=422)
    return await run_in_threadpool(_page, request, draft=to_yaml(result), name=safe_name(name, suffix=".yaml"),
                                   source=name)


def _load(request: Request, user: User, draft: str, name: str) -> Response:
    ctx = web(request)
    try:
        config = load_draft(ctx.engine, text=draft, name=name, user=user, now=ctx.now())
    except ConfigError as exc:
        return _page(request, draft=draft, name=name, problems=exc.problems, status_code=422)
    first = next(iter(config.plans), None)
    return RedirectResponse(f"/plans/{first}?loaded=1" if first else "/plans", status_code=303)


@router.post("/import/load")
async def import_load(request: Request, user: UserDep) -> Response:
    form = await request.form()
    draft, name = form.get("draft"), form.get("name")
    if not isinstance(draft, str) or not draft.strip():
        raise PageError(400, "Bản nháp trống / the draft is empty")
    name = safe_name(name if isinstance(name, str) else "", suffix=".yaml")
    return await run_in_threadpool(_load, request, user, draft.replace("\r\n", "\n"), name)


# --- the review table (kept apart from the upload path above) ---------------------------------------------------

def _table_problems(ctx: WebContext, text: str, name: str) -> list[Problem]:
    """Agencies outside the plan's place; with them, every other problem a load would find (all at once)."""
    view = draft_view(text, name)
    if view is None:
        return []
    with session_scope(ctx.engine, write=False) as session:
        outside = place_problems(view, place_choices(session, view), name)
    if not outside:
        return []
    try:
        with session_scope(ctx.engine, write=False) as session:
            known, policies = frozenset(session.exec(select(Agency.id))), frozenset(session.exec(select(Policy.id)))
        check_draft(text, name, known_agencies=known, known_policies=policies)
    except ConfigError as exc:
        return outside + exc.problems
    return outside


def _review(request: Request, user: User, form: Form, load: bool) -> Response:
    name = safe_name(form.get("name"), suffix=".yaml")
    draft = apply_edits(form.get("draft").replace("\r\n", "\n"), form)
    if not load:
        source = safe_name(form.get("source")) if form.get("source") else ""
        return _page(request, draft=draft, name=name, source=source, saved=True)
    problems = _table_problems(web(request), draft, name)
    if problems:
        return _page(request, draft=draft, name=name, problems=problems, status_code=422)
    return _load(request, user, draft, name)


@router.post("/import/review")
async def import_review(request: Request, user: UserDep) -> Response:
    """The table's edits applied to the draft; "load" then checks and loads it, else the table is shown again."""
    posted = await request.form()
    form = Form([(k, v) for k, v in posted.multi_items() if isinstance(v, str)])
    if not form.get("draft"):
        raise PageError(400, "Bản nháp trống / the draft is empty")
    return await run_in_threadpool(_review, request, user, form, form.get("action") == "load")
