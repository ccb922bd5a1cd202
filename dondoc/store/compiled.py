"""What the focal agency's compiled report (báo cáo tổng hợp) says about a plan
on a date: every task occurrence with its owner, deadline, standing and result,
the four categories per agency, and what is late, by how much and who must act.

Counted with the same definitions as the dashboard and `dondoc report overdue`
(`dondoc.store.tally`'s SQL conditions, `lifecycle.standing`, `reports.overdue`),
so a number in the .docx or the .xlsx equals the one on the screen."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import and_, func, not_, select
from sqlmodel import Session

from dondoc.engine.lifecycle import CATEGORY_VI, STATUS_VI, Category, Status, counts_from, standing_of
from dondoc.store.conversation_models import Evidence
from dondoc.store.indicators import attainment
from dondoc.store.models import Agency, Occurrence, Plan, Task
from dondoc.store.reports import OverdueItem, overdue, status_as_of
from dondoc.store.tally import EXCLUDED, awaiting, count_if, done_late, done_on_time, done_on_time_extended, overdue_on


class CompileError(ValueError):
    """A plan or period that cannot be compiled; the message is Vietnamese first."""


@dataclass(frozen=True)
class Row:
    """One task and period of the annex (Phụ lục)."""

    task: str
    title: str
    kind: str
    period: str
    owner_id: str
    owner: str
    due: date | None
    status: str
    category: Category | None
    days_late: int
    result: str
    evidence: int

    @property
    def status_label(self) -> str:
        return STATUS_VI.get(Status(self.status), self.status) if self.status in set(Status) else self.status

    @property
    def category_label(self) -> str:
        return CATEGORY_VI[self.category] if self.category else self.status_label


@dataclass(frozen=True)
class AgencyCounts:
    agency_id: str
    name: str
    counts: dict[Category, int]
    excluded: int  # cancelled or waived: outside the four categories
    extended: int = 0  # items whose deadline an approved extension moved
    on_time_after_extension: int = 0  # of the done on time: on time only thanks to the extension

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@dataclass(frozen=True)
class IndicatorLine:
    """One indicator (chỉ tiêu) for one assigned agency: its latest reported value against the target."""

    number: int
    name: str
    unit: str
    target: float | None
    agency: str
    period: str | None
    value: float | None
    ratio: float | None


@dataclass(frozen=True)
class Compiled:
    plan_id: str
    plan_number: str
    plan_title: str
    issued_on: date
    issuer: str
    focal: str
    as_of: date
    period: str | None
    rows: list[Row]
    agencies: list[AgencyCounts]
    late: list[OverdueItem]
    results: dict[str, list[Row]] = field(default_factory=dict)  # owner name -> rows with a result text
    indicators: list[IndicatorLine] = field(default_factory=list)

    @property
    def totals(self) -> dict[Category, int]:
        out = dict.fromkeys(Category, 0)
        for a in self.agencies:
            for c, n in a.counts.items():
                out[c] += n
        return out


def _plan(session: Session, plan_id: str) -> Plan:
    plan = session.get(Plan, plan_id)
    if plan is None:
        raise CompileError(f"Không có kế hoạch '{plan_id}' / no such plan: {plan_id}")
    return plan


def periods_of(session: Session, plan_id: str) -> list[str]:
    q = select(Occurrence.period).where(Occurrence.plan_id == plan_id).distinct().order_by(Occurrence.period)
    return list(session.execute(q).scalars())


def _period_condition(session: Session, plan_id: str, period: str | None) -> list:
    if period is None:
        return []
    if period not in periods_of(session, plan_id):
        raise CompileError(f"Kế hoạch '{plan_id}' không có kỳ '{period}' / the plan has no period '{period}'")
    return [Occurrence.period == period]


def agency_counts(session: Session, plan_id: str, as_of: date, period: str | None = None) -> list[AgencyCounts]:
    """Per owner agency, the categories as of `as_of`: the tally's (and so the dashboard's) SQL conditions."""
    kept = Occurrence.status.not_in(EXCLUDED)
    q = (select(Agency.id, Agency.name, count_if(kept), count_if(and_(kept, done_on_time(as_of))),
                count_if(and_(kept, done_late(as_of))), count_if(and_(kept, overdue_on(as_of))),
                count_if(and_(kept, awaiting(as_of))), count_if(not_(kept)))
         .join(Agency, Agency.id == Occurrence.owner_id)
         .where(Occurrence.plan_id == plan_id, *_period_condition(session, plan_id, period))
         .group_by(Agency.id, Agency.name).order_by(Agency.name, Agency.id))
    moved = _extended(session, plan_id, as_of, period)
    out = []
    for agency_id, name, *numbers in session.execute(q):
        total, ok, late, over, waiting, excluded = (int(n) for n in numbers)
        counts = counts_from(total=total, on_time=ok, late=late, overdue=over, awaiting=waiting)
        out.append(AgencyCounts(agency_id, name, counts, excluded, *moved.get(agency_id, (0, 0))))
    return out


def _extended(session: Session, plan_id: str, as_of: date, period: str | None) -> dict[str, tuple[int, int]]:
    """Per owner: (items extended, done on time only thanks to the extension), the dashboard's definitions."""
    q = (select(Occurrence.owner_id, func.count(), count_if(done_on_time_extended(as_of)))
         .where(Occurrence.plan_id == plan_id, Occurrence.due_as_written.is_not(None),
                Occurrence.status.not_in(EXCLUDED), *([Occurrence.period == period] if period else []))
         .group_by(Occurrence.owner_id))
    return {owner: (int(n), int(on_time)) for owner, n, on_time in session.execute(q)}


