"""Indicators (chỉ tiêu) of a plan and the values agencies report per period.
A plan's `indicators:` are written on every load (all or nothing with the
plan); an indicator without `agencies` is assigned to the leads of the tasks
that name its number (the importer keeps those numbers in `Task.indicators`)."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlmodel import Session

from dondoc.store.conversation_models import Indicator, IndicatorValue
from dondoc.store.errors import ActionError, NotFound, clean_text
from dondoc.store.models import Event, Task

PERIOD = re.compile(r"^[0-9]{4}(-(H[12]|Q[1-4]|[0-9]{2}))?$")
PERIOD_VI = "năm (2023), 6 tháng (2023-H1, 2023-H2), quý (2023-Q1) hoặc tháng (2023-06)"


def sync_indicators(session: Session, plan_id: str, plan_in) -> None:  # noqa: ANN001 (a checked PlanIn)
    leads: dict[int, set[str]] = {}
    for t in plan_in.tasks:
        for n in t.indicators:
            leads.setdefault(n, set()).add(t.lead)
    existing = {i.number: i for i in session.execute(select(Indicator).where(Indicator.plan_id == plan_id)).scalars()}
    for ind in plan_in.indicators:
        row = existing.get(ind.number) or Indicator(plan_id=plan_id, number=ind.number, name=ind.name)
        row.name, row.unit, row.target, row.higher_is_better = ind.name, ind.unit, ind.target, ind.higher_is_better
        row.agencies = list(ind.agencies) or sorted(leads.get(ind.number, ()))
        session.add(row)


def assigned(session: Session, agency_id: str) -> list[Indicator]:
    rows = session.execute(select(Indicator).order_by(Indicator.plan_id, Indicator.number)).scalars()
    return [i for i in rows if agency_id in i.agencies]


def report_value(session: Session, *, agency_id: str, indicator_id: int, period: str, value: float, note: str,
                 now: datetime) -> IndicatorValue:
    """The agency's value for a period; reporting again replaces it (the Event keeps the old one)."""
    ind = session.get(Indicator, indicator_id)
    if ind is None or agency_id not in ind.agencies:
        raise NotFound(indicator_id)
    period = (period or "").strip()
    if not PERIOD.fullmatch(period):
        raise ActionError(f"Kỳ '{period}' cần dạng {PERIOD_VI} / period must look like 2023, 2023-H1, 2023-Q1 or 2023-06")
    note = clean_text(note, what="Ghi chú / note")
    row = session.execute(select(IndicatorValue).where(IndicatorValue.indicator_id == ind.id,
                                                       IndicatorValue.agency_id == agency_id,
                                                       IndicatorValue.period == period)).scalar_one_or_none()
    before = {"value": row.value} if row else None
    row = row or IndicatorValue(indicator_id=ind.id, agency_id=agency_id, period=period, value=value,
                                reported_at=now, reported_by=agency_id)
    row.value, row.note, row.reported_at = value, note, now
    session.add(row)
    session.add(Event(at=now, actor_kind="agency", actor=agency_id, kind="indicator.reported", plan_id=ind.plan_id,
                      before=before, after={"indicator": ind.number, "period": period, "value": value}, note=note))
    session.flush()
    return row


@dataclass(frozen=True)
class Attainment:
    indicator_id: int
    plan_id: str
    number: int
    name: str
    unit: str
    target: float | None
    agency_id: str
    period: str | None
    value: float | None
    ratio: float | None  # value against target (1.0 = attained); None without a target or a value


def ratio(value: float | None, target: float | None, higher_is_better: bool) -> float | None:
    if value is None or target is None:
        return None
    if higher_is_better:
        return None if target == 0 else value / target
    return 1.0 if value <= target else (None if value == 0 else target / value)


def attainment(session: Session, *, plan_id: str | None = None, agency_id: str | None = None) -> list[Attainment]:
    """Per indicator and assigned agency, its latest period's value against the target."""
    q = select(Indicator).order_by(Indicator.plan_id, Indicator.number)
    if plan_id:
        q = q.where(Indicator.plan_id == plan_id)
    indicators = list(session.execute(q).scalars())
    latest: dict[tuple[int, str], IndicatorValue] = {}
    if indicators:
        vq = select(IndicatorValue).where(IndicatorValue.indicator_id.in_([i.id for i in indicators]))
        for v in session.execute(vq).scalars():
            key = (v.indicator_id, v.agency_id)
            if key not in latest or v.period > latest[key].period:
                latest[key] = v
    out = []
    for i in indicators:
        for a in i.agencies:
            if agency_id and a != agency_id:
                continue
            v = latest.get((i.id, a))
            out.append(Attainment(i.id, i.plan_id, i.number, i.name, i.unit, i.target, a, v.period if v else None,
                                  v.value if v else None, ratio(v.value if v else None, i.target, i.higher_is_better)))
    return out


def task_numbers(session: Session, plan_id: str) -> dict[int, list[str]]:
    """Indicator number -> the tasks that name it (for the plan page)."""
    out: dict[int, list[str]] = {}
    for t in session.execute(select(Task).where(Task.plan_id == plan_id, Task.removed.is_(False))).scalars():
        for n in t.indicators:
            out.setdefault(n, []).append(t.number)
    return out
