"""A tiny condition language over an occurrence's columns (pure).

A rule is written once, as data, and rendered twice: `holds(cond, row, as_of)`
evaluates it in Python; dondoc.store.vocabulary compiles the same tree to a
SQLAlchemy expression. Comparisons involving an unknown (None) value are false
in both renderings (the SQL one guards with IS NOT NULL), so `Not` means the
same thing on both sides.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

AS_OF = "@as_of"  # stands for the day the rule is judged on


@dataclass(frozen=True)
class In:
    field: str
    values: tuple[str, ...]


@dataclass(frozen=True)
class Flag:
    field: str  # a boolean column, true


@dataclass(frozen=True)
class Before:
    """left < right (strictly), both known; either side may be AS_OF."""

    left: str
    right: str


@dataclass(frozen=True)
class OnOrBefore:
    """left <= right, both known."""

    left: str
    right: str


@dataclass(frozen=True)
class Not:
    cond: Cond


@dataclass(frozen=True)
class All:
    conds: tuple[Cond, ...]


@dataclass(frozen=True)
class Always:
    pass


Cond = In | Flag | Before | OnOrBefore | Not | All | Always


def all_of(*conds: Cond) -> All:
    return All(tuple(conds))


def _value(row: Any, name: str, as_of: date) -> Any:
    if name == AS_OF:
        return as_of
    return row[name] if isinstance(row, dict) else getattr(row, name)


def _compare(op: Callable[[Any, Any], bool], row: Any, cond: Before | OnOrBefore, as_of: date) -> bool:
    left, right = _value(row, cond.left, as_of), _value(row, cond.right, as_of)
    return left is not None and right is not None and op(left, right)


def holds(cond: Cond, row: Any, as_of: date) -> bool:
    """The Python rendering: does `cond` hold for `row` (a mapping or an object) on `as_of`?"""
    if isinstance(cond, In):
        return str(_value(row, cond.field, as_of)) in cond.values
    if isinstance(cond, Flag):
        return bool(_value(row, cond.field, as_of))
    if isinstance(cond, Before):
        return _compare(lambda a, b: a < b, row, cond, as_of)
    if isinstance(cond, OnOrBefore):
        return _compare(lambda a, b: a <= b, row, cond, as_of)
    if isinstance(cond, Not):
        return not holds(cond.cond, row, as_of)
    if isinstance(cond, All):
        return all(holds(c, row, as_of) for c in cond.conds)
    return True


def first_match(table: tuple[tuple[Any, Cond], ...], row: Any, as_of: date) -> Any:
    """The outcome of the first row of `table` whose condition holds (the last should be Always)."""
    return next(outcome for outcome, cond in table if holds(cond, row, as_of))


__all__ = ["AS_OF", "All", "Always", "Before", "Cond", "Flag", "In", "Not", "OnOrBefore", "all_of", "first_match",
           "holds"]
