"""Roll-up (issue 17): a plan and the plans implementing it, at any depth
(province -> commune, or province -> district -> commune in older plans),
each with its four statuses as of a day, and each one's counts with
everything below it added.

The counting is dondoc.store.tally's definition (`done_by`, `done_late`,
`overdue_on`, `count_if`, cancelled and waived left out), grouped by plan, so
the roll-up, the dashboard and the tally cannot disagree. The tree is walked
with a visited set: config refuses a circle in `implements:`, and a circle
that got into the database anyway is shown once, never followed forever."""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlmodel import Session

from dondoc.engine.lifecycle import Category, counts_from
from dondoc.store.models import Occurrence, Plan
from dondoc.store.tally import EXCLUDED, awaiting, count_if, done_late, done_on_time, overdue_on

Counts = dict[Category, int]


@dataclass(frozen=True)
class PlanNode:
    id: str
    number: str
    title: str
    issued_by: str
    issued_on: date
    depth: int  # 0: the plan asked about
    parent: str | None


@dataclass(frozen=True)
class RollupRow:
    node: PlanNode
    own: Counts
    with_below: Counts  # own plus every plan below it


def plan_tree(session: Session, root: str, keep: Callable[[str], bool] | None = None) -> list[PlanNode]:
    """`root` and the plans implementing it, depth first, each once; a plan
    `keep` refuses is left out with everything below it (a user's scope)."""
    cols = (Plan.id, Plan.number, Plan.title, Plan.issued_by, Plan.issued_on, Plan.implements)
    rows = {r[0]: r for r in session.execute(select(*cols))}
    below: dict[str | None, list[str]] = defaultdict(list)
    for plan_id, *_, implements in rows.values():
        below[implements].append(plan_id)
    out: list[PlanNode] = []
    seen: set[str] = set()

    def visit(plan_id: str, depth: int, parent: str | None) -> None:
        if plan_id in seen or plan_id not in rows or (depth and keep is not None and not keep(plan_id)):
            return
        seen.add(plan_id)
        _, number, title, issued_by, issued_on, _ = rows[plan_id]
        out.append(PlanNode(plan_id, number, title, issued_by, issued_on, depth, parent))
        for child in sorted(below.get(plan_id, ()), key=lambda p: (rows[p][4], p)):
            visit(child, depth + 1, plan_id)

    visit(root, 0, None)
    return out


def empty() -> Counts:
    return dict.fromkeys(Category, 0)


def counts_by_plan(session: Session, plan_ids: list[str], as_of: date) -> dict[str, Counts]:
    """The categories of each plan's occurrences as of `as_of` (the tally's conditions)."""
    q = (select(Occurrence.plan_id, func.count(Occurrence.id), count_if(done_on_time(as_of)),
                count_if(done_late(as_of)), count_if(overdue_on(as_of)), count_if(awaiting(as_of)))
         .where(Occurrence.status.not_in(EXCLUDED), Occurrence.plan_id.in_(plan_ids))
         .group_by(Occurrence.plan_id))
    out = {p: empty() for p in plan_ids}
    for plan_id, total, on_time, late, overdue, waiting in session.execute(q):
        out[plan_id] = counts_from(total=int(total), on_time=int(on_time), late=int(late), overdue=int(overdue),
                                   awaiting=int(waiting))
    return out


def rollup(session: Session, root: str, as_of: date, keep: Callable[[str], bool] | None = None) -> list[RollupRow]:
    """One row per plan of the tree, in tree order."""
    nodes = plan_tree(session, root, keep)
    own = counts_by_plan(session, [n.id for n in nodes], as_of)
    summed = {n.id: dict(own[n.id]) for n in nodes}
    for node in reversed(nodes):  # children come after their parent: add each into its parent, bottom up
        if node.parent is not None and node.parent in summed:
            for c in Category:
                summed[node.parent][c] += summed[node.id][c]
    return [RollupRow(n, own[n.id], summed[n.id]) for n in nodes]
