"""What a plan's rows owe: the one place that turns a stored plan and task
into periods, owners and new occurrences, for the loader and the roll-over
alike (so they cannot disagree on reporting owners or deadlines)."""
from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlmodel import Session

from dondoc.engine.calendar import WorkCalendar
from dondoc.engine.escalation import Policy as PolicyRule
from dondoc.engine.escalation import first_check
from dondoc.engine.reporting import Reporting, report_dates, reporting_owners, reporting_periods
from dondoc.engine.schedule import Period, periods
from dondoc.engine.timeframes import Continuous, Deadline, OnEvent, Recurring, Schedule
from dondoc.store.models import Event, Occurrence, Plan, Policy, Task

NOT_OWED = ("kỳ đã kết thúc trước ngày ban hành kế hoạch, không phải thực hiện / "
            "the period ended before the plan was issued: not owed")


def policy_rule(row: Policy) -> PolicyRule:
    """A stored policy row as the engine's rule (the one conversion)."""
    return PolicyRule.from_config(row.id, row.steps, row.repeat_every)


def rule_for(session: Session, policy_id: str) -> PolicyRule | None:
    row = session.get(Policy, policy_id)
    return None if row is None else policy_rule(row)


def reporting_of(plan: Plan) -> list[Reporting]:
    return [Reporting.of(entry) for entry in plan.reporting]


def report_entry(plan: Plan, task: Task) -> Reporting | None:
    """The reporting entry behind a report task ("BC-<n>": the n-th entry)."""
    entries = reporting_of(plan)
    index = int(task.number.removeprefix("BC-")) - 1 if task.number.startswith("BC-") else -1
    return entries[index] if 0 <= index < len(entries) else None


def report_obligation(plan: Plan, entry: Reporting, task_leads: set[str],
                      calendar: WorkCalendar) -> tuple[list[Period], set[str]]:
    found = reporting_periods(entry, starts_on=plan.starts_on, ends_on=plan.ends_on,
                              is_working_day=calendar.is_working_day)
    return found, reporting_owners(entry, task_leads)


def task_obligation(plan: Plan, task: Task, schedule: Schedule | None) -> list[Period]:
    if task.due is not None:
        return [Period(key="due", due=task.due, fixed=True)]
    if schedule is None:
        return []
    return periods(schedule, starts_on=plan.starts_on, ends_on=plan.ends_on,
                   report_dates=report_dates(reporting_of(plan)))


def owed(plan: Plan, period: Period) -> bool:
    """A period of a recurring duty or a report that ended before the plan was
    issued is not owed; a written deadline is (a wrong one is warned about)."""
    return period.fixed or period.due is None or period.due >= plan.issued_on


def effective_due(plan: Plan, period: Period, calendar: WorkCalendar) -> date | None:
    return calendar.effective_due(period.due, "as_written" if plan.deadline_on_day_off == "as_written"
                                  else "next_working_day")


def new_occurrence(plan: Plan, task: Task, owner: str, period: Period, rule: PolicyRule,
                   calendar: WorkCalendar) -> Occurrence:
    due = effective_due(plan, period, calendar)
    occ = Occurrence(task_id=task.id, plan_id=plan.id, owner_id=owner, period=period.key, due=due,
                     written_due=period.due, on_event=period.on_event, next_check_on=first_check(rule, due, calendar))
    if not owed(plan, period):
        occ.status, occ.next_check_on, occ.note = "waived", None, NOT_OWED
    return occ


def waived_event(occ: Occurrence, *, now: datetime, actor: str) -> Event:
    return Event(at=now, actor_kind="system", actor=actor, kind="occurrence.status", plan_id=occ.plan_id,
                 task_id=occ.task_id, occurrence_id=occ.id, before={"status": None}, after={"status": "waived"},
                 note=NOT_OWED)


def schedule_from_json(parts: list[dict[str, Any]]) -> Schedule:
    """The inverse of the loader's schedule_to_json (used by the roll-over)."""
    kinds = {"Deadline": Deadline, "Recurring": Recurring, "Continuous": Continuous, "OnEvent": OnEvent}
    built = []
    for part in parts:
        fields = {k: v for k, v in part.items() if k != "kind"}
        if "due" in fields:
            fields["due"] = date.fromisoformat(fields["due"])
        built.append(kinds[part["kind"]](**fields))
    return Schedule(tuple(built))
