"""The SQL rendering of dondoc.engine.lifecycle's vocabulary.

`to_sql` compiles a dondoc.engine.rules condition over the Occurrence
columns, so the categories counted in SQL (tally, reports, dashboard, API,
exports) are the ones `lifecycle.standing()` gives in Python: one table,
`lifecycle.CATEGORY_RULES`, two renderings.
"""
from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import and_, case, func, literal, not_, true

from dondoc.engine.lifecycle import CATEGORY_RULES, EXCLUDED, OPEN_STATUSES, Category
from dondoc.engine.rules import AS_OF, All, Always, Before, Cond, Flag, In, Not, OnOrBefore
from dondoc.store.models import Occurrence

__all__ = ["EXCLUDED", "OPEN_STATUSES", "category_is", "category_sql", "count_if", "overdue_on", "to_sql"]


def _side(name: str, as_of: date) -> Any:
    return literal(as_of) if name == AS_OF else getattr(Occurrence, name)


def _compare(cond: Before | OnOrBefore, as_of: date) -> Any:
    left, right = _side(cond.left, as_of), _side(cond.right, as_of)
    known = [s.is_not(None) for n, s in ((cond.left, left), (cond.right, right)) if n != AS_OF]
    return and_(*known, left < right if isinstance(cond, Before) else left <= right)


def to_sql(cond: Cond, as_of: date) -> Any:
    """`cond` as a SQL boolean that is never NULL (so NOT means what it does in Python)."""
    if isinstance(cond, In):
        return getattr(Occurrence, cond.field).in_(cond.values)
    if isinstance(cond, Flag):
        return getattr(Occurrence, cond.field) == true()
    if isinstance(cond, (Before, OnOrBefore)):
        return _compare(cond, as_of)
    if isinstance(cond, Not):
        return not_(to_sql(cond.cond, as_of))
    if isinstance(cond, All):
        return and_(true(), *(to_sql(c, as_of) for c in cond.conds))
    assert isinstance(cond, Always)
    return true()


def category_sql(as_of: date) -> Any:
    """The category of each row on `as_of` as a CASE ('excluded' for cancelled or waived)."""
    whens = [(to_sql(cond, as_of), literal(str(outcome) if outcome else "excluded")) for outcome, cond in CATEGORY_RULES
             if not isinstance(cond, Always)]
    return case(*whens, else_=literal(str(CATEGORY_RULES[-1][0])))


def category_is(category: Category, as_of: date) -> Any:
    return category_sql(as_of) == str(category)


def overdue_on(day: date) -> Any:
    return category_is(Category.IN_PROGRESS_OVERDUE, day)


def count_if(cond: Any) -> Any:
    return func.coalesce(func.sum(case((cond, 1), else_=0)), 0)
