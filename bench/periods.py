"""Periods of the recurrences in bench.world, and the escalation state a
sweep on LAST_SWEEP left each due date in (dondoc's own decide(), cached)."""
from __future__ import annotations

import calendar as cal
from datetime import date
from functools import cache

from bench.world import HORIZON, LAST_SWEEP, POLICIES, REPORT_DATES, SPAN, TODAY
from dondoc.engine.calendar import CalendarDecisions, WorkCalendar
from dondoc.engine.escalation import OccurrenceState, Policy, decide

Period = tuple[str, "date | None"]  # (key, due)
CALENDAR = WorkCalendar(CalendarDecisions())
RULES = {pid: Policy.from_config(pid, p["steps"], p["repeat_every"]) for pid, p in POLICIES.items()}


def _month_end(year: int, month: int) -> date:
    return date(year, month, cal.monthrange(year, month)[1])


def _raw(rec: tuple) -> list[Period]:
    years = range(SPAN[0].year, SPAN[1].year + 1)
    kind = rec[0]
    if kind == "month":
        return [(f"{y}-{m:02d}", _month_end(y, m)) for y in years for m in range(1, 13)]
    if kind == "quarter":
        return [(f"{y}-Q{q}", _month_end(y, 3 * q)) for y in years for q in range(1, 5)]
    if kind == "half":
        return [(f"{y}-H{h + 1}", date(y, m, d)) for y in years for h, (d, m) in enumerate(REPORT_DATES)]
    if kind == "year":
        return [(str(y), date(y, rec[2], rec[1])) for y in years]
    if kind == "report":
        d, m = rec[1]
        return [(str(y), date(y, m, d)) for y in years]
    if kind == "deadline":
        return [(rec[1], date.fromisoformat(rec[1]))]
    if kind == "continuous":
        days = sorted({date(y, m, d) for y in years for d, m in REPORT_DATES} | {SPAN[1]})
        return [(d.isoformat(), d) for d in days]
    if kind == "event":
        return [("event", None)]
    raise ValueError(f"unknown recurrence {rec!r}")


@cache
def periods(rec: tuple) -> tuple[tuple[Period, ...], int]:
    """The periods that exist (within the span and dondoc's horizon), and how
    many of them are already past due today."""
    out = tuple(p for p in _raw(rec) if p[1] is None or (SPAN[0] <= p[1] <= SPAN[1] and p[1] <= HORIZON))
    return out, sum(1 for _, due in out if due is not None and due < TODAY)


@cache
def state_after_last_sweep(policy: str, due: date) -> tuple[int, int, date | None, bool]:
    """(last_step, escalation_level, next_check_on, fired) of a fresh
    occurrence swept on LAST_SWEEP."""
    fresh = OccurrenceState(0, due, "not_started", False, 0, -1)
    d = decide(fresh, RULES[policy], today=LAST_SWEEP, calendar=CALENDAR)
    return d.last_step, d.escalation_level, d.next_check_on, d.fired is not None
