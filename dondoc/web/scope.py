"""Which plans a user may see and act on. Admins see all; a coordinator who
acts for an agency sees the plans that agency (or one below it) coordinates
or issued; a coordinator without an agency sees all plans."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import or_, true
from sqlmodel import Session, select

from dondoc.store.models import Plan
from dondoc.store.reports import subtree
from dondoc.web.models import User


@dataclass(frozen=True)
class Scope:
    plans: frozenset[str] | None  # None: every plan

    def allows(self, plan_id: str | None) -> bool:
        return self.plans is None or plan_id in self.plans

    def where(self, column):  # noqa: ANN001, ANN201
        """A SQL condition limiting `column` (a plan id column) to the scope."""
        return true() if self.plans is None else column.in_(sorted(self.plans))


EVERYTHING = Scope(None)


def scope_for(session: Session, user: User) -> Scope:
    if user.role == "admin" or not user.agency_id:
        return EVERYTHING
    tree = subtree(session, user.agency_id)
    ids = session.exec(select(Plan.id).where(or_(Plan.focal_id.in_(tree), Plan.issued_by.in_(tree))))
    return Scope(frozenset(ids))
