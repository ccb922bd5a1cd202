"""Users and API tokens in the database: create, authenticate, look up.
Functions take the session and `now`; the caller commits."""
from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, select

from dondoc.store.models import Agency
from dondoc.web.models import ROLES, ApiToken, User
from dondoc.web.security import hash_password, needs_rehash, new_api_token, token_digest, verify_password

MIN_PASSWORD = 10


class UserError(ValueError):
    """Bad input for a user or token; the message is Vietnamese first."""


def create_user(session: Session, *, username: str, password: str, role: str, now: datetime,
                agency_id: str | None = None) -> User:
    username = username.strip()
    if not username or len(username) > 80:
        raise UserError("Tên đăng nhập không hợp lệ / invalid username")
    if role not in ROLES:
        raise UserError(f"Vai trò phải là {' | '.join(ROLES)} / role must be one of {', '.join(ROLES)}")
    if len(password) < MIN_PASSWORD:
        raise UserError(f"Mật khẩu cần ít nhất {MIN_PASSWORD} ký tự / password needs {MIN_PASSWORD}+ characters")
    if agency_id and session.get(Agency, agency_id) is None:
        raise UserError(f"Không có cơ quan '{agency_id}' / unknown agency")
    if find_user(session, username) is not None:
        raise UserError(f"Người dùng '{username}' đã có / user exists")
    user = User(username=username, password_hash=hash_password(password), role=role, agency_id=agency_id,
                created_at=now)
    session.add(user)
    session.flush()
    return user


def find_user(session: Session, username: str) -> User | None:
    if "\x00" in username:  # no name has one, and PostgreSQL refuses it in a query
        return None
    return session.exec(select(User).where(User.username == username.strip())).first()


def authenticate(session: Session, username: str, password: str) -> User | None:
    """The active user with this password, upgrading an outdated hash."""
    user = find_user(session, username)
    ok = verify_password(user.password_hash if user else None, password)
    if user is None or not ok or not user.active:
        return None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return user


def create_token(session: Session, *, username: str, now: datetime, name: str = "") -> str:
    """A new bearer token for `username`; only its digest is stored."""
    user = find_user(session, username)
    if user is None:
        raise UserError(f"Không có người dùng '{username}' / unknown user")
    token = new_api_token()
    session.add(ApiToken(token_hash=token_digest(token), user_id=user.id, name=name, created_at=now))
    session.flush()
    return token


def user_for_token(session: Session, token: str) -> User | None:
    row = session.exec(select(ApiToken).where(ApiToken.token_hash == token_digest(token),
                                              ApiToken.revoked.is_(False))).first()
    user = session.get(User, row.user_id) if row else None
    return user if user is not None and user.active else None
