"""Apply a checked `Config` to the database in one transaction.

Reloading the same files changes nothing; an edited task is updated with an
Event; a task missing from its plan's file is marked removed and its open
occurrences cancelled, never deleted. Occurrences are created for every period
due within the horizon (the roll-over job extends it later).
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlmodel import Session, select

from dondoc.config.reader import Config, plan_span
from dondoc.config.schema import AgencyIn, PlanIn, PolicyIn, TaskIn
from dondoc.engine.calendar import WorkCalendar, local_date
from dondoc.engine.escalation import Policy as PolicyRule
from dondoc.engine.escalation import first_check
from dondoc.engine.lifecycle import OPEN_STATUSES as OPEN
from dondoc.engine.reporting import Reporting, reporting_timeframe
from dondoc.engine.schedule import Period
from dondoc.engine.timeframes import Schedule
from dondoc.store import implementing, tally
from dondoc.store.calendar_days import calendar_of, save_decisions
from dondoc.store.indicators import sync_indicators
from dondoc.store.models import Agency, Event, Occurrence, Plan, Policy, Task
from dondoc.store.obligations import (
    effective_due,
    new_occurrence,
    policy_rule,
    report_obligation,
    schedule_from_json,
    task_obligation,
    waived_event,
)

HORIZON = timedelta(days=400)
__all__ = ["HORIZON", "LoadResult", "apply_config", "schedule_from_json", "schedule_to_json"]


@dataclass
class LoadResult:
    counts: dict[str, int] = field(default_factory=dict)

    def add(self, key: str, n: int = 1) -> None:
        self.counts[key] = self.counts.get(key, 0) + n


@dataclass
class _Ctx:
    session: Session
    now: datetime
    actor: str
    calendar: WorkCalendar
    result: LoadResult

    def event(self, kind: str, *, before: Any = None, after: Any = None, note: str = "", **ids: Any) -> None:
        self.session.add(Event(at=self.now, actor_kind="system", actor=self.actor, kind=kind,
                               before=before, after=after, note=note, **ids))


def apply_config(session: Session, config: Config, *, now: datetime, calendar: WorkCalendar,
                 actor: str = "config") -> LoadResult:
    """Write agencies, policies, plans, tasks and occurrences; caller commits."""
    ctx = _Ctx(session, now, actor, calendar, LoadResult())
    if config.calendar is not None and save_decisions(session, config.calendar):
        session.flush()
        ctx.calendar = replace(calendar, decisions=calendar_of(session).decisions)
        ctx.result.add("calendar_updated")
    for loc in _parents_first(config):
        _upsert_agency(ctx, loc.item)
    session.flush()
    for loc in config.policies.values():
        _upsert_policy(ctx, loc.item)
    session.flush()
    for loc in config.plans.values():
        _apply_plan(ctx, loc.item, config)
    if ctx.result.counts:
        tally.invalidate(session)
    return ctx.result


def _parents_first(config: Config) -> list:
    order, done = [], set()

    def visit(agency_id: str) -> None:
        loc = config.agencies.get(agency_id)
        if loc is None or agency_id in done:
            return
        done.add(agency_id)
        if loc.item.parent:
            visit(loc.item.parent)
        order.append(loc)

    for agency_id in config.agencies:
        visit(agency_id)
    return order


def _diff(row: Any, values: dict[str, Any]) -> tuple[dict, dict]:
    before, after = {}, {}
    for key, value in values.items():
        old = getattr(row, key)
        if old != value:
            before[key], after[key] = _jsonable(old), _jsonable(value)
    return before, after


def _jsonable(value: Any) -> Any:
    return value.isoformat() if isinstance(value, (date, datetime)) else value


def _upsert(ctx: _Ctx, model: type, key: Any, values: dict[str, Any], kind: str, **ids: Any) -> tuple[Any, bool]:
    row = ctx.session.get(model, key)
    if row is None:
        row = model(**values)
        ctx.session.add(row)
        ctx.result.add(f"{kind}_created")
        return row, True
    before, after = _diff(row, values)
    if after:
        for k in after:
            setattr(row, k, values[k])
        ctx.event(f"{kind}.updated", before=before, after=after, **ids)
        ctx.result.add(f"{kind}_updated")
    return row, False


def _upsert_agency(ctx: _Ctx, a: AgencyIn) -> None:
    values = dict(id=a.id, name=a.name, level=a.level, parent_id=a.parent, email=str(a.email) if a.email else "",
                  emails=[str(e) for e in a.emails], head_email=str(a.head_email) if a.head_email else None,
                  aliases=list(a.aliases), language=a.language, active=a.active)
    _, created = _upsert(ctx, Agency, a.id, values, "agency")
    if created:
        ctx.event("agency.created", after={"id": a.id, "name": a.name})


def _upsert_policy(ctx: _Ctx, p: PolicyIn) -> None:
    steps = [s.model_dump() for s in p.steps]
    _upsert(ctx, Policy, p.id, dict(id=p.id, steps=steps, repeat_every=p.repeat_every), "policy")


def _plan_values(p: PlanIn, warnings: list[str]) -> dict[str, Any]:
    starts, ends = plan_span(p)
    return dict(id=p.id, number=p.number, title=p.title, issued_by=p.issued_by, issued_on=p.issued_on,
                focal_id=p.focal, implements=p.implements, escalation=p.escalation,
                reporting=[r.model_dump(by_alias=True, exclude_none=True) for r in p.reporting],
                deadline_on_day_off=p.deadline_on_day_off, starts_on=starts, ends_on=ends,
                warnings=warnings, active=True, extensions_by=p.extensions_by)


def _apply_plan(ctx: _Ctx, p: PlanIn, config: Config) -> None:
    warnings = [w.message for w in config.warnings if w.file == config.plans[p.id].file]
    plan, created = _upsert(ctx, Plan, p.id, _plan_values(p, warnings), "plan", plan_id=p.id)
    plan.source = Path(config.plans[p.id].file).name
    if created:
        ctx.event("plan.created", after={"id": p.id, "number": p.number}, plan_id=p.id)
    ctx.session.flush()
    rule = policy_rule(ctx.session.get(Policy, p.escalation))
    wanted: set[str] = set()
    for t in p.tasks:
        schedule = config.schedules.get((p.id, t.number))
        task = _upsert_task(ctx, plan, t, schedule)
        wanted.add(t.number)
        _sync_occurrences(ctx, plan, task, task_obligation(plan, task, schedule), {task.lead_id}, rule)
    for i, entry in enumerate(Reporting.of(r) for r in plan.reporting):
        number = f"BC-{i + 1}"
        wanted.add(number)
        task = _upsert_report_task(ctx, plan, number, entry)
        found, owners = report_obligation(plan, entry, {t.lead for t in p.tasks}, ctx.calendar)
        _sync_occurrences(ctx, plan, task, found, owners, rule)
    wanted |= implementing.sync(ctx, plan, p, rule)  # obligations to issue implementing plans (KH.<agency>)
    _remove_missing(ctx, plan, wanted)
    sync_indicators(ctx.session, plan.id, p)


def schedule_to_json(schedule: Schedule) -> list[dict[str, Any]]:
    return [{"kind": type(p).__name__, **{k: _jsonable(v) for k, v in asdict(p).items()}} for p in schedule.parts]


def _task_values(plan: Plan, t: TaskIn, schedule: Schedule | None) -> dict[str, Any]:
    return dict(plan_id=plan.id, number=t.number, kind="task", title=t.title, text=t.text, lead_id=t.lead,
                support=list(t.support), timeframe=t.timeframe or "", due=t.due, indicators=list(t.indicators),
                schedule=schedule_to_json(schedule) if schedule else [],
                warnings=list(schedule.warnings) if schedule else [], source=t.source, removed=False)


def _find_task(ctx: _Ctx, plan_id: str, number: str) -> Task | None:
    return ctx.session.exec(select(Task).where(Task.plan_id == plan_id, Task.number == number)).first()


def _save_task(ctx: _Ctx, plan: Plan, number: str, values: dict[str, Any]) -> Task:
    task = _find_task(ctx, plan.id, number)
    if task is None:
        task = Task(**values)
        ctx.session.add(task)
        ctx.session.flush()
        ctx.event("task.created", after={"number": number, "title": values["title"]}, plan_id=plan.id, task_id=task.id)
        ctx.result.add("task_created")
        return task
    before, after = _diff(task, values)
    if after:
        for k in after:
            setattr(task, k, values[k])
        ctx.event("task.updated", before=before, after=after, plan_id=plan.id, task_id=task.id)
        ctx.result.add("task_updated")
    return task


def _upsert_task(ctx: _Ctx, plan: Plan, t: TaskIn, schedule: Schedule | None) -> Task:
    return _save_task(ctx, plan, t.number, _task_values(plan, t, schedule))


def _upsert_report_task(ctx: _Ctx, plan: Plan, number: str, rep: Reporting) -> Task:
    lead = plan.focal_id if rep.to == "focal" else rep.to
    values = dict(plan_id=plan.id, number=number, kind="report", title=rep.name, text="", lead_id=lead,
                  support=[], timeframe=reporting_timeframe(rep), due=None, indicators=[],
                  schedule=[], warnings=[], source=plan.source, removed=False)
    return _save_task(ctx, plan, number, values)


def _sync_occurrences(ctx: _Ctx, plan: Plan, task: Task, wanted: list[Period], owners: set[str], rule: PolicyRule) -> None:
    horizon = local_date(ctx.now) + HORIZON
    existing = {(o.owner_id, o.period): o for o in ctx.session.exec(select(Occurrence).where(Occurrence.task_id == task.id))}
    keep: set[tuple[str, str]] = set()
    for owner in sorted(owners):
        for period in wanted:
            if period.due is not None and period.due > horizon:
                continue
            keep.add((owner, period.key))
            occ = existing.get((owner, period.key))
            if occ is None:
                _create_occurrence(ctx, plan, task, owner, period, rule)
            elif occ.status in OPEN and occ.due_as_written is None:  # an extended deadline is kept
                _update_due(ctx, occ, period, rule)
    for key, occ in existing.items():
        if key not in keep and occ.status in OPEN and not _beyond_horizon(occ, horizon):
            _cancel(ctx, occ, "không còn trong lịch của nhiệm vụ / period no longer in the task's schedule")


def _beyond_horizon(occ: Occurrence, horizon: date) -> bool:
    return occ.due is not None and occ.due > horizon


def _update_due(ctx: _Ctx, occ: Occurrence, period: Period, rule: PolicyRule) -> None:
    """The written deadline changed, or the calendar moved the effective one."""
    plan = ctx.session.get(Plan, occ.plan_id)
    due = effective_due(plan, period, ctx.calendar)
    if (occ.due, occ.written_due) == (due, period.due):
        return
    ctx.event("occurrence.due_changed", before={"due": _jsonable(occ.due), "written_due": _jsonable(occ.written_due)},
              after={"due": _jsonable(due), "written_due": _jsonable(period.due)},
              plan_id=occ.plan_id, task_id=occ.task_id, occurrence_id=occ.id)
    occ.due, occ.written_due = due, period.due
    occ.next_check_on = first_check(rule, due, ctx.calendar)
    ctx.result.add("occurrence_due_changed")


def _create_occurrence(ctx: _Ctx, plan: Plan, task: Task, owner: str, period: Period, rule: PolicyRule) -> None:
    occ = new_occurrence(plan, task, owner, period, rule, ctx.calendar)
    ctx.session.add(occ)
    ctx.result.add("occurrence_created")
    if occ.status == "waived":
        ctx.session.flush()
        ctx.session.add(waived_event(occ, now=ctx.now, actor=ctx.actor))
        ctx.result.add("occurrence_not_owed")


def _cancel(ctx: _Ctx, occ: Occurrence, reason: str) -> None:
    ctx.event("occurrence.status", before={"status": occ.status}, after={"status": "cancelled"}, note=reason,
              plan_id=occ.plan_id, task_id=occ.task_id, occurrence_id=occ.id)
    occ.status = "cancelled"
    occ.next_check_on = None
    ctx.result.add("occurrence_cancelled")


def _remove_missing(ctx: _Ctx, plan: Plan, wanted: set[str]) -> None:
    for task in ctx.session.exec(select(Task).where(Task.plan_id == plan.id, Task.removed.is_(False))):
        if task.number in wanted:
            continue
        task.removed = True
        ctx.event("task.removed", before={"number": task.number}, note="không còn trong tệp cấu hình / removed from config",
                  plan_id=plan.id, task_id=task.id)
        ctx.result.add("task_removed")
        for occ in ctx.session.exec(select(Occurrence).where(Occurrence.task_id == task.id, Occurrence.status.in_(OPEN))):
            _cancel(ctx, occ, "nhiệm vụ bị bỏ khỏi kế hoạch / task removed from the plan")
