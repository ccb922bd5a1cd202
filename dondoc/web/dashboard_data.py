"""The overdue dashboard's numbers, aggregated in SQL with the same
as-of semantics as dondoc.store.reports and lifecycle.standing():
done counts only if completed by `as_of`; an item finished later was still
open (and maybe overdue) on that day; cancelled and waived are left out.
The escalation level is the current one (levels are not kept per day)."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any, NamedTuple
from urllib.parse import urlencode

from sqlalchemy import Float, case, cast, func, select
from sqlmodel import Session

from dondoc.engine.lifecycle import Category, counts_from
from dondoc.store import tally
from dondoc.store.models import Agency, AgencyTally, Occurrence, Plan, Task
from dondoc.store.reports import OverdueItem, overdue_item, subtree
from dondoc.store.tally import awaiting, count_if, done_late, done_on_time, overdue_on
from dondoc.web.params import MAX_LEVEL
from dondoc.web.scope import Scope

TREND_WEEKS = 8


@dataclass(frozen=True)
class Filters:
    as_of: date
    plan: str | None = None
    agency: str | None = None
    level: str | None = None
    escalation: int | None = None

    def params(self, **extra: Any) -> dict[str, str]:
        values = {**dict(as_of=self.as_of.isoformat(), plan=self.plan, agency=self.agency, level=self.level,
                         escalation=self.escalation), **extra}
        return {k: str(v) for k, v in values.items() if v is not None and v != ""}

    def query(self, **extra: Any) -> str:
        return urlencode(self.params(**extra))


def parse_filters(params: Mapping[str, str], today: date) -> Filters:
    """Raises ValueError (Vietnamese first) on a malformed date or level."""
    raw = {k: (params.get(k) or "").strip() for k in ("as_of", "plan", "agency", "level", "escalation")}
    try:
        as_of = date.fromisoformat(raw["as_of"]) if raw["as_of"] else today
    except ValueError:
        raise ValueError(f"Ngày '{raw['as_of']}' cần dạng YYYY-MM-DD / expected YYYY-MM-DD") from None
    if raw["escalation"] and not (raw["escalation"].isdecimal() and int(raw["escalation"]) <= MAX_LEVEL):
        raise ValueError(f"Cấp đôn đốc phải là số từ 0 đến {MAX_LEVEL} / escalation level must be 0-{MAX_LEVEL}")
    if any("\x00" in value for value in raw.values()):
        raise ValueError("Bộ lọc có ký tự không hợp lệ (NUL) / a filter contains a NUL character")
    return Filters(as_of=as_of, plan=raw["plan"] or None, agency=raw["agency"] or None, level=raw["level"] or None,
                   escalation=int(raw["escalation"]) if raw["escalation"] else None)


def _conditions(session: Session, f: Filters, scope: Scope) -> list:
    conds = [Occurrence.status.not_in(("cancelled", "waived")), scope.where(Occurrence.plan_id)]
    if f.plan:
        conds.append(Occurrence.plan_id == f.plan)
    if f.agency:
        conds.append(Occurrence.owner_id.in_(sorted(subtree(session, f.agency))))
    if f.level:
        conds.append(Agency.level == f.level)
    if f.escalation is not None:
        conds.append(Occurrence.escalation_level == f.escalation)
    return conds


@dataclass(frozen=True)
class AgencyInfo:
    name: str
    level: str
    parent_id: str | None
    order: int  # position by (name, id): `rank`'s last criterion as a number


def agency_infos(session: Session) -> dict[str, AgencyInfo]:
    rows = sorted(session.connection().execute(select(Agency.name, Agency.id, Agency.level, Agency.parent_id)).tuples())
    return {a: AgencyInfo(name, level, parent, k) for k, (name, a, level, parent) in enumerate(rows)}


@dataclass(frozen=True)
class AgencyRow:
    agency_id: str
    name: str
    level: str
    counts: dict[Category, int]
    oldest: dict | None = None

    @property
    def overdue(self) -> int:
        return self.counts[Category.IN_PROGRESS_OVERDUE]

    @property
    def on_time_rate(self) -> float | None:
        """Done on time over everything whose due date has come: done (on
        time or late) plus still open past due. None when nothing is due yet."""
        due = self.counts[Category.DONE_ON_TIME] + self.counts[Category.DONE_LATE] + self.overdue
        return None if due == 0 else self.counts[Category.DONE_ON_TIME] / due


def agency_rows(session: Session, f: Filters, scope: Scope, *, with_oldest: bool = True) -> list[AgencyRow]:
    """Per owner agency: the four categories, counted over the occurrences
    (any as-of date, any filter); ranked by `rank`."""
    d = f.as_of
    q = (select(Agency.id, Agency.name, Agency.level, func.count(Occurrence.id), count_if(done_on_time(d)),
                count_if(done_late(d)), count_if(overdue_on(d)), count_if(awaiting(d)))
         .join(Agency, Agency.id == Occurrence.owner_id).where(*_conditions(session, f, scope))
         .group_by(Agency.id, Agency.name, Agency.level))
    rows = []
    for agency_id, name, level, total, on_time, late, overdue, waiting in session.execute(q):
        counts = counts_from(total=total, on_time=on_time, late=late, overdue=overdue, awaiting=waiting)
        rows.append(AgencyRow(agency_id, name, level, counts))
    if with_oldest:
        oldest = oldest_overdue(session, f, scope)
        rows = [replace(r, oldest=oldest.get(r.agency_id)) for r in rows]
    return rank(rows)


def rank(rows: list[AgencyRow]) -> list[AgencyRow]:
    """From the lowest on-time rate up (who is late comes first), agencies
    with nothing due yet last."""
    return sorted(rows, key=lambda r: (r.on_time_rate is None, r.on_time_rate or 0.0, -r.overdue, r.name))


def _tally_conditions(session: Session, f: Filters, scope: Scope) -> list:
    conds = [scope.where(AgencyTally.plan_id)]
    if f.plan:
        conds.append(AgencyTally.plan_id == f.plan)
    if f.agency:
        conds.append(AgencyTally.owner_id.in_(sorted(subtree(session, f.agency))))
    return conds


class Tallied(NamedTuple):
    """An agency's counts as the ranking keeps them (lighter than AgencyRow)."""

    agency_id: str
    name: str
    level: str
    total: int
    on_time: int
    late: int
    overdue: int
    awaiting: int = 0


