"""Login and logout. The session lives on the server (dondoc.web.sessions);
the cookie (HttpOnly, SameSite=Lax, Secure behind https) holds only its
signed random token. Failed logins are throttled per account and per client
address (dondoc.web.throttle); every login, failure, refusal and logout
writes an audit Event."""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from dondoc.settings import DEMO_PASSWORDS
from dondoc.store.db import session_scope
from dondoc.web import sessions
from dondoc.web.audit import audit
from dondoc.web.deps import WebContext, csrf_protect, session_user, web
from dondoc.web.render import page
from dondoc.web.security import (
    CSRF_COOKIE,
    SESSION_COOKIE,
    SESSION_MAX_AGE_S,
    dump_login_csrf,
    load_login_csrf,
    new_csrf,
)
from dondoc.web.users import authenticate

router = APIRouter(include_in_schema=False, dependencies=[Depends(csrf_protect)])
WRONG = "Tên đăng nhập hoặc mật khẩu không đúng"


def _safe_next(value: str | None) -> str:
    """Only local paths: never redirect a login to another site."""
    if value and value.startswith("/") and not value.startswith("//") and "\\" not in value:
        return value
    return "/dashboard"


def _cookie(request: Request, response: Response, name: str, value: str) -> None:
    response.set_cookie(name, value, max_age=SESSION_MAX_AGE_S, httponly=True, samesite="lax",
                        secure=web(request).secure_cookies, path="/")


def _login_page(request: Request, *, next_url: str, error: str = "", status_code: int = 200,
                headers: dict[str, str] | None = None) -> Response:
    ctx = web(request)
    token = load_login_csrf(request.cookies.get(CSRF_COOKIE), secret=ctx.secret) or new_csrf()
    response = page(request, "login.html", dict(next=next_url, error=error, csrf=token), status_code=status_code)
    _cookie(request, response, CSRF_COOKIE, dump_login_csrf(token, secret=ctx.secret))
    response.headers.update(headers or {})
    return response


def _address(request: Request) -> str:
    return (request.client.host if request.client else "") or "unknown"


def _wait_text(seconds: int) -> str:
    minutes = max(1, -(-seconds // 60))
    return (f"Đăng nhập sai quá nhiều lần. Vui lòng thử lại sau {minutes} phút "
            f"/ too many failed logins, try again in {minutes} minute{'s' if minutes > 1 else ''}")


@router.get("/login")
def login_form(request: Request, next: str = "/dashboard") -> Response:  # noqa: A002
    if session_user(request) is not None:
        return RedirectResponse(_safe_next(next), status_code=303)
    return _login_page(request, next_url=_safe_next(next))


def _throttled(request: Request, ctx: WebContext, username: str, next_url: str, retry_after: int) -> Response:
    with session_scope(ctx.engine) as session:
        audit(session, kind="login_throttled", actor=username, actor_kind="anonymous", now=ctx.now(),
              note=f"{_address(request)}; retry after {retry_after} s")
    return _login_page(request, next_url=next_url, error=_wait_text(retry_after), status_code=429,
                       headers={"Retry-After": str(retry_after)})


@router.post("/login")
def login(request: Request, username: Annotated[str, Form(max_length=200)] = "",
          password: Annotated[str, Form(max_length=1000)] = "",
          next: Annotated[str, Form(max_length=2000)] = "/dashboard") -> Response:  # noqa: A002
    ctx, address, next_url = web(request), _address(request), _safe_next(next)
    verdict = ctx.throttle.check(username, address) if ctx.throttle else None
    if verdict is not None and not verdict.allowed:
        return _throttled(request, ctx, username, next_url, verdict.retry_after_s)
    demo = ctx.settings.env == "production" and password in DEMO_PASSWORDS  # never a way in, in production
    with session_scope(ctx.engine) as session:
        user = None if demo else authenticate(session, username, password)
        if user is None:
            audit(session, kind="login_failed", actor=username, actor_kind="anonymous", now=ctx.now(), note=address)
        else:
            token, _csrf = sessions.open_session(session, user=user, now=ctx.now(), address=address)
            audit(session, kind="login", actor=user.username, now=ctx.now(), note=address)
    if user is None:
        if ctx.throttle:
            ctx.throttle.failed(username, address)
        return _login_page(request, next_url=next_url, status_code=401, error=WRONG)
    if ctx.throttle:
        ctx.throttle.succeeded(username, address)
    response = RedirectResponse(next_url, status_code=303)
    _cookie(request, response, SESSION_COOKIE, sessions.cookie_value(token, secret=ctx.secret))
    response.delete_cookie(CSRF_COOKIE, path="/")
    return response


@router.post("/logout")
def logout(request: Request) -> Response:
    """Ends the session on the server: the old cookie opens nothing afterwards."""
    ctx = web(request)
    token = sessions.token_of(request.cookies.get(SESSION_COOKIE), secret=ctx.secret)
    user = session_user(request)
    if token:
        with session_scope(ctx.engine) as session:
            if sessions.end(session, token, now=ctx.now()) and user is not None:
                audit(session, kind="logout", actor=user.username, now=ctx.now(), note=_address(request))
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.get("/")
def home() -> Response:
    return RedirectResponse("/dashboard", status_code=303)
