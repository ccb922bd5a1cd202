"""Implementing plans (issue 17): each agency a plan's `implementing_plans:`
names gets an obligation, a task numbered `KH.<agency id>` of kind "plan"
with one occurrence, reminded and escalated by the sweep like any task. It is
fulfilled (done, completed on the child plan's issue date, with an Event)
when a plan that `implements:` this one and is issued by that agency is
loaded, from YAML or the importer, before or after the parent.

`sync` is the loader's one call per plan; it returns the obligation numbers
so the loader's removal of missing tasks keeps them (an agency dropped from
the list: its obligation is removed and its open occurrence cancelled, as
any task)."""
from __future__ import annotations

from datetime import date, datetime
from typing import Any, Protocol

from sqlalchemy import update
from sqlmodel import Session, select

from dondoc.config.implementing import KnownTree, due_of, entries, expand
from dondoc.engine.calendar import WorkCalendar
from dondoc.engine.escalation import Policy as PolicyRule
from dondoc.engine.escalation import first_check
from dondoc.engine.lifecycle import OPEN, Status, check_transition
from dondoc.engine.schedule import Period
from dondoc.store.models import Agency, Occurrence, Plan, Task
from dondoc.store.obligations import effective_due

KIND = "plan"
PERIOD = "due"


class LoadContext(Protocol):
    """What the loader's context offers (dondoc.store.loader._Ctx)."""

    session: Session
    now: datetime
    actor: str
    calendar: WorkCalendar
    result: Any

    def event(self, kind: str, *, before: Any = None, after: Any = None, note: str = "", **ids: Any) -> None: ...


def number(agency_id: str) -> str:
    return f"KH.{agency_id}"


def agency_tree(session: Session) -> dict[str, tuple[str | None, str, bool]]:
    """agency id -> (parent id, level, active), from the database."""
    cols = (Agency.id, Agency.parent_id, Agency.level, Agency.active)
    return {a: (p, level, active) for a, p, level, active in session.exec(select(*cols))}


def known_tree(session: Session) -> KnownTree:
    """The database's agencies and plans, for checking a config before it loads."""
    return KnownTree(agencies=agency_tree(session), implements=dict(session.exec(select(Plan.id, Plan.implements)).all()))


def sync(ctx: LoadContext, plan: Plan, plan_in: Any, rule: PolicyRule) -> set[str]:
    """Create or update `plan`'s obligations, fulfil those whose plan is in,
    and fulfil the obligation `plan` itself answers; returns the numbers kept."""
    asked = entries(plan_in)
    tree = agency_tree(ctx.session) if asked else {}  # the files' agencies are already written
    wanted: dict[str, date] = {}
    for _, entry in asked:
        due = due_of(entry, issued_on=plan.issued_on)
        for agency in expand(entry, tree):
            wanted.setdefault(agency, due)
    for agency, due in wanted.items():
        task = _save_obligation(ctx, plan, agency, due)
        _sync_occurrence(ctx, plan, task, due, rule)
    ctx.session.flush()
    fulfil_open(ctx, plan.id)
    if plan.implements:
        fulfil_open(ctx, plan.implements)
    return {number(a) for a in wanted}


def _title(plan: Plan) -> str:
    cited = f"Kế hoạch số {plan.number}" if plan.number.strip(" /") else f"Kế hoạch “{plan.title}”"
    return f"Xây dựng, ban hành kế hoạch triển khai thực hiện {cited}"


def _save_obligation(ctx: LoadContext, plan: Plan, agency: str, due: date) -> Task:
    values = dict(plan_id=plan.id, number=number(agency), kind=KIND, title=_title(plan), text="", lead_id=agency,
                  support=[], timeframe=f"trước ngày {due:%d/%m/%Y}", due=due, indicators=[], schedule=[],
                  warnings=[], source=plan.source, removed=False)
    task = ctx.session.exec(select(Task).where(Task.plan_id == plan.id, Task.number == values["number"])).first()
    if task is None:
        task = Task(**values)
        ctx.session.add(task)
        ctx.session.flush()
        ctx.event("task.created", after={"number": task.number, "title": task.title}, plan_id=plan.id, task_id=task.id)
        ctx.result.add("obligation_created")
        return task
    changed = {k: v for k, v in values.items() if getattr(task, k) != v}
    if changed:
        before = {k: _jsonable(getattr(task, k)) for k in changed}
        for k, v in changed.items():
            setattr(task, k, v)
        ctx.event("task.updated", before=before, after={k: _jsonable(v) for k, v in changed.items()},
                  plan_id=plan.id, task_id=task.id)
        ctx.result.add("obligation_updated")
    return task


