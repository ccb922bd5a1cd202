"""Working days in Vietnam (pure).

A `WorkCalendar` knows weekends and Vietnamese public holidays (from the
`holidays` package, Tết included) and does "N working days after" arithmetic.
It never reads the clock: callers pass dates in.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

VN_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
_WEEKDAY_VI = ("thứ Hai", "thứ Ba", "thứ Tư", "thứ Năm", "thứ Sáu", "thứ Bảy", "Chủ nhật")


@lru_cache(maxsize=64)
def _vn_holidays(year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays("VN", years=year).keys())


@dataclass(frozen=True)
class WorkCalendar:
    """Weekends plus Vietnamese public holidays; `extra_holidays` and
    `extra_workdays` carry the government's yearly make-up day decisions."""

    weekend: frozenset[int] = frozenset({5, 6})
    extra_holidays: frozenset[date] = field(default_factory=frozenset)
    extra_workdays: frozenset[date] = field(default_factory=frozenset)

    def is_holiday(self, day: date) -> bool:
        return day in _vn_holidays(day.year) or day in self.extra_holidays

    def is_working_day(self, day: date) -> bool:
        if day in self.extra_workdays:
            return True
        return day.weekday() not in self.weekend and not self.is_holiday(day)

    def add_working_days(self, start: date, n: int) -> date:
        """The n-th working day after `start` (before it when n < 0); n=0 is
        `start` itself when it is a working day, else the next working day."""
        step = 1 if n >= 0 else -1
        day = start
        if n == 0:
            while not self.is_working_day(day):
                day += timedelta(days=1)
            return day
        remaining = abs(n)
        while remaining:
            day += timedelta(days=step)
            if self.is_working_day(day):
                remaining -= 1
        return day

    def working_days_between(self, start: date, end: date) -> int:
        """Working days in (start, end]; negative when end < start."""
        if end < start:
            return -self.working_days_between(end, start)
        return sum(1 for i in range(1, (end - start).days + 1) if self.is_working_day(start + timedelta(days=i)))


def local_date(moment: datetime) -> date:
    """The date in Asia/Ho_Chi_Minh of an aware datetime (naive means UTC)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo("UTC"))
    return moment.astimezone(VN_TZ).date()


def weekday_vi(day: date) -> str:
    return _WEEKDAY_VI[day.weekday()]


def format_vi(day: date | None) -> str:
    """`10/05/2023` — the form Vietnamese documents use."""
    return "" if day is None else day.strftime("%d/%m/%Y")
