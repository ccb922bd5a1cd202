"""Shapes of the conversation API (extensions, reassignment, evidence, indicators, coordinator actions)."""
from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal, Optional, Union

from pydantic import BaseModel, BeforeValidator, Field

from dondoc.store.conversation_models import Evidence, ExtensionRequest, ReassignmentRequest
from dondoc.store.errors import MAX_NOTE
from dondoc.store.indicators import Attainment
from dondoc.web.params import NO_NUL, iso_date


def _json_date(value: object) -> object:
    """A date in a JSON body is a "YYYY-MM-DD" string, never a number (pydantic would read 0 as 1970-01-01)."""
    if not isinstance(value, str):
        raise ValueError("cần chuỗi YYYY-MM-DD / expected a YYYY-MM-DD string")
    return iso_date(value)


IsoDate = Annotated[date, BeforeValidator(_json_date)]

Note = Field("", max_length=MAX_NOTE, pattern=NO_NUL)
# at least one character that is not space to Python's str.strip() (which also strips \x1c-\x1f and \x85)
NON_BLANK = r"^[^\x00]*[^\s\x00\x1c-\x1f\x85][^\x00]*$"
PERIOD = r"^[0-9]{4}(-(H[12]|Q[1-4]|0[1-9]|1[0-2]))?$"


def required_text(description: str, limit: int = MAX_NOTE):  # noqa: ANN201
    return Field(min_length=1, max_length=limit, pattern=NON_BLANK, description=description)


class ExtensionRequestIn(BaseModel):
    due: IsoDate = Field(description="the new date asked for, YYYY-MM-DD")
    reason: str = required_text("why more time is needed")


class DecisionIn(BaseModel):
    note: str = Field("", max_length=MAX_NOTE, pattern=NO_NUL, description="optional")


class RefusalIn(BaseModel):
    note: str = required_text("why the request is refused")


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
    def of(cls, r: ExtensionRequest) -> ExtensionRequestOut:
        return cls(id=r.id, occurrence_id=r.occurrence_id, plan=r.plan_id, agency=r.agency_id, confirmer=r.confirmer_id,
                   due_before=r.due_before, due=r.due_requested, reason=r.reason, late=r.late, status=r.status,
                   created_at=r.created_at, decided_at=r.decided_at, decided_by=r.decided_by, note=r.decision_note)


class ReassignmentRequestIn(BaseModel):
    to: str = Field(max_length=120, pattern=NO_NUL, description="the agency id proposed as owner")
    reason: str = required_text("why the task is another agency's")


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
    def of(cls, r: ReassignmentRequest) -> ReassignmentRequestOut:
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
    def of(cls, e: Evidence) -> EvidenceOut:
        return cls(id=e.id, occurrence_id=e.occurrence_id, sha256=e.sha256, size=e.size, media_type=e.media_type,
                   filename=e.filename, uploaded_at=e.uploaded_at, uploaded_by=f"{e.uploaded_by_kind}:{e.uploaded_by}")


class IndicatorValueIn(BaseModel):
    period: str = Field(pattern=PERIOD, description="2023, 2023-H1, 2023-Q1 or 2023-06")
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
    def of(cls, a: Attainment) -> AttainmentOut:
        return cls(plan=a.plan_id, indicator_id=a.indicator_id, number=a.number, name=a.name, unit=a.unit, target=a.target, agency=a.agency_id,
                   period=a.period, value=a.value, attainment=a.ratio)


class PlainActionIn(BaseModel):
    action: Literal["waive", "cancel", "resend_link"]
    reason: str = required_text("why (written to the Event)")


class ExtendIn(BaseModel):
    action: Literal["extend"]
    reason: str = required_text("why (written to the Event)")
    due: IsoDate = Field(description="the new effective deadline")


class LeadIn(BaseModel):
    action: Literal["lead"]
    reason: str = required_text("why (written to the Event)")
    lead: str = Field(min_length=1, max_length=120, pattern=NO_NUL, description="the task's new lead agency id")


class TimeframeIn(BaseModel):
    action: Literal["timeframe"]
    reason: str = required_text("why (written to the Event)")
    due: IsoDate = Field(description="the task's new written deadline")
    timeframe: str = Field("", max_length=300, pattern=NO_NUL, description="the phrase as written")


CoordinatorActionIn = Annotated[Union[PlainActionIn, ExtendIn, LeadIn, TimeframeIn], Field(discriminator="action")]


class ConfirmIn(BaseModel):
    action: Literal["confirm"]
    comment: str = Field("", max_length=MAX_NOTE, pattern=NO_NUL, description="optional")


class SendBackIn(BaseModel):
    action: Literal["send_back"]
    comment: str = required_text("what is missing (emailed to the agency)")


ReviewIn = Annotated[Union[ConfirmIn, SendBackIn], Field(discriminator="action")]


class AgencyStatusIn(BaseModel):
    status: str = Field(max_length=20, pattern=NO_NUL, description="in_progress or reported (done, to be confirmed)")
    note: str = required_text("progress, or for a completion its result")
    evidence_url: str = Field("", max_length=500, pattern=r"^([hH][tT][tT][pP][sS]?://[^\s\x1c-\x1f\x00]*)?$",
                              description="an http(s) link")


class HistoryOut(BaseModel):
    at: datetime
    kind: str
    occurrence_id: Optional[int]
    task: Optional[str]
    title: Optional[str]
    actor: str
    note: str
