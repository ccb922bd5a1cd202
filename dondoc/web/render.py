"""Server-rendered pages: one Jinja2 environment (autoescape on, strict
undefined) and `page()`, which adds what every template needs."""
from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader, StrictUndefined

from dondoc.engine.calendar import VN_TZ, format_vi
from dondoc.engine.lifecycle import CATEGORY_VI, STATUS_VI
from dondoc.web import labels
from dondoc.web.deps import csrf_for
from dondoc.web.i18n import LANG_COOKIE, pick_lang, translator

SECURITY_HEADERS = {"X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY",
                    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; style-src 'self'; "
                                               "script-src 'self'; frame-ancestors 'none'; form-action 'self'"}
TEMPLATES = Path(__file__).resolve().parent / "templates"


def vi_date(value: date | str | None) -> str:
    if value is None or value == "":
        return ""
    return format_vi(date.fromisoformat(value) if isinstance(value, str) else value)


def vi_datetime(value: datetime | None) -> str:
    if value is None:
        return ""
    return value.astimezone(VN_TZ).strftime("%d/%m/%Y %H:%M")


def percent(value: float | None) -> str:
    return "—" if value is None else f"{round(value * 100)}%"


def safe_url(value: str | None) -> str:
    """Only http(s) links become hrefs (never javascript: and the like)."""
    text = (value or "").strip()
    return text if text.lower().startswith(("http://", "https://")) else ""


def _environment() -> Environment:
    env = Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=True, undefined=StrictUndefined,
                      trim_blocks=True, lstrip_blocks=True)
    env.filters.update(vi_date=vi_date, vi_datetime=vi_datetime, percent=percent, safe_url=safe_url)
    env.globals.update(STATUS_VI={str(k): v for k, v in STATUS_VI.items()},
                       CATEGORY_VI={str(k): v for k, v in CATEGORY_VI.items()}, **labels.ALL)
    return env


templates = Jinja2Templates(env=_environment())


def _relative(request: Request, **params: str) -> str:
    """This page's path and query with `params` set: never an absolute URL, which would follow the Host header."""
    url = request.url.include_query_params(**params)
    return url.path + (f"?{url.query}" if url.query else "")


def page(request: Request, name: str, context: dict[str, Any] | None = None, *, status_code: int = 200) -> HTMLResponse:
    lang, chosen = pick_lang(request)
    base = dict(lang=lang, _=translator(lang), user=getattr(request.state, "user", None), csrf=csrf_for(request),
                lang_url=lambda code: _relative(request, lang=code))
    response = templates.TemplateResponse(request, name, {**base, **(context or {})}, status_code=status_code)
    response.headers.update(SECURITY_HEADERS)
    if chosen:
        response.set_cookie(LANG_COOKIE, lang, max_age=365 * 86400, httponly=True, samesite="lax")
    return response


def render_part(name: str, lang: str, context: dict[str, Any]) -> str:
    """A template rendered on its own (no request: nothing per user in it)."""
    return templates.env.get_template(name).render(lang=lang, _=translator(lang), **context)
