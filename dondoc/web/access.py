"""Revoking and restoring access, shared by `dondoc user|token|agency` and the
admin page: change a password, disable or enable a user, revoke an API token,
revoke an agency's links. Each writes an audit Event; the caller commits."""
from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlmodel import Session

from dondoc.settings import DEMO_PASSWORDS
from dondoc.store.models import Agency
from dondoc.web.access_models import AgencyLinks, WebSession
from dondoc.web.audit import audit
from dondoc.web.models import ApiToken, User
from dondoc.web.security import hash_password, verify_password
from dondoc.web.sessions import end_all
from dondoc.web.users import MIN_PASSWORD, UserError, find_user


@dataclass(frozen=True)
class Actor:
    """Who acts: a web user (kind 'user') or the command line (kind 'cli')."""

    kind: str
    name: str


def _user(session: Session, username: str) -> User:
    user = find_user(session, username)
    if user is None:
        raise UserError(f"Không có người dùng '{username}' / unknown user")
    return user


def set_password(session: Session, *, username: str, password: str, by: Actor, now: datetime) -> int:
    """A new password; every session of the user ends. Returns how many ended."""
    if len(password) < MIN_PASSWORD:
        raise UserError(f"Mật khẩu cần ít nhất {MIN_PASSWORD} ký tự / password needs {MIN_PASSWORD}+ characters")
    user = _user(session, username)
    user.password_hash = hash_password(password)
    ended = end_all(session, user.id, now=now, reason="password")
    audit(session, kind="user_password", actor=by.name, actor_kind=by.kind, now=now,
          note=f"{user.username}: đổi mật khẩu, kết thúc {ended} phiên / password changed, {ended} sessions ended")
    return ended


def set_active(session: Session, *, username: str, active: bool, by: Actor, now: datetime) -> int:
    """Disable (every session ends, tokens stop working) or enable a user."""
    user = _user(session, username)
    before, user.active = user.active, active
    ended = 0 if active else end_all(session, user.id, now=now, reason="disabled")
    audit(session, kind="user_enabled" if active else "user_disabled", actor=by.name, actor_kind=by.kind, now=now,
          before={"user": user.username, "active": before}, after={"user": user.username, "active": active},
          note=f"{ended} phiên kết thúc / sessions ended")
    return ended


def revoke_token(session: Session, *, token_id: int, by: Actor, now: datetime) -> ApiToken:
    row = session.get(ApiToken, token_id)
    if row is None:
        raise UserError(f"Không có mã truy cập #{token_id} / unknown token (dondoc token list)")
    before, row.revoked = row.revoked, True
    audit(session, kind="token_revoked", actor=by.name, actor_kind=by.kind, now=now,
          before={"token": token_id, "revoked": before}, after={"token": token_id, "revoked": True},
          note=row.name)
    return row


def revoke_links(session: Session, *, agency_id: str, by: Actor, now: datetime) -> int:
    """Every link of the agency signed until now stops working (410); returns the new link version.
    `valid_from` uses the signer's clock (itsdangerous stamps links with time.time()), rounded up: a link
    signed within this very second is revoked too."""
    if session.get(Agency, agency_id) is None:
        raise UserError(f"Không có cơ quan '{agency_id}' / unknown agency")
    row = session.get(AgencyLinks, agency_id) or AgencyLinks(agency_id=agency_id)
    row.version, row.valid_from, row.revoked_at = row.version + 1, int(time.time()) + 1, now
    session.add(row)
    audit(session, kind="links_revoked", actor=by.name, actor_kind=by.kind, now=now,
          after={"agency": agency_id, "version": row.version}, note=agency_id)
    return row.version


REVOKED_LINK = ("Liên kết này đã được thu hồi. Vui lòng dùng liên kết trong thư nhắc việc mới nhất hoặc liên hệ cơ "
                "quan đầu mối. / This link has been revoked; please use the link in the latest reminder.")


def link_revoked(session: Session, agency_id: str, signed_at: int) -> bool:
    valid_from = session.execute(select(AgencyLinks.valid_from).where(AgencyLinks.agency_id == agency_id)).scalar()
    return valid_from is not None and signed_at < valid_from


def demo_password_users(session: Session) -> list[str]:
    """Active users whose password is a demo one (refused in production)."""
    users = session.execute(select(User).where(User.active.is_(True))).scalars()
    return [u.username for u in users if any(verify_password(u.password_hash, p) for p in DEMO_PASSWORDS)]


def users_overview(session: Session, *, now: datetime) -> list[dict]:
    """Every user with its open session count and tokens (for `dondoc user list` and the admin page)."""
    q = select(WebSession.user_id, func.count()).where(WebSession.ended_at.is_(None)).group_by(WebSession.user_id)
    open_counts = dict(session.execute(q).tuples().all())
    return [dict(id=u.id, username=u.username, role=u.role, agency=u.agency_id or "", active=u.active,
                 sessions=open_counts.get(u.id, 0), created_at=u.created_at)
            for u in session.execute(select(User).order_by(User.username)).scalars()]


def tokens_overview(session: Session) -> list[dict]:
    q = select(ApiToken, User.username).join(User, User.id == ApiToken.user_id).order_by(ApiToken.id)
    return [dict(id=t.id, user=name, name=t.name, created_at=t.created_at, revoked=t.revoked)
            for t, name in session.execute(q).tuples()]
