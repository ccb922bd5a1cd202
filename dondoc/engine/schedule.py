"""Occurrence periods of a Schedule within a plan's span (pure).

One Period per thing an agency must deliver: a deadline, each month/quarter/half/year of a
recurring duty, each check-point of a continuous duty, and one open "event" row for on-event
duties. Keys are stable ("2023-06-30", "2023-H1", "2023-Q2", "2023-05", "2023", "event") so a
re-import updates the same occurrence rows. Standard library only; never reads the clock.
"""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta

from dondoc.engine.timeframes import Continuous, Deadline, OnEvent, Part, Recurring, Schedule

ReportDates = tuple[tuple[int, int], ...]  # (day, month) of the plan's reporting regime
_HALVES = {1: range(1, 7), 2: range(7, 13)}
_NO_REPORTS: ReportDates = ((30, 6), (31, 12))


@dataclass(frozen=True)
class Period:
    key: str          # stable within a task: "2023-06-30", "2023-H1", "2023-Q2", "2023-05", "2023", "event"
    due: date | None  # None only for on-event
    on_event: bool = False
    fixed: bool = field(default=False, compare=False)  # a written deadline, not a period of a recurring duty


@dataclass(frozen=True)
class _Span:
    starts_on: date
    ends_on: date

    @property
    def years(self) -> range:
        return range(self.starts_on.year, self.ends_on.year + 1)

    def __contains__(self, day: date) -> bool:
        return self.starts_on <= day <= self.ends_on


def periods(schedule: Schedule, *, starts_on: date, ends_on: date,
            report_dates: ReportDates = ()) -> list[Period]:
    """The periods of `schedule` in [starts_on, ends_on], sorted by due (on-event last), keys unique.

    Deadline: its own date, even outside the span (a mistaken year must still show up).
    Recurring half_year: the fixed day/month in the half that holds that month and six months
    later in the other; else the latest reporting date inside the half; else the half's last day.
    Recurring year: the fixed day/month; else the latest reporting date of the year; else 31/12.
    Several yearly parts with fixed dates ("ngày 15/6 và 15/12 hằng năm") are keyed by their date.
    Recurring quarter/month: the fixed day (in the quarter's last month), else the last day; a
    day past the month's end means its last day ("ngày 31 hằng tháng" -> 28/02).
    Continuous: every reporting date in the span (30/06 and 31/12 without a regime) plus ends_on.
    OnEvent: one Period("event", None, on_event=True).
    If two parts give one key different dues, the earliest due wins. Two periods due the same
    day are one obligation (the annual report is the second half-year's report): the one with
    the shorter key ("2023" before "2023-H2") stands for both.
    Raises ValueError when the span is reversed or a reporting date does not exist every year.
    """
    span = _checked_span(starts_on, ends_on, report_dates)
    dated_years = [p for p in schedule.parts if isinstance(p, Recurring) and p.every == "year" and p.month is not None]
    found = {p for part in schedule.parts for p in _of_part(part, span, report_dates, len(dated_years) > 1)}
    ordered = sorted(found, key=lambda p: (p.due is None, p.due or date.min, p.key))
    unique: dict[str, Period] = {}
    for period in ordered:
        unique.setdefault(period.key, period)
    by_due: dict[date | None, Period] = {}
    for period in sorted(unique.values(), key=lambda p: (len(p.key), p.key)):
        if period.due is None or period.due not in by_due:
            by_due[period.due if period.due is not None else None] = period
    return sorted(by_due.values(), key=lambda p: (p.due is None, p.due or date.min, p.key))


def _checked_span(starts_on: date, ends_on: date, report_dates: ReportDates) -> _Span:
    if ends_on < starts_on:
        raise ValueError(f"Thời gian kế hoạch không hợp lệ: bắt đầu {starts_on:%d/%m/%Y} sau khi kết thúc "
                         f"{ends_on:%d/%m/%Y} / the span starts after it ends")
    for day, month in report_dates:
        try:
            date(2001, month, day)  # 2001 is a common year: 29/02 is refused too
        except ValueError:
            raise ValueError(f"Ngày báo cáo {day}/{month} không có trong mọi năm / "
                             f"reporting date {day}/{month} does not exist every year") from None
    return _Span(starts_on, ends_on)


def _of_part(part: Part, span: _Span, report_dates: ReportDates, dated_keys: bool) -> list[Period]:
    if isinstance(part, Deadline):
        return [Period(part.due.isoformat(), part.due, fixed=True)]
    if isinstance(part, OnEvent):
        return [Period("event", None, on_event=True)]
    if isinstance(part, Continuous):
        return _continuous(span, report_dates or _NO_REPORTS)
    found = [p for p in _recurring(part, span, report_dates) if p.due is not None and p.due in span]
    if dated_keys and part.every == "year" and part.month is not None:  # "15/6 và 15/12 hằng năm": two a year
        return [Period(p.due.isoformat(), p.due) for p in found if p.due is not None]
    return found


def _continuous(span: _Span, report_dates: ReportDates) -> list[Period]:
    days = {date(year, month, day) for year in span.years for day, month in report_dates}
    return [Period(d.isoformat(), d) for d in {*(d for d in days if d in span), span.ends_on}]


def _recurring(part: Recurring, span: _Span, report_dates: ReportDates) -> Iterator[Period]:
    for year in span.years:
        if part.every == "year":
            yield Period(str(year), _year_due(part, year, report_dates))
        elif part.every == "half_year":
            yield from (Period(f"{year}-H{h}", _half_due(part, year, h, report_dates)) for h in _HALVES)
        elif part.every == "quarter":
            yield from (Period(f"{year}-Q{q}", _on(year, 3 * q, part.day)) for q in range(1, 5))
        else:
            yield from (Period(f"{year}-{m:02d}", _on(year, m, part.day)) for m in range(1, 13))


def _year_due(part: Recurring, year: int, report_dates: ReportDates) -> date:
    if part.month is not None:
        return _on(year, part.month, part.day)
    inside = [date(year, month, day) for day, month in report_dates]
    return max(inside, default=date(year, 12, 31))


def _half_due(part: Recurring, year: int, half: int, report_dates: ReportDates) -> date:
    months = _HALVES[half]
    if part.month is not None:
        month = part.month if part.month in months else (part.month + 5) % 12 + 1  # six months on
        return _on(year, month, part.day)
    inside = [date(year, month, day) for day, month in report_dates if month in months]
    return max(inside, default=_on(year, months[-1], None))


def month_end(year: int, month: int) -> date:
    return date(year, 12, 31) if month == 12 else date(year, month + 1, 1) - timedelta(days=1)


def _on(year: int, month: int, day: int | None) -> date:
    """`day` of the month, or its last day when day is None or past the month's end."""
    last = month_end(year, month).day
    return date(year, month, min(day or last, last))


__all__ = ["Period", "ReportDates", "month_end", "periods"]
