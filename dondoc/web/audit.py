"""Audit Events of access control: logins, throttling, sessions, users,
tokens, agency links. One row per act, in the caller's transaction."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import Session

from dondoc.store.models import Event

KINDS = ("login", "login_failed", "login_throttled", "logout", "user_password", "user_disabled", "user_enabled",
         "token_revoked", "links_revoked")


def audit(session: Session, *, kind: str, actor: str, now: datetime, actor_kind: str = "user", note: str = "",
          before: dict[str, Any] | None = None, after: dict[str, Any] | None = None) -> None:
    """Write one Event (`kind` one of KINDS; actor_kind 'user', 'cli' or 'anonymous')."""
    assert kind in KINDS, kind
    session.add(Event(at=now, actor_kind=actor_kind[:10], actor=_printable(actor)[:120], kind=kind,
                      note=_printable(note)[:500], before=before, after=after))


def _printable(text: str) -> str:
    """A name someone typed is recorded as typed, but PostgreSQL refuses NUL in text: written as \\0."""
    return text.replace("\x00", "\\0")
