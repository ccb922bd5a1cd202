"""The roll-up of a plan as the plan page and the dashboard show it
(templates/_rollup.html): the plans implementing it, at any depth, each with
its four statuses, and which agencies have not issued theirs yet. With
`with_below` each plan's counts include the plans under it."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlmodel import Session

from dondoc.engine.lifecycle import Category, standing_of
from dondoc.store.implementing import obligations_of
from dondoc.store.models import Agency
from dondoc.store.rollup import rollup
from dondoc.web.scope import Scope


def plan_rollup(session: Session, plan_id: str, as_of: date, scope: Scope, *, with_below: bool,
                href_on: str, href_off: str) -> dict | None:
    """What _rollup.html shows; None for a plan nothing implements and that asks for no plan."""
    rows = rollup(session, plan_id, as_of, keep=scope.allows)
    asked = obligations_of(session, plan_id)
    if len(rows) < 2 and not asked:
        return None
    names = dict(session.execute(select(Agency.id, Agency.name)).all())
    shown = [dict(node=r.node, issuer=names.get(r.node.issued_by, r.node.issued_by),
                  counts=r.with_below if with_below else r.own) for r in rows]
    return dict(rows=shown, categories=[str(c) for c in Category], with_below=with_below, href_on=href_on,
                href_off=href_off, asked=len(asked), issued=sum(o.status == "done" for _, o in asked),
                missing=_missing(asked, names, as_of))


def _missing(asked: list, names: dict[str, str], as_of: date) -> list[dict]:
    out = []
    for task, occ in asked:
        if occ.status in ("done", "cancelled", "waived"):
            continue
        s = standing_of(occ, as_of)
        out.append(dict(task=task, agency=names.get(occ.owner_id, occ.owner_id), due=occ.due, standing=s,
                        level=occ.escalation_level))
    return sorted(out, key=lambda m: (-m["standing"].days_overdue, m["agency"]))
