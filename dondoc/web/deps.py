"""Request dependencies of the HTML pages: the app's context, the logged-in
user, CSRF checks, and the exceptions the pages turn into responses."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.engine import Engine

from dondoc.engine.calendar import local_date
from dondoc.settings import Settings
from dondoc.store.db import session_scope
from dondoc.web import sessions
from dondoc.web.models import User
from dondoc.web.overview import Overviews
from dondoc.web.scope import Scope, scope_for
from dondoc.web.security import CSRF_COOKIE, SESSION_COOKIE, SessionData, load_login_csrf, same
from dondoc.web.throttle import LoginThrottle

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


@dataclass(frozen=True)
class WebContext:
    """What every request needs, built once in create_app."""

    settings: Settings
    engine: Engine
    clock: Callable[[], datetime]
    overviews: Overviews = field(default_factory=Overviews, compare=False)
    throttle: LoginThrottle | None = field(default=None, compare=False)

    def now(self) -> datetime:
        return self.clock()

    def today(self) -> date:
        return local_date(self.clock())

    @property
    def secret(self) -> str:
        return self.settings.secret()

    @property
    def life(self) -> sessions.Lifetimes:
        return sessions.Lifetimes(idle=timedelta(minutes=self.settings.session_idle_minutes),
                                  absolute=timedelta(hours=self.settings.session_max_hours))

    @property
    def secure_cookies(self) -> bool:
        return self.settings.base_url.startswith("https://")


class LoginRequired(Exception):
    """No valid session: the page redirects to the login form."""

    def __init__(self, next_url: str) -> None:
        super().__init__(next_url)
        self.next_url = next_url


class PageError(Exception):
    """An error page with a status code and a Vietnamese-first message."""

    def __init__(self, status_code: int, message: str) -> None:
        super().__init__(message)
        self.status_code = status_code
        self.message = message


def web(request: Request) -> WebContext:
    return request.app.state.web


_UNSET = object()


def current_session(request: Request) -> sessions.Open | None:
    """The request's live server-side session (looked up once per request)."""
    cached = getattr(request.state, "dd_session", _UNSET)
    if cached is not _UNSET:
        return cached
    ctx = web(request)
    token = sessions.token_of(request.cookies.get(SESSION_COOKIE), secret=ctx.secret)
    found = None
    if token:
        with session_scope(ctx.engine, write=False) as session:
            found = sessions.find(session, token, now=ctx.now(), life=ctx.life)
        if found is not None and found.stale:
            with session_scope(ctx.engine) as session:
                sessions.touch(session, found.id, now=ctx.now())
    request.state.dd_session = found
    return found


def session_data(request: Request) -> SessionData | None:
    found = current_session(request)
    return SessionData(found.user.id, found.csrf) if found else None


def session_user(request: Request) -> User | None:
    """The user of a live session (not logged out, not idle or too old, its user active)."""
    found = current_session(request)
    return found.user if found else None


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
