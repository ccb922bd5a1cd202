"""Tables of the web app (owned by the web issue): users and API tokens.

Agencies have no accounts: they answer through signed links. Users are the
admins (leaders) and the coordinators of the focal agencies.
"""
from __future__ import annotations

from datetime import datetime
from typing import Optional

from sqlmodel import Field, SQLModel

ROLES = ("admin", "coordinator")


class User(SQLModel, table=True):
    """A person who logs in. `password_hash` is argon2id; a coordinator may
    act for one agency (and the plans it or its sub-agencies coordinate)."""

    id: Optional[int] = Field(default=None, primary_key=True)
    username: str = Field(unique=True, max_length=80)
    password_hash: str = Field(max_length=200)
    role: str = Field(max_length=20)  # admin | coordinator
    agency_id: Optional[str] = Field(default=None, foreign_key="agency.id")
    active: bool = True
    created_at: datetime


class ApiToken(SQLModel, table=True):
    """A script's bearer token; only its SHA-256 is stored (the token is
    random and long, so a fast hash is enough)."""

    id: Optional[int] = Field(default=None, primary_key=True)
    token_hash: str = Field(unique=True, max_length=64)
    user_id: int = Field(foreign_key="user.id", index=True)
    name: str = Field(default="", max_length=120)
    created_at: datetime
    revoked: bool = False
