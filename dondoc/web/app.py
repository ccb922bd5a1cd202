"""The FastAPI application: HTML pages (Vietnamese first, no JavaScript
needed) and the JSON API under /api. Settings and the engine come from the
caller; the clock is dondoc.clock unless a test freezes it."""
from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Callable
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.responses import RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from sqlalchemy.engine import Engine
from starlette.exceptions import HTTPException as StarletteHTTPException

from dondoc import clock as default_clock
from dondoc.settings import Settings
from dondoc.web import (api, api_agency, pages_access, pages_admin, pages_agency, pages_auth, pages_import,
                        pages_plans)
from dondoc.web.deps import LoginRequired, PageError, WebContext
from dondoc.web.render import page
from dondoc.web.throttle import LoginThrottle

DESCRIPTION = "Theo dõi, đôn đốc thực hiện kế hoạch / plan tracking and follow-up. All paths are under /api."
STATIC = Path(__file__).resolve().parent / "static"


def create_app(settings: Settings, engine: Engine, *, clock: Callable[[], datetime] = default_clock.now) -> FastAPI:
    app = FastAPI(title="dondoc API", version="1", docs_url=None, redoc_url=None, description=DESCRIPTION)
    throttle = LoginThrottle(per_account=settings.login_attempts_per_account,
                             per_address=settings.login_attempts_per_address,
                             window_minutes=settings.login_window_minutes)
    app.state.web = WebContext(settings=settings, engine=engine, clock=clock, throttle=throttle)
    app.state.settings, app.state.engine = settings, engine  # for routers outside dondoc.web (GET /health)
    for module in (pages_auth, pages_admin, pages_access, pages_plans, pages_import, pages_agency, api, api_agency):
        app.include_router(module.router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    _handlers(app)
    return app


def _handlers(app: FastAPI) -> None:
    @app.exception_handler(LoginRequired)
    async def login_required(request: Request, exc: LoginRequired) -> Response:
        return RedirectResponse(f"/login?next={quote(exc.next_url, safe='')}", status_code=303)

    @app.exception_handler(PageError)
    async def page_error(request: Request, exc: PageError) -> Response:
        return page(request, "error.html", dict(status_code=exc.status_code, message=exc.message),
                    status_code=exc.status_code)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if request.url.path.startswith("/api") or exc.status_code != 404:
            return await http_exception_handler(request, exc)
        return page(request, "error.html", dict(status_code=404, message="Không tìm thấy trang / page not found"),
                    status_code=404)
