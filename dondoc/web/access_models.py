"""Tables of access control (issue 15): server-side web sessions and the
per-agency link revocation. Users and API tokens stay in dondoc.web.models."""
from __future__ import annotations

from datetime import datetime
from typing import Optional

from sqlmodel import Field, SQLModel


class WebSession(SQLModel, table=True):
    """One login. The cookie holds a random token (signed); only its SHA-256
    is stored, so a copy of the database opens no session. A session ends at
    logout, at a password change or a disabled account (every session of the
    user), after `session_idle_minutes` unused and `session_max_hours` after
    login."""

    __tablename__ = "web_session"
    id: str = Field(primary_key=True, max_length=64)
    user_id: int = Field(foreign_key="user.id", index=True)
    csrf: str = Field(max_length=64)
    created_at: datetime
    last_seen_at: datetime
    ended_at: Optional[datetime] = None
    ended_reason: str = Field(default="", max_length=20)  # logout | password | disabled | admin
    address: str = Field(default="", max_length=64)
    password_fp: str = Field(default="", max_length=16)  # the password hash's fingerprint at login


class AgencyLinks(SQLModel, table=True):
    """An agency's link version: `dondoc agency revoke-links` bumps it, and every
    link signed before `valid_from` (Unix seconds, the signer's clock) answers 410."""

    __tablename__ = "agency_links"
    agency_id: str = Field(primary_key=True, foreign_key="agency.id", max_length=120)
    version: int = 0
    valid_from: int = 0
    revoked_at: Optional[datetime] = None
