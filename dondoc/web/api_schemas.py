"""Shapes of the JSON API (what /openapi.json documents)."""
from __future__ import annotations

from datetime import date, datetime
from typing import Any, Optional

from pydantic import BaseModel, Field

from dondoc.engine.lifecycle import on_time_after_extension, standing_of
from dondoc.store.models import Event, Occurrence, Plan, Task
from dondoc.store.reports import OverdueItem
from dondoc.web.actions import MAX_NOTE, MAX_URL
from dondoc.web.params import EVIDENCE_URL, NO_NUL, StatusName


class PlanOut(BaseModel):
    id: str
    number: str
    title: str
    issued_by: str
    issued_on: date
    focal: str
    implements: Optional[str]
    escalation: str
    starts_on: date
    ends_on: date
    reporting: list[dict[str, Any]]
    warnings: list[str]
    active: bool

    @classmethod
    def of(cls, p: Plan) -> PlanOut:
        return cls(id=p.id, number=p.number, title=p.title, issued_by=p.issued_by, issued_on=p.issued_on,
                   focal=p.focal_id, implements=p.implements, escalation=p.escalation, starts_on=p.starts_on,
                   ends_on=p.ends_on, reporting=p.reporting, warnings=p.warnings, active=p.active)


class TaskOut(BaseModel):
    id: int
    plan: str
    number: str
    kind: str
    title: str
    text: str
    lead: str
    support: list[str]
    timeframe: str
    due: Optional[date]
    indicators: list[int]
    schedule: list[dict[str, Any]]
    warnings: list[str]
    removed: bool

    @classmethod
    def of(cls, t: Task) -> TaskOut:
        return cls(id=t.id, plan=t.plan_id, number=t.number, kind=t.kind, title=t.title, text=t.text, lead=t.lead_id,
                   support=t.support, timeframe=t.timeframe, due=t.due, indicators=t.indicators, schedule=t.schedule,
                   warnings=t.warnings, removed=t.removed)


class OccurrenceOut(BaseModel):
    id: int
    plan: str
    task_id: int
    task: str = Field(description="task number as written in the plan")
    title: str
    owner: str
    period: str
    due: Optional[date] = Field(description="the effective deadline (a day off moves it to the next working day)")
    written_due: Optional[date] = Field(default=None, description="the deadline as the plan writes it")
    on_event: bool
    status: str
    reported_on: Optional[date]
    completed_on: Optional[date]
    escalation_level: int
    note: str
    evidence_url: str
    category: Optional[str] = Field(description="the report category today: the four, or awaiting_confirmation (null if cancelled/waived)")
    days_overdue: int
    due_as_written: Optional[date] = Field(None, description="the deadline as written; `due` is the effective one "
                                                             "(later after an approved extension)")
    extended: bool = Field(False, description="an approved extension moved the deadline")
    on_time_after_extension: bool = Field(False, description="done on time only thanks to an extension")
    review_comment: str = Field("", description="the reviewer's last comment (the agency's own is `note`)")

    @classmethod
    def of(cls, o: Occurrence, t: Task, today: date) -> OccurrenceOut:
        s = standing_of(o, today)
        return cls(id=o.id, plan=o.plan_id, task_id=o.task_id, task=t.number, title=t.title, owner=o.owner_id,
                   period=o.period, due=o.due, written_due=o.written_due, on_event=o.on_event, status=o.status, reported_on=o.reported_on,
                   completed_on=o.completed_on, escalation_level=o.escalation_level, note=o.note,
                   evidence_url=o.evidence_url, category=str(s.category) if s.category else None,
                   days_overdue=s.days_overdue, due_as_written=o.written_due or o.due_as_written or o.due,
                   extended=o.due_as_written is not None, review_comment=o.review_comment,
                   on_time_after_extension=on_time_after_extension(
                       status=o.status, due=o.due, due_as_written=o.due_as_written, completed_on=o.completed_on,
                       as_of=today))


class EventOut(BaseModel):
    id: int
    at: datetime
    actor_kind: str
    actor: str
    kind: str
    before: Optional[dict[str, Any]]
    after: Optional[dict[str, Any]]
    note: str

    @classmethod
    def of(cls, e: Event) -> EventOut:
        return cls(id=e.id, at=e.at, actor_kind=e.actor_kind, actor=e.actor, kind=e.kind, before=e.before,
                   after=e.after, note=e.note)


OverdueItemOut = OverdueItem  # the fields of `dondoc report overdue --format json`, one definition for both


class AgencySummaryOut(BaseModel):
    agency: str
    name: str
    level: str
    counts: dict[str, int]
    on_time_rate: Optional[float]
    oldest_overdue_occurrence: Optional[int]
    oldest_overdue_days: Optional[int]


class SummaryOut(BaseModel):
    as_of: date
    totals: dict[str, int]
    agency_count: int = Field(description="agencies in the view; `agencies` holds `limit` of them from `offset`")
    agencies: list[AgencySummaryOut]
    trend: list[dict[str, Any]]
    late_confirmations: list[dict[str, Any]] = Field(
        default=[], description="per confirming agency: items reported on time, still unconfirmed past the deadline")


class StatusChangeIn(BaseModel):
    status: StatusName = Field(description="agencies may set only in_progress or reported")
    note: str = Field("", max_length=MAX_NOTE, pattern=NO_NUL, description="required to cancel or waive")
    evidence_url: str = Field("", max_length=MAX_URL, pattern=EVIDENCE_URL, description="an http(s) link")


class MeOut(BaseModel):
    username: str
    role: str
    agency: Optional[str]


class ErrorOut(BaseModel):
    detail: str = Field(description="Vietnamese first, then English")


ERROR_TEXT = {400: "Bad request", 413: "File too large", 415: "The file's content is not an accepted type", 401: "Authentication required (bearer token or session)",
              403: "Missing X-CSRF-Token header (session cookie only)", 404: "Not found, or outside your scope",
              409: "Illegal transition, closed item, already decided, or changed meanwhile"}


def errors(*codes: int) -> dict[int | str, dict[str, Any]]:
    """The error answers an endpoint documents, each `{"detail": "..."}`."""
    return {code: {"model": ErrorOut, "description": ERROR_TEXT[code]} for code in codes}
