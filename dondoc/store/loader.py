"""Apply a checked `Config` to the database in one transaction.

Reloading the same files changes nothing; an edited task is updated with an
Event; a task missing from its plan's file is marked removed and its open
occurrences cancelled, never deleted. Occurrences are created for every period
due within the horizon (the roll-over job extends it later).
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlmodel import Session, select

from dondoc.store import tally
from dondoc.engine.calendar import WorkCalendar, local_date
from dondoc.config.reader import Config, plan_span, report_dates
from dondoc.config.schema import AgencyIn, PlanIn, PolicyIn, TaskIn, parse_day_month
from dondoc.engine.escalation import Policy as PolicyRule
from dondoc.engine.escalation import first_check
from dondoc.store.indicators import sync_indicators
from dondoc.store.models import Agency, Event, Occurrence, Plan, Policy, Task
from dondoc.engine.schedule import Period, periods
from dondoc.engine.timeframes import Continuous, Deadline, OnEvent, Recurring, Schedule

HORIZON = timedelta(days=400)
OPEN = ("not_started", "in_progress", "reported")


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
    values = dict(id=a.id, name=a.name, level=a.level, parent_id=a.parent, email=str(a.email),
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
                reporting=[r.model_dump(by_alias=True) for r in p.reporting], starts_on=starts, ends_on=ends,
                warnings=warnings, active=True, extensions_by=p.extensions_by)


def _apply_plan(ctx: _Ctx, p: PlanIn, config: Config) -> None:
    warnings = [w.message for w in config.warnings if w.file == config.plans[p.id].file]
    plan, created = _upsert(ctx, Plan, p.id, _plan_values(p, warnings), "plan", plan_id=p.id)
    plan.source = Path(config.plans[p.id].file).name
    if created:
        ctx.event("plan.created", after={"id": p.id, "number": p.number}, plan_id=p.id)
    ctx.session.flush()
    policy_row = ctx.session.get(Policy, p.escalation)
    rule = PolicyRule.from_config(policy_row.id, policy_row.steps, policy_row.repeat_every)
    wanted: set[str] = set()
    for t in p.tasks:
        schedule = config.schedules.get((p.id, t.number))
        task = _upsert_task(ctx, plan, t, schedule)
        wanted.add(t.number)
        _sync_occurrences(ctx, plan, task, _task_periods(t, schedule, plan), {task.lead_id}, rule)
    for i, rep in enumerate(p.reporting):
        number = f"BC-{i + 1}"
        wanted.add(number)
        task = _upsert_report_task(ctx, plan, number, rep)
        owners = _reporters(p, rep)
        _sync_occurrences(ctx, plan, task, report_periods(plan, rep.due), owners, rule)
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


def _upsert_report_task(ctx: _Ctx, plan: Plan, number: str, rep: Any) -> Task:
    lead = plan.focal_id if rep.to == "focal" else rep.to
    values = dict(plan_id=plan.id, number=number, kind="report", title=rep.name, text="", lead_id=lead,
                  support=[], timeframe=f"{rep.name} trước ngày {rep.due} hằng năm", due=None, indicators=[],
                  schedule=[], warnings=[], source=plan.source, removed=False)
    return _save_task(ctx, plan, number, values)


def _reporters(p: PlanIn, rep: Any) -> set[str]:
    if rep.from_ == "leads":
        return {t.lead for t in p.tasks}
    return {rep.from_} if isinstance(rep.from_, str) else set(rep.from_)


def _task_periods(t: TaskIn, schedule: Schedule | None, plan: Plan) -> list[Period]:
    if t.due is not None:
        return [Period(key="due", due=t.due)]
    assert schedule is not None
    return periods(schedule, starts_on=plan.starts_on, ends_on=plan.ends_on,
                   report_dates=report_dates_of(plan))


def report_dates_of(plan: Plan) -> tuple[tuple[int, int], ...]:
    return tuple(parse_day_month(r["due"]) for r in plan.reporting)


def schedule_from_json(parts: list[dict[str, Any]]) -> Schedule:
    """The inverse of schedule_to_json (used by the roll-over)."""
    kinds = {"Deadline": Deadline, "Recurring": Recurring, "Continuous": Continuous, "OnEvent": OnEvent}
    built = []
    for part in parts:
        fields = {k: v for k, v in part.items() if k != "kind"}
        if "due" in fields:
            fields["due"] = date.fromisoformat(fields["due"])
        built.append(kinds[part["kind"]](**fields))
    return Schedule(tuple(built))


def report_periods(plan: Plan, due: str) -> list[Period]:
    day, month = parse_day_month(due)
    out = []
    for year in range(plan.starts_on.year, plan.ends_on.year + 1):
        try:
            d = date(year, month, day)
        except ValueError:  # 29/02 in a common year
            d = date(year, month, 28)
        if plan.starts_on <= d <= plan.ends_on:
            out.append(Period(key=str(year), due=d))
    return out


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
            elif occ.due != period.due and occ.status in OPEN and occ.due_as_written is None:  # extended: kept
                ctx.event("occurrence.due_changed", before={"due": _jsonable(occ.due)}, after={"due": _jsonable(period.due)},
                          plan_id=plan.id, task_id=task.id, occurrence_id=occ.id)
                occ.due = period.due
                occ.next_check_on = first_check(rule, period.due, ctx.calendar)
                ctx.result.add("occurrence_due_changed")
    for key, occ in existing.items():
        if key not in keep and occ.status in OPEN and not _beyond_horizon(occ, horizon):
            _cancel(ctx, occ, "không còn trong lịch của nhiệm vụ / period no longer in the task's schedule")


def _beyond_horizon(occ: Occurrence, horizon: date) -> bool:
    return occ.due is not None and occ.due > horizon


def _create_occurrence(ctx: _Ctx, plan: Plan, task: Task, owner: str, period: Period, rule: PolicyRule) -> None:
    occ = Occurrence(task_id=task.id, plan_id=plan.id, owner_id=owner, period=period.key, due=period.due,
                     on_event=period.on_event, next_check_on=first_check(rule, period.due, ctx.calendar))
    ctx.session.add(occ)
    ctx.result.add("occurrence_created")


def _cancel(ctx: _Ctx, occ: Occurrence, reason: str) -> None:
    ctx.event("occurrence.status", before={"status": occ.status}, after={"status": "cancelled"}, note=reason,
              plan_id=occ.plan_id, task_id=occ.task_id, occurrence_id=occ.id)
    occ.status = "cancelled"
    occ.next_check_on = None
    ctx.result.add("occurrence_cancelled")


def _remove_missing(ctx: _Ctx, plan: Plan, wanted: set[str]) -> None:
    for task in ctx.session.exec(select(Task).where(Task.plan_id == plan.id, Task.removed == False)):  # noqa: E712
        if task.number in wanted:
            continue
        task.removed = True
        ctx.event("task.removed", before={"number": task.number}, note="không còn trong tệp cấu hình / removed from config",
                  plan_id=plan.id, task_id=task.id)
        ctx.result.add("task_removed")
        for occ in ctx.session.exec(select(Occurrence).where(Occurrence.task_id == task.id, Occurrence.status.in_(OPEN))):
            _cancel(ctx, occ, "nhiệm vụ bị bỏ khỏi kế hoạch / task removed from the plan")
