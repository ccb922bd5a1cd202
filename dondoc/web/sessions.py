"""Server-side sessions: open at login, looked up on every request, ended
at logout, by a password change or a disabled account, when idle too long
and at an absolute age. Functions take the session and `now`; the caller
commits."""
from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import update
from sqlmodel import Session

from dondoc.web.access_models import WebSession
from dondoc.web.models import User

TOUCH_EVERY = timedelta(seconds=60)  # last_seen_at is written at most once a minute per session


@dataclass(frozen=True)
class Lifetimes:
    idle: timedelta
    absolute: timedelta


@dataclass(frozen=True)
class Open:
    """A live session: its row id, CSRF token and user."""

    id: str
    csrf: str
    user: User
    stale: bool  # last_seen_at older than TOUCH_EVERY


def fingerprint(password_hash: str) -> str:
    return hashlib.sha256(password_hash.encode()).hexdigest()[:16]


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _signer(secret: str) -> URLSafeSerializer:
    return URLSafeSerializer(secret, salt="dondoc.session.v2")


def cookie_value(token: str, *, secret: str) -> str:
    return _signer(secret).dumps(token)


def token_of(cookie: str | None, *, secret: str) -> str | None:
    """The random token in a signed cookie (a forged cookie never reaches the database)."""
    if not cookie:
        return None
    try:
        value = _signer(secret).loads(cookie)
    except BadSignature:
        return None
    return value if isinstance(value, str) else None


def open_session(session: Session, *, user: User, now: datetime, address: str = "") -> tuple[str, str]:
    """A new session for `user`: (token for the cookie, CSRF token)."""
    token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(24)
    session.add(WebSession(id=_digest(token), user_id=user.id, csrf=csrf, created_at=now, last_seen_at=now,
                           address=address[:64], password_fp=fingerprint(user.password_hash)))
    session.flush()
    return token, csrf


def find(session: Session, token: str, *, now: datetime, life: Lifetimes) -> Open | None:
    """The live session of `token` and its active user, or None."""
    row = session.get(WebSession, _digest(token))
    if row is None or row.ended_at is not None:
        return None
    if now - row.last_seen_at > life.idle or now - row.created_at > life.absolute:
        return None
    user = session.get(User, row.user_id)
    if user is None or not user.active or fingerprint(user.password_hash) != row.password_fp:
        return None  # the fingerprint also ends sessions when a password is changed behind our back (SQL)
    return Open(row.id, row.csrf, user, stale=now - row.last_seen_at >= TOUCH_EVERY)


def touch(session: Session, session_id: str, *, now: datetime) -> None:
    session.execute(update(WebSession).where(WebSession.id == session_id, WebSession.ended_at.is_(None))
                    .values(last_seen_at=now))


def end(session: Session, token: str, *, now: datetime, reason: str = "logout") -> bool:
    result = session.execute(update(WebSession).where(WebSession.id == _digest(token), WebSession.ended_at.is_(None))
                             .values(ended_at=now, ended_reason=reason))
    return bool(result.rowcount)


def end_all(session: Session, user_id: int, *, now: datetime, reason: str) -> int:
    """End every open session of a user; how many were open."""
    result = session.execute(update(WebSession).where(WebSession.user_id == user_id, WebSession.ended_at.is_(None))
                             .values(ended_at=now, ended_reason=reason))
    return int(result.rowcount or 0)