def as_tallied(row: AgencyRow) -> Tallied:
    c = row.counts
    return Tallied(row.agency_id, row.name, row.level, sum(c.values()), c[Category.DONE_ON_TIME], c[Category.DONE_LATE],
                   c[Category.IN_PROGRESS_OVERDUE], c[Category.AWAITING_CONFIRMATION])


def as_row(t: Tallied) -> AgencyRow:
    return AgencyRow(t.agency_id, t.name, t.level, counts_from(total=t.total, on_time=t.on_time, late=t.late,
                                                               overdue=t.overdue, awaiting=t.awaiting))


def tally_view(session: Session, f: Filters, scope: Scope,
               agencies: Mapping[str, AgencyInfo]) -> tuple[list[Tallied], list[tuple[date, int]]]:
    """The agencies ranked as `rank` ranks them (as tuples) and the weekly
    trend, read from the tally: valid when `f.as_of` is the tally's day and no
    escalation filter is set. `agencies` names them (see `agency_infos`).
    The database sorts by rate and overdue count; agencies tied on both are put
    in name order here (SQL and Python divide integers to the same float)."""
    t = AgencyTally
    conds = _tally_conditions(session, f, scope)
    agg = (select(t.owner_id, func.sum(t.total).label("total"), func.sum(t.done_on_time).label("on_time"),
                  func.sum(t.done_late).label("late"), func.sum(t.overdue).label("overdue"),
                  func.sum(t.awaiting).label("awaiting"))
           .where(*conds).group_by(t.owner_id).having(func.sum(t.total) > 0).subquery())
    due = agg.c.on_time + agg.c.late + agg.c.overdue
    q = select(agg).order_by(case((due == 0, 1), else_=0), case((due == 0, 0.0), else_=cast(agg.c.on_time, Float) / due),
                             agg.c.overdue.desc())
    ranked: list[Tallied] = []
    ties: list[tuple[int, Tallied]] = []
    last = None
    for owner, total, on_time, late, overdue, waiting in session.connection().execute(q):  # Core: no ORM row loading
        info = agencies.get(owner)
        if info is None or (f.level and info.level != f.level):
            continue
        done_or_due = on_time + late + overdue
        key = (done_or_due == 0, on_time / done_or_due if done_or_due else 0.0, overdue)
        if key != last:
            ranked.extend(row for _, row in sorted(ties))
            ties, last = [], key
        ties.append((info.order, Tallied(owner, info.name, info.level, total, on_time, late, overdue, waiting)))
    ranked.extend(row for _, row in sorted(ties))
    weeks = [getattr(t, f"overdue_w{k}") for k in range(tally.WEEKS, 0, -1)]
    sums = select(*(func.coalesce(func.sum(c), 0) for c in (*weeks, t.overdue))).where(*conds)
    if f.level:
        sums = sums.join(Agency, Agency.id == t.owner_id).where(Agency.level == f.level)
    days = [*reversed(tally.week_days(f.as_of)), f.as_of]
    return ranked, list(zip(days, session.execute(sums).one(), strict=True))


