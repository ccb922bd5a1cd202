"""Tables of the escalation outbox: notifications (idempotency per occurrence,
step and recipient) and the emails they are delivered in."""
from __future__ import annotations

from datetime import datetime
from typing import Optional

from sqlalchemy import JSON, Column, Index, LargeBinary, text
from sqlmodel import Field, SQLModel


class Notification(SQLModel, table=True):
    """One occurrence brought to one recipient's attention by one step.
    `key` = occurrence:step:recipient is unique, so no rerun can queue it twice."""

    __table_args__ = (
        Index("ix_notification_pending", "recipient", "id", postgresql_where=text("email_id IS NULL"),
              sqlite_where=text("email_id IS NULL")),
    )
    id: Optional[int] = Field(default=None, primary_key=True)
    key: str = Field(unique=True, max_length=200)
    occurrence_id: int = Field(foreign_key="occurrence.id", index=True)
    step: int
    recipient: str = Field(max_length=120)  # agency id
    role: str = Field(max_length=4)  # to | cc
    template: str = Field(max_length=30)
    level: int = 0
    reminded_before: bool = False  # an earlier step already reminded this occurrence (false after downtime's first)
    created_at: datetime
    email_id: Optional[int] = Field(default=None, foreign_key="email.id", index=True)


class Email(SQLModel, table=True):
    """An outbox row. `key` is the idempotency key and the Message-ID."""

    __table_args__ = (
        Index("ix_email_ready", "next_attempt_at", postgresql_where=text("status IN ('queued', 'retrying')"),
              sqlite_where=text("status IN ('queued', 'retrying')")),
    )
    id: Optional[int] = Field(default=None, primary_key=True)
    key: str = Field(unique=True, max_length=200)
    kind: str = Field(max_length=30)
    recipient: str = Field(max_length=120)  # agency id, or "admin"
    to_addrs: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    subject: str
    body_text: str
    body_html: str
    raw: Optional[bytes] = Field(default=None, sa_column=Column(LargeBinary, nullable=True))  # the MIME bytes sent
    language: str = Field(default="vi", max_length=5)
    status: str = Field(default="queued", max_length=12, index=True)  # queued|sending|retrying|sent|failed
    attempts: int = 0
    next_attempt_at: datetime
    claimed_by: Optional[str] = None
    claimed_until: Optional[datetime] = None
    last_error: str = ""
    created_at: datetime
    sent_at: Optional[datetime] = None
