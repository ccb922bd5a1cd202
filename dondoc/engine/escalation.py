"""Escalation decisions (pure): occurrence + policy + today + calendar -> what fires.

Contracts: a step fires at most once per occurrence (indices only grow);
the escalation level never goes down while open; nothing fires for reported,
done, cancelled, waived or on-event occurrences; after downtime only the
latest step that applies today fires; `decide()` never reads the clock.
Repeats (`repeat_every` after the last step) are numbered after the steps.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from typing import Any

from dondoc.engine.calendar import WorkCalendar
from dondoc.engine.offsets import parse_offset

ACTIVE = frozenset({"not_started", "in_progress"})


@dataclass(frozen=True)
class Step:
    offset: int
    working: bool
    notify: tuple[str, ...]
    cc: tuple[str, ...]
    template: str
    level: int


@dataclass(frozen=True)
class Policy:
    id: str
    steps: tuple[Step, ...]
    repeat_days: int | None = None

    @classmethod
    def from_config(cls, policy_id: str, steps: list[dict[str, Any]], repeat_every: str | None) -> Policy:
        built = []
        for s in steps:
            n, working = parse_offset(s["at"])
            built.append(Step(n, working, tuple(s["notify"]), tuple(s.get("cc", ())), s["template"], int(s.get("level", 0))))
        return cls(policy_id, tuple(built), parse_offset(repeat_every)[0] if repeat_every else None)


@dataclass(frozen=True)
class OccurrenceState:
    id: int
    due: date | None
    status: str
    on_event: bool
    escalation_level: int
    last_step: int


@dataclass(frozen=True)
class Fired:
    index: int
    step: Step
    on: date  # the day this step was scheduled for


@dataclass(frozen=True)
class Decision:
    fired: Fired | None
    escalation_level: int
    last_step: int
    next_check_on: date | None


def step_for(policy: Policy, index: int) -> Step:
    return policy.steps[min(index, len(policy.steps) - 1)]


@lru_cache(maxsize=65536)
def step_dates(policy: Policy, due: date, calendar: WorkCalendar) -> tuple[date, ...]:
    """The days of the policy's steps for one due date (memoised: a national
    sweep meets the same few hundred due dates a million times)."""
    return tuple(calendar.add_working_days(due, s.offset) if s.working else due + timedelta(days=s.offset)
                 for s in policy.steps)


def step_date(policy: Policy, index: int, due: date, calendar: WorkCalendar) -> date | None:
    """The day step `index` is scheduled for; None past the last step without repeats."""
    days = step_dates(policy, due, calendar)
    if index < len(days):
        return days[index]
    if policy.repeat_days is None:
        return None
    return days[-1] + timedelta(days=policy.repeat_days * (index - len(days) + 1))


def latest_due_index(policy: Policy, due: date, today: date, calendar: WorkCalendar) -> int:
    """The highest step index whose day is <= today (-1 if none yet)."""
    days = step_dates(policy, due, calendar)
    latest = -1
    for i, day in enumerate(days):
        if day <= today:
            latest = i
    if latest == len(days) - 1 and policy.repeat_days:
        latest += (today - days[-1]).days // policy.repeat_days
    return latest


def decide(occ: OccurrenceState, policy: Policy, *, today: date, calendar: WorkCalendar) -> Decision:
    """What fires for one occurrence today, and the next day to look at it."""
    if occ.status not in ACTIVE or occ.on_event or occ.due is None:
        return Decision(None, occ.escalation_level, occ.last_step, None)
    latest = latest_due_index(policy, occ.due, today, calendar)
    fired = None
    last_step, level = occ.last_step, occ.escalation_level
    if latest > occ.last_step:
        step = step_for(policy, latest)
        on = step_date(policy, latest, occ.due, calendar)
        assert on is not None
        fired = Fired(latest, step, on)
        last_step, level = latest, max(level, step.level)
    return Decision(fired, level, last_step, step_date(policy, last_step + 1, occ.due, calendar))


def first_check(policy: Policy, due: date | None, calendar: WorkCalendar) -> date | None:
    """When a fresh occurrence first needs looking at."""
    return None if due is None else step_date(policy, 0, due, calendar)