def totals(rows: list[AgencyRow]) -> dict[Category, int]:
    return {c: sum(r.counts[c] for r in rows) for c in Category}


def oldest_overdue(session: Session, f: Filters, scope: Scope, owners: list[str] | None = None) -> dict[str, dict]:
    """Each agency's (or each of `owners`') oldest overdue item on `as_of`."""
    rank = (func.row_number().over(partition_by=Occurrence.owner_id, order_by=(Occurrence.due, Occurrence.id))
            .label("rn"))
    inner = (select(Occurrence.owner_id, Occurrence.id, Occurrence.due, Occurrence.task_id, rank)
             .join(Agency, Agency.id == Occurrence.owner_id)
             .where(*_conditions(session, f, scope), overdue_on(f.as_of),
                    *([Occurrence.owner_id.in_(owners)] if owners is not None else [])).subquery())
    q = (select(inner.c.owner_id, inner.c.id, inner.c.due, Task.id, Task.number, Task.title)
         .join(Task, Task.id == inner.c.task_id).where(inner.c.rn == 1))
    return {owner: dict(occurrence_id=occ_id, due=due, days=(f.as_of - due).days, task_id=task_id, task=number,
                        title=title)
            for owner, occ_id, due, task_id, number, title in session.execute(q)}


def _weeks_before(day: date, weeks: int) -> date:
    """`weeks` weeks before `day`, or the first day there is (as_of may be 0001-01-01)."""
    return day - timedelta(weeks=weeks) if day - date.min >= timedelta(weeks=weeks) else date.min


def trend(session: Session, f: Filters, scope: Scope, weeks: int = TREND_WEEKS) -> list[tuple[date, int]]:
    """Overdue counts as of each of the last `weeks` weeks, ending on `as_of`."""
    days = [_weeks_before(f.as_of, k) for k in range(weeks - 1, -1, -1)]
    q = (select(*(count_if(overdue_on(d)) for d in days)).select_from(Occurrence)
         .join(Agency, Agency.id == Occurrence.owner_id).where(*_conditions(session, f, scope)))
    return list(zip(days, session.execute(q).one(), strict=True))


def overdue_items(session: Session, f: Filters, scope: Scope, *, limit: int | None = None) -> list[OverdueItem]:
    """The overdue items of the view, most overdue first (the fields of
    `dondoc report overdue --format json`)."""
    q = (select(Occurrence, Task.number, Task.title, Plan.number, Agency.name)
         .join(Task, Task.id == Occurrence.task_id).join(Plan, Plan.id == Occurrence.plan_id)
         .join(Agency, Agency.id == Occurrence.owner_id)
         .where(*_conditions(session, f, scope), overdue_on(f.as_of))
         .order_by(Occurrence.due, Occurrence.plan_id, Task.number, Occurrence.owner_id))
    if limit:
        q = q.limit(limit)
    return [overdue_item(row, f.as_of) for row in session.execute(q)]
