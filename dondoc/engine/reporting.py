"""A plan's reporting regime (chế độ báo cáo) -> owners and periods (pure).

The one place where reporting entries become periods and owners: the loader
and the roll-over both call `reporting_periods` and `reporting_owners`, and
the timeframes of continuous/recurring tasks read `report_dates`.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from dondoc.engine.offsets import parse_day_month, parse_day_month_year
from dondoc.engine.schedule import Period, ReportDates, month_end

_WEEKDAY_VI = ("thứ Hai", "thứ Ba", "thứ Tư", "thứ Năm", "thứ Sáu", "thứ Bảy", "Chủ nhật")


@dataclass(frozen=True)
class Reporting:
    name: str
    every: str = "year"         # once | day | week | month | quarter | 6 months | year
    due: str | None = None      # dd/mm (year, 6 months) or dd/mm/yyyy (once)
    day: int | None = None      # month, quarter: day of the (last) month; week: 1 = Monday .. 7
    time: str | None = None
    from_: str | tuple[str, ...] = "leads"
    to: str = "focal"

    @classmethod
    def of(cls, entry: dict[str, Any]) -> Reporting:
        """From a stored (or dumped by alias) reporting entry."""
        sender = entry.get("from", entry.get("from_", "leads"))
        return cls(name=entry["name"], every=entry.get("every") or "year", due=entry.get("due"), day=entry.get("day"),
                   time=entry.get("time"), from_=sender if isinstance(sender, str) else tuple(sender),
                   to=entry.get("to", "focal"))

    def day_months(self) -> tuple[tuple[int, int], ...]:
        """The yearly dates of a yearly or six-monthly report."""
        if self.every not in ("year", "6 months") or self.due is None:
            return ()
        day, month = parse_day_month(self.due)
        if self.every == "year":
            return ((day, month),)
        later = (month + 5) % 12 + 1  # six months on, on the same day or that month's last (31/08 -> 28/02)
        return ((day, month), (min(day, month_end(2001, later).day), later))


def report_dates(entries: Iterable[Reporting]) -> ReportDates:
    """(day, month) of every yearly and six-monthly report, sorted, once each."""
    return tuple(sorted({dm for e in entries for dm in e.day_months()}, key=lambda dm: (dm[1], dm[0])))


def reporting_owners(entry: Reporting, task_leads: Iterable[str]) -> set[str]:
    """Who sends the report: the task leads ("leads"), or the agencies named."""
    if entry.from_ == "leads":
        return set(task_leads)
    return {entry.from_} if isinstance(entry.from_, str) else set(entry.from_)


def reporting_periods(entry: Reporting, *, starts_on: date, ends_on: date,
                      is_working_day: Callable[[date], bool] = lambda d: d.weekday() < 5) -> list[Period]:
    """The periods of one report within [starts_on, ends_on], sorted by due."""
    found = [p for p in _all(entry, starts_on, ends_on, is_working_day) if p.due and starts_on <= p.due <= ends_on]
    return sorted({p.key: p for p in found}.values(), key=lambda p: (p.due, p.key))


def _all(e: Reporting, starts_on: date, ends_on: date, working: Callable[[date], bool]) -> Iterator[Period]:
    years = range(starts_on.year, ends_on.year + 1)
    if e.every == "once":
        due = parse_day_month_year(e.due or "")
        yield Period(due.isoformat(), due)
    elif e.every == "year":
        yield from (Period(str(y), date(y, m, d)) for y in years for d, m in e.day_months())
    elif e.every == "6 months":
        yield from (Period(f"{y}-H{1 if m <= 6 else 2}", date(y, m, d)) for y in years for d, m in e.day_months())
    elif e.every == "quarter":
        yield from (Period(f"{y}-Q{q}", _on(y, 3 * q, e.day)) for y in years for q in range(1, 5))
    elif e.every == "month":
        yield from (Period(f"{y}-{m:02d}", _on(y, m, e.day)) for y in years for m in range(1, 13))
    elif e.every == "week":
        yield from _weeks(starts_on, ends_on, (e.day or 5) - 1)
    else:
        yield from (Period(d.isoformat(), d) for d in _days(starts_on, ends_on) if working(d))


def _on(year: int, month: int, day: int | None) -> date:
    last = month_end(year, month)
    return last if day is None else min(date(year, month, min(day, last.day)), last)


def _days(starts_on: date, ends_on: date) -> Iterator[date]:
    return (starts_on + timedelta(days=i) for i in range((ends_on - starts_on).days + 1))


def _weeks(starts_on: date, ends_on: date, weekday: int) -> Iterator[Period]:
    for day in _days(starts_on, ends_on):
        if day.weekday() == weekday:
            year, week, _ = day.isocalendar()
            yield Period(f"{year}-W{week:02d}", day)


def reporting_timeframe(e: Reporting) -> str:
    """The entry as a Vietnamese timeframe line, for the report's task row."""
    if e.every == "once":
        return f"{e.name} trước ngày {e.due}"
    if e.every in ("year", "6 months"):
        dates = " và ".join(f"{d:02d}/{m:02d}" for d, m in e.day_months())
        return f"{e.name} trước ngày {dates} hằng năm"
    if e.every == "week":
        return f"{e.name} vào {_WEEKDAY_VI[(e.day or 5) - 1]} hằng tuần"
    if e.every == "day":
        return f"{e.name} hằng ngày" + (f" trước {e.time}" if e.time else "")
    unit = {"month": "tháng", "quarter": "quý"}[e.every]
    when = f"ngày {e.day} " if e.day else "ngày cuối "
    return f"{e.name} vào {when}hằng {unit}" if e.every == "month" else f"{e.name} vào {when}tháng cuối quý"


__all__ = ["Reporting", "report_dates", "reporting_owners", "reporting_periods", "reporting_timeframe"]
