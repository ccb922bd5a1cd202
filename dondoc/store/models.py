"""SQLModel tables. Schema changes go through Alembic (dondoc/migrations)."""
from __future__ import annotations

from datetime import date, datetime
from typing import Any, Optional

from sqlalchemy import JSON, Column, Index, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from dondoc.engine.lifecycle import OPEN_STATUSES

OPEN_STATUSES_SQL = "status IN (" + ", ".join(f"'{s}'" for s in OPEN_STATUSES) + ")"  # the partial index predicate


def _json(default: Any = None) -> Any:
    return Field(default_factory=lambda: [] if default is None else default, sa_column=Column(JSON, nullable=False))


class Agency(SQLModel, table=True):
    """Cơ quan, đơn vị: any level, any depth; escalation walks up `parent_id`."""

    id: str = Field(primary_key=True, max_length=120)
    name: str
    level: str = Field(max_length=40)
    parent_id: Optional[str] = Field(default=None, foreign_key="agency.id", index=True)
    email: str  # "" = no address yet: the reminders to this agency are held (dondoc.store.held)
    emails: list[str] = _json()
    head_email: Optional[str] = None
    aliases: list[str] = _json()
    language: str = Field(default="vi", max_length=5)
    active: bool = True


class Plan(SQLModel, table=True):
    """Kế hoạch."""

    id: str = Field(primary_key=True, max_length=120)
    number: str
    title: str
    issued_by: str = Field(foreign_key="agency.id")
    issued_on: date
    focal_id: str = Field(foreign_key="agency.id")
    implements: Optional[str] = None
    escalation: str = "default"
    reporting: list[dict] = _json()
    deadline_on_day_off: str = Field(default="next_working_day", max_length=20)
    starts_on: date
    ends_on: date
    source: str = ""
    warnings: list[str] = _json()
    active: bool = True
    extensions_by: str = Field(default="focal", max_length=10)  # who confirms extensions: focal | issuer (0007)


class Task(SQLModel, table=True):
    """Nhiệm vụ of a plan; `kind` 'report' is a reporting obligation (chế độ báo cáo)."""

    __table_args__ = (UniqueConstraint("plan_id", "number", name="uq_task_plan_number"),)
    id: Optional[int] = Field(default=None, primary_key=True)
    plan_id: str = Field(foreign_key="plan.id", index=True)
    number: str
    kind: str = Field(default="task", max_length=10)
    title: str
    text: str = ""
    lead_id: str = Field(foreign_key="agency.id", index=True)
    support: list[str] = _json()
    timeframe: str = ""
    due: Optional[date] = None
    indicators: list[int] = _json()
    schedule: list[dict] = _json()
    warnings: list[str] = _json()
    source: str = ""
    removed: bool = False


class Occurrence(SQLModel, table=True):
    """One period of a task for one owner agency: the tracked unit."""

    __table_args__ = (
        UniqueConstraint("task_id", "owner_id", "period", name="uq_occurrence_period"),
        Index("ix_occurrence_next_check_open", "next_check_on", postgresql_where=text(OPEN_STATUSES_SQL),
              sqlite_where=text(OPEN_STATUSES_SQL)),
        Index("ix_occurrence_owner_status", "owner_id", "status"),
        Index("ix_occurrence_plan_status_due", "plan_id", "status", "due"),
        Index("ix_occurrence_due", "due"),
    )
    id: Optional[int] = Field(default=None, primary_key=True)
    task_id: int = Field(foreign_key="task.id")
    plan_id: str = Field(foreign_key="plan.id")
    owner_id: str = Field(foreign_key="agency.id")
    period: str = Field(max_length=40)
    due: Optional[date] = None  # the effective deadline: `written_due`, or the next working day (art. 148.5)
    written_due: Optional[date] = None  # the deadline as the plan writes it
    on_event: bool = False
    status: str = Field(default="not_started", max_length=20)
    reported_on: Optional[date] = None
    completed_on: Optional[date] = None
    escalation_level: int = 0
    last_step: int = -1
    last_reminded_at: Optional[datetime] = None
    next_check_on: Optional[date] = None
    note: str = ""
    evidence_url: str = ""
    # conversation (migration 0007): the deadline as written before an approved
    # extension (None: never extended, `due` is the written one), and the
    # reviewer's comment kept apart from the agency's own note
    due_as_written: Optional[date] = None
    review_comment: str = ""


class Event(SQLModel, table=True):
    """Append-only audit log: who changed what, before and after."""

    id: Optional[int] = Field(default=None, primary_key=True)
    at: datetime = Field(index=True)
    actor_kind: str = Field(max_length=10)  # agency | user | system
    actor: str = ""
    kind: str = Field(max_length=30)
    plan_id: Optional[str] = Field(default=None, index=True)
    task_id: Optional[int] = Field(default=None, index=True)
    occurrence_id: Optional[int] = Field(default=None, index=True)
    before: Optional[dict] = Field(default=None, sa_column=Column(JSON))
    after: Optional[dict] = Field(default=None, sa_column=Column(JSON))
    note: str = ""


class Policy(SQLModel, table=True):
    """An escalation policy as loaded from config (steps as written, validated)."""

    id: str = Field(primary_key=True, max_length=120)
    steps: list[dict] = _json()
    repeat_every: Optional[str] = None


class AgencyTally(SQLModel, table=True):
    """Per owner agency and plan, the four categories as of `TallyState.as_of`
    (today), kept by dondoc.store.tally so the dashboard does not count 1 M
    rows per request. `overdue_w1`..`overdue_w7`: overdue 1..7 weeks earlier."""

    __tablename__ = "agency_tally"
    owner_id: str = Field(primary_key=True, max_length=120)
    plan_id: str = Field(primary_key=True, max_length=120)
    total: int = 0
    done_on_time: int = 0
    done_late: int = 0
    overdue: int = 0
    awaiting: int = 0
    overdue_w1: int = 0
    overdue_w2: int = 0
    overdue_w3: int = 0
    overdue_w4: int = 0
    overdue_w5: int = 0
    overdue_w6: int = 0
    overdue_w7: int = 0


class TallyState(SQLModel, table=True):
    """One row: the day the tally counts for (None: to be rebuilt), a
    generation bumped by every change the dashboard shows, and a directory
    version bumped by every load (agencies change only through loads)."""

    __tablename__ = "tally_state"
    id: int = Field(default=1, primary_key=True)
    as_of: Optional[date] = None
    generation: int = 0
    directory_version: int = 0
    built_at: Optional[datetime] = None
