"""Pydantic models of `config/` YAML (agencies, escalation policies, plans).

Field names keep DESIGN.md's config format; richer keys are optional.
"""
from __future__ import annotations

import re
from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, EmailStr, Field, field_validator, model_validator

from dondoc.config.implementing import ImplementingPlans
from dondoc.engine.offsets import parse_day_month, parse_day_month_year, parse_offset

SLUG = r"^[a-z0-9][a-z0-9-]*$"
_RECIPIENT = re.compile(r"^(lead(\.parent)*(\.head)?|support|focal(\.head)?|issuer(\.head)?|[a-z0-9][a-z0-9-]*)$")


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class AgencyIn(Strict):
    id: str = Field(pattern=SLUG, max_length=120)
    name: str = Field(min_length=1)
    level: str = Field(pattern=r"^[a-z_]+$")
    parent: str | None = None
    email: EmailStr | None = None  # none yet: the agency loads, its reminders are held until one is set
    emails: list[EmailStr] = []
    head_email: EmailStr | None = None
    aliases: list[str] = []
    language: Literal["vi", "en"] = "vi"
    active: bool = True

    @field_validator("email", "head_email", mode="before")
    @classmethod
    def _blank_is_none(cls, v: object) -> object:
        return None if isinstance(v, str) and not v.strip() else v


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
    def _steps_in_order(self) -> PolicyIn:
        offsets = [parse_offset(s.at) for s in self.steps]
        if [o[0] for o in offsets] != sorted(o[0] for o in offsets):
            raise ValueError("các bước phải theo thứ tự thời gian / steps must be in time order")
        return self


Every = Literal["once", "day", "week", "month", "quarter", "6 months", "year"]


class ReportingIn(Strict):
    """A report the plan's regime asks for. `due`: "dd/mm" for a yearly or
    six-monthly report (the first half's date; the second is six months on),
    "dd/mm/yyyy" for a one-off; `day`: day of the month (month, quarter: of its
    last month; week: 1 = Monday .. 7 = Sunday); `time`: "16:00" as written."""

    name: str
    every: Every = "year"
    due: str | None = None
    day: int | None = Field(default=None, ge=1, le=31)
    time: str | None = Field(default=None, pattern=r"^\d{1,2}:\d{2}$")
    from_: str | list[str] = Field(default="leads", alias="from")
    to: str = "focal"

    @model_validator(mode="after")
    def _due_fits_every(self) -> ReportingIn:
        if self.every == "once":
            if self.due is None:
                raise ValueError("báo cáo một lần cần 'due' dạng dd/mm/yyyy / a one-off report needs due: dd/mm/yyyy")
            parse_day_month_year(self.due)
        elif self.every in ("year", "6 months"):
            if self.due is None:
                raise ValueError(f"báo cáo '{self.every}' cần 'due' dạng dd/mm / needs due: dd/mm")
            parse_day_month(self.due)
        elif self.due is not None:
            raise ValueError(f"báo cáo '{self.every}' ghi ngày bằng 'day', không dùng 'due' / use 'day', not 'due'")
        if self.every == "week" and self.day is not None and self.day > 7:
            raise ValueError("báo cáo hằng tuần: 'day' từ 1 (thứ Hai) đến 7 (Chủ nhật) / day 1-7 for a weekly report")
        return self


class CalendarIn(Strict):
    """The government's yearly decisions on days off and make-up working days
    beyond what the `holidays` package knows (e.g. a Tết swap announced late)."""

    days_off: list[date] = []
    working_days: list[date] = []

    @model_validator(mode="after")
    def _disjoint(self) -> CalendarIn:
        both = sorted(set(self.days_off) & set(self.working_days))
        if both:
            raise ValueError(f"ngày {both[0]:%d/%m/%Y} vừa là ngày nghỉ vừa là ngày làm việc / "
                             "a day is both a day off and a working day")
        return self


class PeriodIn(Strict):
    from_: date = Field(alias="from")
    to: date

    @model_validator(mode="after")
    def _ordered(self) -> PeriodIn:
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


class IndicatorIn(Strict):
    """Chỉ tiêu (issue 16): `agencies` as the plan assigns it; when empty, the
    leads of the tasks that name the indicator's number."""

    number: int = Field(ge=1, le=10_000)
    name: str = Field(min_length=1)
    unit: str = ""
    target: float | None = None
    higher_is_better: bool = True
    agencies: list[str] = []


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
    deadline_on_day_off: Literal["next_working_day", "as_written"] = "next_working_day"
    period: PeriodIn | None = None
    default_timeframe: str | None = None
    place: str | None = None
    tasks: list[TaskIn] = []
    implementing_plans: ImplementingPlans = []  # see dondoc.config.implementing
    indicators: list[IndicatorIn] = []  # issue 16
    extensions_by: Literal["focal", "issuer"] = "focal"  # who confirms extension requests (issue 16)

    def span(self) -> tuple[date, date]:
        """The plan's period, else the calendar year it was issued in."""
        if self.period is not None:
            return self.period.from_, self.period.to
        return date(self.issued_on.year, 1, 1), date(self.issued_on.year, 12, 31)


class ConfigFileIn(Strict):
    agencies: list[AgencyIn] = []
    escalation_policies: list[PolicyIn] = []
    plans: list[PlanIn] = []
    calendar: CalendarIn | None = None
