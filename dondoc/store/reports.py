"""Overdue and compliance queries. Pure classification lives in lifecycle.py;
this module turns rows into report items."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import asdict, dataclass
from datetime import date

from sqlalchemy import and_, or_
from sqlmodel import Session, select

from dondoc.engine.lifecycle import Category, standing
from dondoc.store.models import Agency, Occurrence, Plan, Task

OPEN = ("not_started", "in_progress", "reported")


@dataclass(frozen=True)
class OverdueItem:
    plan: str
    plan_number: str
    task: str
    title: str
    lead: str
    lead_name: str
    due: str
    days_overdue: int
    status: str
    escalation_level: int
    period: str
    occurrence_id: int

    def as_dict(self) -> dict:
        return asdict(self)


def subtree(session: Session, root: str) -> set[str]:
    """`root` and every agency below it, at any depth."""
    children: dict[str | None, list[str]] = defaultdict(list)
    for agency_id, parent in session.exec(select(Agency.id, Agency.parent_id)):
        children[parent].append(agency_id)
    out, stack = set(), [root]
    while stack:
        node = stack.pop()
        if node not in out:
            out.add(node)
            stack.extend(children.get(node, ()))
    return out


def _open_as_of(as_of: date):  # noqa: ANN202
    """Open on `as_of`: still open now, or closed as done after that day."""
    return or_(Occurrence.status.in_(OPEN), and_(Occurrence.status == "done", Occurrence.completed_on > as_of))


def status_as_of(occ: Occurrence, as_of: date) -> str:
    if occ.status in OPEN:
        return occ.status if occ.reported_on is None or occ.reported_on <= as_of else "in_progress"
    return "reported" if occ.reported_on is not None and occ.reported_on <= as_of else "in_progress"


def overdue(session: Session, *, as_of: date, plan: str | None = None, agency: str | None = None,
            limit: int | None = None) -> list[OverdueItem]:
    """Occurrences past due and not completed on `as_of`, most overdue first."""
    q = (select(Occurrence, Task.number, Task.title, Plan.number, Agency.name)
         .join(Task, Task.id == Occurrence.task_id).join(Plan, Plan.id == Occurrence.plan_id)
         .join(Agency, Agency.id == Occurrence.owner_id)
         .where(Occurrence.due < as_of, Occurrence.on_event == False, _open_as_of(as_of))  # noqa: E712
         .order_by(Occurrence.due, Occurrence.plan_id, Task.number, Occurrence.owner_id))
    if plan:
        q = q.where(Occurrence.plan_id == plan)
    if agency:
        q = q.where(Occurrence.owner_id.in_(subtree(session, agency)))
    if limit:
        q = q.limit(limit)
    return [OverdueItem(plan=o.plan_id, plan_number=pn, task=num, title=title, lead=o.owner_id, lead_name=name,
                        due=o.due.isoformat(), days_overdue=(as_of - o.due).days, status=status_as_of(o, as_of),
                        escalation_level=o.escalation_level, period=o.period, occurrence_id=o.id)
            for o, num, title, pn, name in session.exec(q)]


def category_counts(session: Session, *, as_of: date, plan: str | None = None) -> dict[Category, int]:
    """Totals in the four Vietnamese categories as of a date (on-event items
    count as in progress on time; cancelled and waived are left out)."""
    q = select(Occurrence.status, Occurrence.due, Occurrence.completed_on).where(Occurrence.status.not_in(("cancelled", "waived")))
    if plan:
        q = q.where(Occurrence.plan_id == plan)
    counts = dict.fromkeys(Category, 0)
    for status, due, completed_on in session.exec(q):
        s = standing(status=status, due=due, completed_on=completed_on, as_of=as_of)
        if s.category is not None:
            counts[s.category] += 1
    return counts
