"""The FastAPI application: HTML pages (Vietnamese first, no JavaScript
needed) and the JSON API under /api. Settings and the engine come from the
caller; the clock is dondoc.clock unless a test freezes it."""
from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import datetime
from pathlib import Path
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exception_handlers import http_exception_handler, request_validation_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from sqlalchemy.engine import Engine
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.trustedhost import TrustedHostMiddleware

from dondoc import clock as default_clock
from dondoc.settings import Settings
from dondoc.web import (
    api,
    api_agency,
    api_conversation,
    pages_access,
    pages_admin,
    pages_agency,
    pages_auth,
    pages_compiled,
    pages_import,
    pages_plans,
)
from dondoc.web.deps import LoginRequired, PageError, WebContext
from dondoc.web.logs import redact_access_logs, redact_path
from dondoc.web.render import page
from dondoc.web.throttle import LoginThrottle

NOT_FOUND = "Không tìm thấy trang / page not found"
log = logging.getLogger("dondoc.web")
DESCRIPTION = "Theo dõi, đôn đốc thực hiện kế hoạch / plan tracking and follow-up. All paths are under /api."
STATIC = Path(__file__).resolve().parent / "static"


def create_app(settings: Settings, engine: Engine, *, clock: Callable[[], datetime] = default_clock.now) -> FastAPI:
    app = FastAPI(title="dondoc API", version="1", docs_url=None, redoc_url=None, description=DESCRIPTION,
                  lifespan=_lifespan)
    throttle = LoginThrottle(per_account=settings.login_attempts_per_account,
                             per_address=settings.login_attempts_per_address,
                             window_minutes=settings.login_window_minutes)
    app.state.web = WebContext(settings=settings, engine=engine, clock=clock, throttle=throttle)
    app.state.settings, app.state.engine = settings, engine  # for routers outside dondoc.web (GET /health)
    for module in (pages_auth, pages_admin, pages_access, pages_plans, pages_compiled, pages_import, pages_agency, api,
                   api_agency, api_conversation):
        app.include_router(module.router)
    app.include_router(api_conversation.agency_router)  # issue 16: extensions, evidence, indicators, reassignment
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.add_middleware(TrustedHostMiddleware, allowed_hosts=settings.hosts())  # links use DONDOC_BASE_URL only
    _handlers(app)
    redact_access_logs()
    return app


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    redact_access_logs()  # again: uvicorn configures its loggers after the app is built
    yield


def _handlers(app: FastAPI) -> None:
    @app.exception_handler(LoginRequired)
    async def login_required(request: Request, exc: LoginRequired) -> Response:
        return RedirectResponse(f"/login?next={quote(exc.next_url, safe='')}", status_code=303)

    @app.exception_handler(PageError)
    async def page_error(request: Request, exc: PageError) -> Response:
        return page(request, "error.html", dict(status_code=exc.status_code, message=exc.message),
                    status_code=exc.status_code)

    @app.exception_handler(RequestValidationError)
    async def bad_request(request: Request, exc: RequestValidationError) -> Response:
        """The API keeps FastAPI's JSON 422; pages answer their own error page."""
        if request.url.path.startswith("/api"):
            return await request_validation_exception_handler(request, exc)
        errors = exc.errors()
        if any(e.get("loc", ("",))[0] == "path" for e in errors):
            return page(request, "error.html", dict(status_code=404, message=NOT_FOUND), status_code=404)
        fields = ", ".join(sorted({str(e.get("loc", ("", "?"))[-1]) for e in errors}))
        return page(request, "error.html", dict(status_code=400, message=f"Tham số không hợp lệ / invalid "
                                                                          f"parameter: {fields}"), status_code=400)

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> Response:
        """Logged with its traceback on the server; the user sees a page, never the traceback."""
        log.exception("unexpected error on %s %s", request.method, redact_path(request.url.path))
        if request.url.path.startswith("/api"):
            return JSONResponse({"detail": "Lỗi hệ thống / internal error"}, status_code=500)
        return page(request, "error.html", dict(status_code=500, message="Lỗi hệ thống, vui lòng thử lại sau "
                                                                          "/ internal error"), status_code=500)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if request.url.path.startswith("/api") or exc.status_code != 404:
            return await http_exception_handler(request, exc)
        return page(request, "error.html", dict(status_code=404, message=NOT_FOUND), status_code=404)
