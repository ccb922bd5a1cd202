"""Shapes of the conversation API (extensions, reassignment, evidence, indicators, coordinator actions)."""
from __future__ import annotations

from datetime import date, datetime
from typing import Literal, Optional

from pydantic import BaseModel, Field

from dondoc.store.conversation_models import Evidence, ExtensionRequest, ReassignmentRequest
from dondoc.store.errors import MAX_NOTE
from dondoc.store.indicators import Attainment
from dondoc.web.params import NO_NUL, IsoDate

Note = Field("", max_length=MAX_NOTE, pattern=NO_NUL)


class ExtensionRequestIn(BaseModel):
    due: IsoDate = Field(description="the new date asked for, YYYY-MM-DD")
    reason: str = Field(max_length=MAX_NOTE, pattern=NO_NUL, description="required")


class DecisionIn(BaseModel):
    note: str = Field("", max_length=MAX_NOTE, pattern=NO_NUL, description="required to refuse")


class ExtensionRequestOut(BaseModel):
    id: int
    occurrence_id: int
    plan: str
    agency: str
    confirmer: str = Field(description="the agency that decides (focal, or issuer where the plan says so)")
    due_before: Optional[date]
    due: date = Field(description="the date asked for")
    reason: str
    late: bool = Field(description="asked after the deadline had passed")
    status: Literal["pending", "approved", "refused"]
    created_at: datetime
    decided_at: Optional[datetime]
    decided_by: str
    note: str

    @classmethod
    def of(cls, r: ExtensionRequest) -> "ExtensionRequestOut":
        return cls(id=r.id, occurrence_id=r.occurrence_id, plan=r.plan_id, agency=r.agency_id, confirmer=r.confirmer_id,
                   due_before=r.due_before, due=r.due_requested, reason=r.reason, late=r.late, status=r.status,
                   created_at=r.created_at, decided_at=r.decided_at, decided_by=r.decided_by, note=r.decision_note)


class ReassignmentRequestIn(BaseModel):
    to: str = Field(max_length=120, pattern=NO_NUL, description="the agency id proposed as owner")
    reason: str = Field(max_length=MAX_NOTE, pattern=NO_NUL, description="required")


class ReassignmentRequestOut(BaseModel):
    id: int
    occurrence_id: int
    plan: str
    from_agency: str
    to_agency: str
    reason: str
    status: Literal["pending", "approved", "refused"]
    created_at: datetime
    decided_at: Optional[datetime]
    decided_by: str
    note: str

    @classmethod
    def of(cls, r: ReassignmentRequest) -> "ReassignmentRequestOut":
        return cls(id=r.id, occurrence_id=r.occurrence_id, plan=r.plan_id, from_agency=r.from_agency_id,
                   to_agency=r.to_agency_id, reason=r.reason, status=r.status, created_at=r.created_at,
                   decided_at=r.decided_at, decided_by=r.decided_by, note=r.decision_note)


class EvidenceOut(BaseModel):
    id: int
    occurrence_id: int
    sha256: str
    size: int
    media_type: str = Field(description="as read from the content, not from the name")
    filename: str
    uploaded_at: datetime
    uploaded_by: str

    @classmethod
    def of(cls, e: Evidence) -> "EvidenceOut":
        return cls(id=e.id, occurrence_id=e.occurrence_id, sha256=e.sha256, size=e.size, media_type=e.media_type,
                   filename=e.filename, uploaded_at=e.uploaded_at, uploaded_by=f"{e.uploaded_by_kind}:{e.uploaded_by}")


class IndicatorValueIn(BaseModel):
    period: str = Field(max_length=20, pattern=NO_NUL, description="2023, 2023-H1, 2023-Q1 or 2023-06")
    value: float = Field(allow_inf_nan=False, ge=-1e12, le=1e12)
    note: str = Note


class AttainmentOut(BaseModel):
    plan: str
    indicator_id: int
    number: int
    name: str
    unit: str
    target: Optional[float]
    agency: str
    period: Optional[str]
    value: Optional[float]
    attainment: Optional[float] = Field(description="value against target (1.0 = attained)")

    @classmethod
    def of(cls, a: Attainment) -> "AttainmentOut":
        return cls(plan=a.plan_id, indicator_id=a.indicator_id, number=a.number, name=a.name, unit=a.unit, target=a.target, agency=a.agency_id,
                   period=a.period, value=a.value, attainment=a.ratio)


class CoordinatorActionIn(BaseModel):
    action: Literal["waive", "cancel", "extend", "lead", "timeframe", "resend_link"]
    reason: str = Field(max_length=MAX_NOTE, pattern=NO_NUL, description="required")
    due: Optional[IsoDate] = Field(None, description="extend, timeframe: the new date")
    lead: str = Field("", max_length=120, pattern=NO_NUL, description="lead: the new lead agency id")
    timeframe: str = Field("", max_length=300, pattern=NO_NUL, description="timeframe: the phrase as written")


class ReviewIn(BaseModel):
    action: Literal["confirm", "send_back"]
    comment: str = Field("", max_length=MAX_NOTE, pattern=NO_NUL, description="required to send back")


class HistoryOut(BaseModel):
    at: datetime
    kind: str
    occurrence_id: Optional[int]
    task: Optional[str]
    title: Optional[str]
    actor: str
    note: str
