"""Working days in Vietnam (pure).

A `WorkCalendar` knows weekends, Vietnamese public holidays and the
government's make-up working days (both from the `holidays` package, Tết
included), plus the yearly decisions a coordinator writes in the config's
`calendar:` section (`CalendarDecisions`). It is built once at the edge and
passed down: there is no default calendar, so `WorkCalendar()` does not build.
It never reads the clock: callers pass dates in.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Literal
from zoneinfo import ZoneInfo

import holidays

VN_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
_WEEKDAY_VI = ("thứ Hai", "thứ Ba", "thứ Tư", "thứ Năm", "thứ Sáu", "thứ Bảy", "Chủ nhật")
DayOffRule = Literal["next_working_day", "as_written"]


@lru_cache(maxsize=64)
def _vn_year(year: int) -> tuple[frozenset[date], frozenset[date]]:
    """(days off, make-up working days) of one year, as `holidays` knows them:
    a swapped day off is a holiday there, the Saturday it is made up on a
    `weekend_workdays` entry."""
    found = holidays.country_holidays("VN", years=year)
    return frozenset(found.keys()), frozenset(d for d in found.weekend_workdays if d.year == year)


@dataclass(frozen=True)
class CalendarDecisions:
    """The government's yearly decisions beyond what `holidays` knows (config `calendar:`)."""

    days_off: frozenset[date] = field(default_factory=frozenset)
    working_days: frozenset[date] = field(default_factory=frozenset)


@dataclass(frozen=True)
class WorkCalendar:
    """Weekends plus Vietnamese public holidays, make-up working days and `decisions`."""

    decisions: CalendarDecisions
    weekend: frozenset[int] = frozenset({5, 6})

    def is_holiday(self, day: date) -> bool:
        return day in _vn_year(day.year)[0] or day in self.decisions.days_off

    def is_working_day(self, day: date) -> bool:
        if day in self.decisions.working_days:
            return True
        if self.is_holiday(day):
            return False
        return day.weekday() not in self.weekend or day in _vn_year(day.year)[1]

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

    def effective_due(self, written: date | None, rule: DayOffRule = "next_working_day") -> date | None:
        """A time limit ending on a day off runs to the end of the next working
        day (Civil Code 2015, art. 148.5); a plan may keep it `as_written`."""
        if written is None or rule == "as_written":
            return written
        return self.add_working_days(written, 0)


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
