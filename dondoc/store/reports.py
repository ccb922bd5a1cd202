"""Overdue and compliance queries. The categories are lifecycle.CATEGORY_RULES
rendered in SQL (dondoc.store.vocabulary); this module turns rows into report
items."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import asdict, dataclass
from datetime import date

from sqlalchemy import func
from sqlmodel import Session, select

from dondoc.engine.lifecycle import OPEN_STATUSES, Category
from dondoc.store.models import Agency, Occurrence, Plan, Task
from dondoc.store.vocabulary import category_is, category_sql, overdue_on


@dataclass(frozen=True)
class OverdueItem:
    plan: str
    plan_number: str
    task: str
    title: str
    lead: str
    lead_name: str
    due: str            # the effective deadline, which days overdue count from
    days_overdue: int
    status: str
    escalation_level: int
    period: str
    occurrence_id: int
    written_due: str = ""  # the deadline as written, when it differs (a day off moved it)

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


def status_as_of(occ: Occurrence, as_of: date) -> str:
    if occ.status in OPEN_STATUSES:
        return occ.status if occ.reported_on is None or occ.reported_on <= as_of else "in_progress"
    return "reported" if occ.reported_on is not None and occ.reported_on <= as_of else "in_progress"


def _written(occ: Occurrence) -> str:
    return occ.written_due.isoformat() if occ.written_due and occ.written_due != occ.due else ""


def _days_overdue(occ: Occurrence, as_of: date) -> int:
    acted = occ.reported_on if occ.reported_on is not None and occ.reported_on <= as_of else as_of
    return max(1, (acted - occ.due).days)


def overdue(session: Session, *, as_of: date, plan: str | None = None, agency: str | None = None,
            limit: int | None = None) -> list[OverdueItem]:
    """Occurrences past due and not completed on `as_of`, most overdue first."""
    q = (select(Occurrence, Task.number, Task.title, Plan.number, Agency.name)
         .join(Task, Task.id == Occurrence.task_id).join(Plan, Plan.id == Occurrence.plan_id)
         .join(Agency, Agency.id == Occurrence.owner_id)
         .where(overdue_on(as_of))
         .order_by(Occurrence.due, Occurrence.plan_id, Task.number, Occurrence.owner_id))
    if plan:
        q = q.where(Occurrence.plan_id == plan)
    if agency:
        q = q.where(Occurrence.owner_id.in_(subtree(session, agency)))
    if limit:
        q = q.limit(limit)
    return [overdue_item(row, as_of) for row in session.exec(q)]


def overdue_item(row: tuple, as_of: date) -> OverdueItem:
    """One overdue row (Occurrence, task number, task title, plan number, owner name) as a report item."""
    o, num, title, pn, name = row
    return OverdueItem(plan=o.plan_id, plan_number=pn, task=num, title=title, lead=o.owner_id, lead_name=name,
                       due=o.due.isoformat(), days_overdue=_days_overdue(o, as_of), status=status_as_of(o, as_of),
                       escalation_level=o.escalation_level, period=o.period, occurrence_id=o.id, written_due=_written(o))


def category_counts(session: Session, *, as_of: date, plan: str | None = None) -> dict[Category, int]:
    """Totals in the categories as of a date, counted in SQL (on-event items
    count as in progress on time; cancelled and waived are left out)."""
    category = category_sql(as_of).label("category")
    q = select(category, func.count()).select_from(Occurrence).group_by(category)
    if plan:
        q = q.where(Occurrence.plan_id == plan)
    counts = dict.fromkeys(Category, 0)
    for name, n in session.exec(q):
        if name in counts:
            counts[Category(name)] = n
    return counts


@dataclass(frozen=True)
class LateConfirmation:
    """Items reported by their deadline and still waiting, once the deadline
    has passed: the delay is the confirming agency's, not the owner's."""

    agency: str          # the confirming agency (the plan's focal agency)
    agency_name: str
    items: int
    oldest_days: int     # days past the deadline of the longest wait
    occurrence_ids: tuple[int, ...]

    def as_dict(self) -> dict:
        return asdict(self)


def late_confirmations(session: Session, *, as_of: date, plan: str | None = None,
                       where: tuple = ()) -> list[LateConfirmation]:
    """Per confirming agency, what waits for confirmation past its deadline, longest wait first
    (`where`: further conditions, e.g. the viewer's scope)."""
    q = (select(Plan.focal_id, Agency.name, Occurrence.id, Occurrence.due)
         .join(Plan, Plan.id == Occurrence.plan_id).join(Agency, Agency.id == Plan.focal_id)
         .where(category_is(Category.AWAITING_CONFIRMATION, as_of), Occurrence.due < as_of, *where)
         .order_by(Occurrence.due, Occurrence.id))
    if plan:
        q = q.where(Occurrence.plan_id == plan)
    found: dict[str, list] = defaultdict(list)
    for focal, name, occ_id, due in session.exec(q):
        found[focal].append((name, occ_id, (as_of - due).days))
    rows = [LateConfirmation(agency, items[0][0], len(items), max(d for _, _, d in items),
                             tuple(i for _, i, _ in items)) for agency, items in found.items()]
    return sorted(rows, key=lambda r: (-r.oldest_days, -r.items, r.agency_name))