def _jsonable(value: Any) -> Any:
    return value.isoformat() if isinstance(value, (date, datetime)) else value


def _sync_occurrence(ctx: LoadContext, plan: Plan, task: Task, due: date, rule: PolicyRule) -> None:
    """One occurrence, created whatever the horizon (one row per agency)."""
    occ = ctx.session.exec(select(Occurrence).where(Occurrence.task_id == task.id, Occurrence.owner_id == task.lead_id,
                                                    Occurrence.period == PERIOD)).first()
    written, effective = due, effective_due(plan, Period(key=PERIOD, due=due), ctx.calendar)
    if occ is None:
        ctx.session.add(Occurrence(task_id=task.id, plan_id=plan.id, owner_id=task.lead_id, period=PERIOD,
                                   due=effective, written_due=written,
                                   next_check_on=first_check(rule, effective, ctx.calendar)))
        ctx.result.add("occurrence_created")
    elif occ.written_due != written and occ.status in OPEN:
        ctx.event("occurrence.due_changed", before={"due": _jsonable(occ.written_due)}, after={"due": written.isoformat()},
                  plan_id=plan.id, task_id=task.id, occurrence_id=occ.id)
        occ.due, occ.written_due = effective, written
        occ.next_check_on = first_check(rule, effective, ctx.calendar)
        ctx.result.add("occurrence_due_changed")


def fulfil_open(ctx: LoadContext, parent_id: str) -> int:
    """Fulfil the open obligations of `parent_id` whose agency has issued a
    plan implementing it (the earliest issued, if several)."""
    q = (select(Plan).where(Plan.implements == parent_id, Plan.active.is_(True))
         .order_by(Plan.issued_on.desc(), Plan.id.desc()))
    by_issuer = {p.issued_by: p for p in ctx.session.exec(q)}
    if not by_issuer:
        return 0
    open_ = (select(Occurrence).join(Task, Task.id == Occurrence.task_id)
             .where(Task.plan_id == parent_id, Task.kind == KIND, Task.removed.is_(False),
                    Occurrence.status.in_([str(s) for s in OPEN]), Occurrence.owner_id.in_(sorted(by_issuer))))
    done = 0
    for occ in list(ctx.session.exec(open_)):
        done += _fulfil(ctx, occ, by_issuer[occ.owner_id])
    return done


def _fulfil(ctx: LoadContext, occ: Occurrence, child: Plan) -> int:
    """Done on the day the child plan was issued, by a conditional update on
    the old status (a concurrent change wins and this load leaves it be)."""
    check_transition(occ.status, Status.DONE)
    values = dict(status=str(Status.DONE), reported_on=child.issued_on, completed_on=child.issued_on,
                  next_check_on=None)
    result = ctx.session.execute(update(Occurrence).where(Occurrence.id == occ.id, Occurrence.status == occ.status)
                                 .values(**values).execution_options(synchronize_session=False))
    if result.rowcount != 1:
        return 0
    ctx.event("occurrence.status", before={"status": occ.status},
              after={**{k: _jsonable(v) for k, v in values.items()}, "implemented_by": child.id},
              note=f"Đã ban hành kế hoạch {child.number or child.id} / implementing plan loaded: {child.id}",
              plan_id=occ.plan_id, task_id=occ.task_id, occurrence_id=occ.id)
    ctx.session.expire(occ)
    ctx.result.add("obligation_fulfilled")
    return 1


def obligations_of(session: Session, plan_id: str) -> list[tuple[Task, Occurrence]]:
    """The plan's obligations (removed ones left out), by agency id."""
    q = (select(Task, Occurrence).join(Occurrence, Occurrence.task_id == Task.id)
         .where(Task.plan_id == plan_id, Task.kind == KIND, Task.removed.is_(False))
         .order_by(Task.lead_id))
    return list(session.exec(q).all())