def _row(occ: Occurrence, task: Task, owner: str, as_of: date, evidence: int = 0) -> Row:
    s = standing_of(occ, as_of)
    shown = status_as_of(occ, as_of) if s.category is not None and s.category not in (
        Category.DONE_ON_TIME, Category.DONE_LATE) else occ.status
    return Row(task=task.number, title=task.title, kind=task.kind, period=occ.period, owner_id=occ.owner_id,
               owner=owner, due=occ.due, status=shown, category=s.category, days_late=s.days_overdue,
               result=occ.note if occ.reported_on is not None and occ.reported_on <= as_of else "",
               evidence=evidence + (1 if occ.evidence_url else 0))


def rows(session: Session, plan_id: str, as_of: date, period: str | None = None) -> list[Row]:
    q = (select(Occurrence, Task, Agency.name).join(Task, Task.id == Occurrence.task_id)
         .join(Agency, Agency.id == Occurrence.owner_id)
         .where(Occurrence.plan_id == plan_id, *_period_condition(session, plan_id, period))
         .order_by(Task.kind, Task.number, Occurrence.period, Agency.name))
    found = list(session.execute(q))
    files = _evidence_counts(session, [occ.id for occ, _, _ in found])
    return [_row(occ, task, name, as_of, files.get(occ.id, 0)) for occ, task, name in found]


def _evidence_counts(session: Session, ids: list[int]) -> dict[int, int]:
    """Evidence files (minh chứng) per occurrence, in chunks the database's parameter limit allows."""
    out: dict[int, int] = {}
    for start in range(0, len(ids), 500):
        q = (select(Evidence.occurrence_id, func.count()).where(Evidence.occurrence_id.in_(ids[start:start + 500]))
             .group_by(Evidence.occurrence_id))
        out.update({occ_id: int(n) for occ_id, n in session.execute(q)})
    return out


def indicator_lines(session: Session, plan_id: str) -> list[IndicatorLine]:
    names = dict(session.execute(select(Agency.id, Agency.name)).tuples().all())
    return [IndicatorLine(a.number, a.name, a.unit, a.target, names.get(a.agency_id, a.agency_id), a.period, a.value,
                          a.ratio) for a in attainment(session, plan_id=plan_id)]


def _names(session: Session, *ids: str) -> dict[str, str]:
    return {a: n for a, n in session.execute(select(Agency.id, Agency.name).where(Agency.id.in_(ids)))}


def compile_plan(session: Session, *, plan_id: str, as_of: date, period: str | None = None) -> Compiled:
    """Everything the compiled report and its annex show, as of a date."""
    plan = _plan(session, plan_id)
    all_rows = rows(session, plan_id, as_of, period)
    late = [i for i in overdue(session, as_of=as_of, plan=plan_id) if period is None or i.period == period]
    results: dict[str, list[Row]] = defaultdict(list)
    for r in all_rows:
        if r.result:
            results[r.owner].append(r)
    names = _names(session, plan.issued_by, plan.focal_id)
    return Compiled(plan_id=plan.id, plan_number=plan.number, plan_title=plan.title, issued_on=plan.issued_on,
                    issuer=names.get(plan.issued_by, plan.issued_by), focal=names.get(plan.focal_id, plan.focal_id),
                    as_of=as_of, period=period, rows=all_rows, agencies=agency_counts(session, plan_id, as_of, period),
                    late=late, results=dict(sorted(results.items())), indicators=indicator_lines(session, plan_id))


def not_reported(session: Session, *, plan_id: str, task_id: int, period: str) -> list[str]:
    """Names of the agencies whose report of one reporting task and period is still open."""
    q = (select(Agency.name).join(Occurrence, Occurrence.owner_id == Agency.id)
         .where(Occurrence.task_id == task_id, Occurrence.period == period, Occurrence.plan_id == plan_id,
                Occurrence.status.in_(("not_started", "in_progress"))).order_by(Agency.name))
    return list(session.execute(q).scalars())


def parent_name(session: Session, plan_id: str) -> str | None:
    """The name of the body above the plan's focal agency (the letterhead's first line), if any."""
    plan = _plan(session, plan_id)
    focal = session.get(Agency, plan.focal_id)
    parent = session.get(Agency, focal.parent_id) if focal is not None and focal.parent_id else None
    return parent.name if parent is not None else None
