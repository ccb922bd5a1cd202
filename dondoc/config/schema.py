"""Pydantic models of `config/` YAML (agencies, escalation policies, plans).

Field names keep DESIGN.md's config format; richer keys are optional.
"""
from __future__ import annotations

import re
from datetime import date
from typing import Literal

from dondoc.engine.offsets import parse_day_month, parse_offset
from pydantic import BaseModel, ConfigDict, EmailStr, Field, field_validator, model_validator

SLUG = r"^[a-z0-9][a-z0-9-]*$"
_RECIPIENT = re.compile(r"^(lead(\.parent)*(\.head)?|support|focal(\.head)?|issuer(\.head)?|[a-z0-9][a-z0-9-]*)$")
LEVELS = ("ministry", "province", "department", "district", "commune", "village", "unit", "board", "office", "group")


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class AgencyIn(Strict):
    id: str = Field(pattern=SLUG, max_length=120)
    name: str = Field(min_length=1)
    level: str = Field(pattern=r"^[a-z_]+$")
    parent: str | None = None
    email: EmailStr
    emails: list[EmailStr] = []
    head_email: EmailStr | None = None
    aliases: list[str] = []
    language: Literal["vi", "en"] = "vi"
    active: bool = True


class StepIn(Strict):
    at: str
    notify: list[str] = Field(min_length=1)
    cc: list[str] = []
    template: Literal["due_soon", "overdue", "escalated"]
    level: int = Field(default=0, ge=0, le=20)

    @field_validator("at")
    @classmethod
    def _valid_offset(cls, v: str) -> str:
        parse_offset(v)
        return v

    @field_validator("notify", "cc")
    @classmethod
    def _valid_recipients(cls, v: list[str]) -> list[str]:
        bad = [r for r in v if not _RECIPIENT.match(r)]
        if bad:
            raise ValueError(f"người nhận không hợp lệ / unknown recipient {bad}: dùng lead, lead.parent, support, focal, issuer hoặc mã cơ quan")
        return v


class PolicyIn(Strict):
    id: str = Field(pattern=SLUG)
    steps: list[StepIn] = Field(min_length=1)
    repeat_every: str | None = None

    @field_validator("repeat_every")
    @classmethod
    def _valid_repeat(cls, v: str | None) -> str | None:
        if v is not None and parse_offset(v)[0] <= 0:
            raise ValueError("repeat_every phải dương / must be positive, e.g. '7 days'")
        return v

    @model_validator(mode="after")
    def _steps_in_order(self) -> "PolicyIn":
        offsets = [parse_offset(s.at) for s in self.steps]
        if [o[0] for o in offsets] != sorted(o[0] for o in offsets):
            raise ValueError("các bước phải theo thứ tự thời gian / steps must be in time order")
        return self


class ReportingIn(Strict):
    """One report of a plan's regime. `due`: "dd/mm" (year, 6 months, quarter), "dd/mm/yyyy" (once); a monthly
    report may give `day` (of the month) and a daily one `time` ("16:00") instead."""

    name: str
    every: Literal["once", "day", "week", "month", "quarter", "6 months", "year"] = "year"
    due: str | None = None
    day: int | None = Field(default=None, ge=1, le=31)
    time: str | None = Field(default=None, pattern=r"^(?:[01]\d|2[0-3]):[0-5]\d$")
    from_: str | list[str] = Field(default="leads", alias="from")
    to: str = "focal"

    @model_validator(mode="after")
    def _valid_due(self) -> ReportingIn:
        if self.every == "once":
            if not self.due or not re.fullmatch(r"\d{1,2}/\d{1,2}/\d{4}", self.due):
                raise ValueError(f"'{self.due}': báo cáo một lần cần ngày đủ dd/mm/yyyy / a one-off report needs dd/mm/yyyy")
            day, month, year = (int(x) for x in self.due.split("/"))
            date(year, month, day)
        elif self.due is not None:
            parse_day_month(self.due)
        elif self.every in ("year", "6 months") or (self.every == "month" and self.day is None) or (
                self.every == "day" and self.time is None):
            raise ValueError("báo cáo cần hạn: due (dd/mm), day (tháng) hoặc time (ngày) / the report needs a due date")
        return self


class PeriodIn(Strict):
    from_: date = Field(alias="from")
    to: date

    @model_validator(mode="after")
    def _ordered(self) -> "PeriodIn":
        if self.to < self.from_:
            raise ValueError("'to' trước 'from' / period ends before it starts")
        return self


class TaskIn(Strict):
    number: str = Field(min_length=1, max_length=40)
    title: str = Field(min_length=1)
    text: str = ""
    lead: str
    support: list[str] = []
    timeframe: str | None = None
    due: date | None = None
    indicators: list[int] = []
    source: str = ""


class PlanIn(Strict):
    id: str = Field(pattern=SLUG, max_length=120)
    number: str
    title: str = Field(min_length=1)
    issued_by: str
    issued_on: date
    focal: str
    implements: str | None = None
    escalation: str = "default"
    reporting: list[ReportingIn] = []
    period: PeriodIn | None = None
    default_timeframe: str | None = None
    place: str | None = None
    tasks: list[TaskIn] = []


class ConfigFileIn(Strict):
    agencies: list[AgencyIn] = []
    escalation_policies: list[PolicyIn] = []
    plans: list[PlanIn] = []
