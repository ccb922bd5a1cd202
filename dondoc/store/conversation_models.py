"""Tables of the conversation along the chain (migration 0007): extension
requests, reassignment requests, evidence files, indicators and their values.
Decisions are rows with a status, never deletions; every change also writes
an Event (dondoc.store.conversation)."""
from __future__ import annotations

from datetime import date, datetime
from typing import Optional

from sqlalchemy import JSON, Column, Index, UniqueConstraint, text
from sqlmodel import Field, SQLModel

PENDING = "pending"
DECISIONS = ("approved", "refused")


class ExtensionRequest(SQLModel, table=True):
    """Gia hạn: the owner agency asks for a later date; the confirming agency
    (the plan's focal agency, or its issuer where the plan says so) decides."""

    __tablename__ = "extension_request"
    __table_args__ = (
        Index("ix_extension_request_pending", "occurrence_id", unique=True,
              postgresql_where=text("status = 'pending'"), sqlite_where=text("status = 'pending'")),
    )
    id: Optional[int] = Field(default=None, primary_key=True)
    occurrence_id: int = Field(foreign_key="occurrence.id", index=True)
    plan_id: str = Field(foreign_key="plan.id", index=True)
    agency_id: str = Field(foreign_key="agency.id", index=True)  # who asks (the owner)
    confirmer_id: str = Field(foreign_key="agency.id")  # who decides
    due_before: Optional[date] = None  # the effective due when asked
    due_requested: date
    reason: str
    late: bool = False  # asked after the deadline had passed
    status: str = Field(default=PENDING, max_length=10, index=True)  # pending | approved | refused
    created_at: datetime
    decided_at: Optional[datetime] = None
    decided_by: str = ""
    decision_note: str = ""


class ReassignmentRequest(SQLModel, table=True):
    """"Not ours, it is X's": the owner proposes another owner; the coordinator decides."""

    __tablename__ = "reassignment_request"
    __table_args__ = (
        Index("ix_reassignment_request_pending", "occurrence_id", unique=True,
              postgresql_where=text("status = 'pending'"), sqlite_where=text("status = 'pending'")),
    )
    id: Optional[int] = Field(default=None, primary_key=True)
    occurrence_id: int = Field(foreign_key="occurrence.id", index=True)
    plan_id: str = Field(foreign_key="plan.id", index=True)
    from_agency_id: str = Field(foreign_key="agency.id")
    to_agency_id: str = Field(foreign_key="agency.id")
    reason: str
    status: str = Field(default=PENDING, max_length=10, index=True)
    created_at: datetime
    decided_at: Optional[datetime] = None
    decided_by: str = ""
    decision_note: str = ""


class Evidence(SQLModel, table=True):
    """Minh chứng: a file attached to an occurrence, stored once under the
    files directory by its sha256 (the same file twice on one item is one row)."""

    __table_args__ = (UniqueConstraint("occurrence_id", "sha256", name="uq_evidence_occurrence_sha256"),)
    id: Optional[int] = Field(default=None, primary_key=True)
    occurrence_id: int = Field(foreign_key="occurrence.id", index=True)
    sha256: str = Field(max_length=64, index=True)
    size: int
    media_type: str = Field(max_length=120)
    filename: str = Field(max_length=255)
    uploaded_at: datetime
    uploaded_by_kind: str = Field(max_length=10)  # agency | user
    uploaded_by: str = Field(max_length=120)


class Indicator(SQLModel, table=True):
    """Chỉ tiêu of a plan: number, name, unit, target; `agencies` are the
    agencies it is assigned to (from the plan, or the leads of the tasks that
    name the indicator)."""

    __table_args__ = (UniqueConstraint("plan_id", "number", name="uq_indicator_plan_number"),)
    id: Optional[int] = Field(default=None, primary_key=True)
    plan_id: str = Field(foreign_key="plan.id", index=True)
    number: int
    name: str
    unit: str = ""
    target: Optional[float] = None
    higher_is_better: bool = True
    agencies: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))


class IndicatorValue(SQLModel, table=True):
    """One agency's reported value of one indicator for one period (e.g. "2023", "2023-H1")."""

    __tablename__ = "indicator_value"
    __table_args__ = (UniqueConstraint("indicator_id", "agency_id", "period", name="uq_indicator_value_period"),)
    id: Optional[int] = Field(default=None, primary_key=True)
    indicator_id: int = Field(foreign_key="indicator.id", index=True)
    agency_id: str = Field(foreign_key="agency.id", index=True)
    period: str = Field(max_length=20)
    value: float
    note: str = ""
    reported_at: datetime
    reported_by: str = Field(max_length=120)
