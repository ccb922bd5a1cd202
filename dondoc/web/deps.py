"""Request dependencies of the HTML pages: the app's context, the logged-in
user, CSRF checks, and the exceptions the pages turn into responses."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Annotated, Callable

from fastapi import Depends, Request
from sqlalchemy.engine import Engine

from dondoc.engine.calendar import local_date
from dondoc.store.db import session_scope
from dondoc.settings import Settings
from dondoc.web.models import User
from dondoc.web.overview import Overviews
from dondoc.web.scope import Scope, scope_for
from dondoc.web.security import (CSRF_COOKIE, SESSION_COOKIE, SessionData, fingerprint, load_login_csrf,
                                 load_session, same)

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


@dataclass(frozen=True)
class WebContext:
    """What every request needs, built once in create_app."""

    settings: Settings
    engine: Engine
    clock: Callable[[], datetime]
    overviews: Overviews = field(default_factory=Overviews, compare=False)

    def now(self) -> datetime:
        return self.clock()

    def today(self) -> date:
        return local_date(self.clock())

    @property
    def secret(self) -> str:
        return self.settings.secret()

    @property
    def secure_cookies(self) -> bool:
        return self.settings.base_url.startswith("https://")


class LoginRequired(Exception):
    """No valid session: the page redirects to the login form."""

    def __init__(self, next_url: str):
        super().__init__(next_url)
        self.next_url = next_url


class PageError(Exception):
    """An error page with a status code and a Vietnamese-first message."""

    def __init__(self, status_code: int, message: str):
        super().__init__(message)
        self.status_code = status_code
        self.message = message


def web(request: Request) -> WebContext:
    return request.app.state.web


def session_data(request: Request) -> SessionData | None:
    return load_session(request.cookies.get(SESSION_COOKIE), secret=web(request).secret)


def session_user(request: Request) -> User | None:
    """The user of a valid, unexpired session whose password has not changed."""
    data = session_data(request)
    if data is None:
        return None
    with session_scope(web(request).engine, write=False) as session:
        user = session.get(User, data.user_id)
    if user is None or not user.active or fingerprint(user.password_hash) != data.fingerprint:
        return None
    return user


def csrf_for(request: Request) -> str:
    """The CSRF token forms must carry: the session's, or before login the
    token of the signed login cookie."""
    data = session_data(request)
    if data is not None:
        return data.csrf
    return load_login_csrf(request.cookies.get(CSRF_COOKIE), secret=web(request).secret) or ""


async def csrf_protect(request: Request) -> None:
    """Router-wide: every unsafe request must carry the form field `csrf`."""
    if request.method in SAFE_METHODS:
        return
    form = await request.form()
    if not same(str(form.get("csrf") or ""), csrf_for(request)):
        raise PageError(403, "Yêu cầu không hợp lệ hoặc phiên đã hết hạn, vui lòng tải lại trang "
                             "/ invalid or expired form (CSRF)")


def current_user(request: Request) -> User:
    user = session_user(request)
    if user is None:
        raise LoginRequired(request.url.path + (f"?{request.url.query}" if request.url.query else ""))
    request.state.user = user
    return user


def require_admin(user: Annotated[User, Depends(current_user)]) -> User:
    if user.role != "admin":
        raise PageError(403, "Chỉ quản trị viên được xem trang này / admins only")
    return user


def user_scope(request: Request, user: Annotated[User, Depends(current_user)]) -> Scope:
    with session_scope(web(request).engine, write=False) as session:
        return scope_for(session, user)


UserDep = Annotated[User, Depends(current_user)]
AdminDep = Annotated[User, Depends(require_admin)]
ScopeDep = Annotated[Scope, Depends(user_scope)]
