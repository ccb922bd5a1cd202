"""Login and logout. The session is a signed cookie (HttpOnly, SameSite=Lax,
Secure behind https) holding the user id, the CSRF token and a fingerprint
of the password hash; it lasts 12 hours."""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from dondoc.store.db import session_scope
from dondoc.web.deps import csrf_protect, session_user, web
from dondoc.web.render import page
from dondoc.web.security import (CSRF_COOKIE, SESSION_COOKIE, SESSION_MAX_AGE_S, SessionData, dump_login_csrf,
                                 dump_session, fingerprint, load_login_csrf, new_csrf)
from dondoc.web.users import authenticate

router = APIRouter(include_in_schema=False, dependencies=[Depends(csrf_protect)])


def _safe_next(value: str | None) -> str:
    """Only local paths: never redirect a login to another site."""
    if value and value.startswith("/") and not value.startswith("//") and "\\" not in value:
        return value
    return "/dashboard"


def _cookie(request: Request, response: Response, name: str, value: str) -> None:
    response.set_cookie(name, value, max_age=SESSION_MAX_AGE_S, httponly=True, samesite="lax",
                        secure=web(request).secure_cookies, path="/")


def _login_page(request: Request, *, next_url: str, error: str = "", status_code: int = 200) -> Response:
    ctx = web(request)
    token = load_login_csrf(request.cookies.get(CSRF_COOKIE), secret=ctx.secret) or new_csrf()
    response = page(request, "login.html", dict(next=next_url, error=error, csrf=token), status_code=status_code)
    _cookie(request, response, CSRF_COOKIE, dump_login_csrf(token, secret=ctx.secret))
    return response


@router.get("/login")
def login_form(request: Request, next: str = "/dashboard") -> Response:  # noqa: A002
    if session_user(request) is not None:
        return RedirectResponse(_safe_next(next), status_code=303)
    return _login_page(request, next_url=_safe_next(next))


@router.post("/login")
def login(request: Request, username: Annotated[str, Form()] = "", password: Annotated[str, Form()] = "",
          next: Annotated[str, Form()] = "/dashboard") -> Response:  # noqa: A002
    ctx = web(request)
    with session_scope(ctx.engine) as session:
        user = authenticate(session, username, password)
        data = SessionData(user.id, new_csrf(), fingerprint(user.password_hash)) if user else None
    if data is None:
        return _login_page(request, next_url=_safe_next(next), status_code=401,
                           error="Tên đăng nhập hoặc mật khẩu không đúng")
    response = RedirectResponse(_safe_next(next), status_code=303)
    _cookie(request, response, SESSION_COOKIE, dump_session(data, secret=ctx.secret))
    response.delete_cookie(CSRF_COOKIE, path="/")
    return response


@router.post("/logout")
def logout() -> Response:
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.get("/")
def home() -> Response:
    return RedirectResponse("/dashboard", status_code=303)
