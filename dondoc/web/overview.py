"""What the dashboard and /api/reports/summary show, computed once per
(data generation, filters, scope) and kept in a small per-process cache.

The generation (dondoc.store.tally) is bumped in the same transaction as every
change the dashboard shows (status changes, loads, roll-overs, sweeps), so a
cached overview is never served after the data under it changed, in this
process or any other. As of today and without an escalation filter the
numbers come from the tally (rebuilt first when a new day began); any other
view counts the occurrences."""
from __future__ import annotations

import heapq
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from functools import cached_property

from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from dondoc.engine.lifecycle import Category, counts_from
from dondoc.store import tally
from dondoc.store.db import session_scope
from dondoc.store.models import Occurrence, Plan, Policy
from dondoc.store.reports import LateConfirmation, OverdueItem, late_confirmations
from dondoc.web import dashboard_data as dd
from dondoc.web.scope import Scope

PAGE_SIZE = 50
SHOWN_ITEMS = 200
CHOICES_MAX = 300  # above this many plans or agencies the filter is a text field, not a list
KEPT_PARTS = 64  # rendered pages and ranked slices kept per overview


@dataclass
class Overview:
    f: dd.Filters
    generation: int
    from_tally: bool
    ranked: list[dd.Tallied]  # every agency in the view, ranked
    totals: dict[Category, int]
    series: list[tuple[date, int]]
    items: list[OverdueItem]  # the SHOWN_ITEMS most overdue
    late_confirmations: list[LateConfirmation]  # reported on time, waiting past the deadline, per confirming agency
    units: list[dd.AgencyRow]  # the view summed by the units directly under f.agency (top-level units without it)
    trail: list[tuple[str, str]]  # (id, name) from the top down to f.agency
    options: dict
    _slices: dict[tuple[int, int], list[dd.AgencyRow]] = field(default_factory=dict)
    _bodies: dict[Hashable, str] = field(default_factory=dict)

    def body(self, key: Hashable, render: Callable[[], str]) -> str:
        """A rendered part of a page, once per `key` (language, page number...)."""
        if key not in self._bodies:
            _bounded(self._bodies)[key] = render()
        return self._bodies[key]

    def most_late(self, n: int) -> list[dd.AgencyRow]:
        """The `n` agencies with the most overdue items."""
        return self._most_late[:n]

    @cached_property
    def _most_late(self) -> list[dd.AgencyRow]:
        late = heapq.nsmallest(50, (t for t in self.ranked if t.overdue), key=lambda t: (-t.overdue, t.name))
        return [dd.as_row(t) for t in late]

    @property
    def agency_count(self) -> int:
        return len(self.ranked)

    @property
    def pages(self) -> int:
        return max(1, -(-len(self.ranked) // PAGE_SIZE))

    def rows(self, engine: Engine, scope: Scope, start: int, stop: int) -> list[dd.AgencyRow]:
        """The ranked agencies [start:stop] with each one's oldest overdue item."""
        key = (start, stop)
        if key not in self._slices:
            part = [dd.as_row(t) for t in self.ranked[start:stop]]
            with session_scope(engine, write=False) as session:
                oldest = dd.oldest_overdue(session, replace(self.f, agency=None), scope,
                                           owners=[r.agency_id for r in part])
            _bounded(self._slices)[key] = [replace(r, oldest=oldest.get(r.agency_id)) for r in part]
        return self._slices[key]

    def page(self, engine: Engine, scope: Scope, number: int) -> list[dd.AgencyRow]:
        start = (min(max(number, 1), self.pages) - 1) * PAGE_SIZE
        return self.rows(engine, scope, start, start + PAGE_SIZE)


def _bounded(parts: dict) -> dict:
    if len(parts) >= KEPT_PARTS:
        parts.clear()
    return parts


def rollup(ranked: list[dd.Tallied], infos: dict[str, dd.AgencyInfo], root: str | None) -> list[dd.AgencyRow]:
    """Pure: the agencies' counts summed by the agency directly under `root` on
    each one's chain (the top-level agencies when `root` is None; `root`'s own
    counts stay its own)."""
    memo: dict[str, str | None] = {}

    def unit(agency: str) -> str | None:
        path: dict[str, None] = {}  # ordered; a set too, so a cycle in bad data ends the walk (counted nowhere)
        node, found = agency, None
        while node is not None and node not in path:
            if node in memo:
                found = memo[node]
                break
            info = infos.get(node)
            if node == root or info is None or info.parent_id == root:
                found = node if (node == root or info is not None) else None
                break
            path[node] = None
            node = info.parent_id
        for n in path:
            memo[n] = found
        return found

    sums: dict[str, list[int]] = {}
    for t in ranked:
        u = unit(t.agency_id)
        if u is not None:
            acc = sums.setdefault(u, [0, 0, 0, 0, 0])
            for k, n in enumerate((t.total, t.on_time, t.late, t.overdue, t.awaiting)):
                acc[k] += n
    return dd.rank([dd.as_row(dd.Tallied(u, infos[u].name, infos[u].level, *counts)) for u, counts in sums.items()])


def trail(infos: dict[str, dd.AgencyInfo], agency: str | None) -> list[tuple[str, str]]:
    out, node, seen = [], agency, set()
    while node is not None and node in infos and node not in seen:
        seen.add(node)
        out.append((node, infos[node].name))
        node = infos[node].parent_id
    return out[::-1]


def _options(session, scope: Scope, infos: dict[str, dd.AgencyInfo]) -> dict:  # noqa: ANN001
    plan_count = session.execute(select(func.count()).select_from(Plan).where(scope.where(Plan.id))).scalar_one()
    plans = (session.execute(select(Plan.id, Plan.number, Plan.title).where(scope.where(Plan.id)).order_by(Plan.id)).all()
             if plan_count <= CHOICES_MAX else None)
    agencies = (sorted(((a, i.name) for a, i in infos.items()), key=lambda x: x[1])
                if len(infos) <= CHOICES_MAX else None)
    levels = sorted({i.level for i in infos.values()})
    top = max((step.get("level", 0) for steps in session.execute(select(Policy.steps)).scalars() for step in steps),
              default=0)
    return dict(plans=plans, agencies=agencies, levels=levels, escalations=list(range(0, max(top, 3) + 1)))


def build(engine: Engine, f: dd.Filters, scope: Scope, *, generation: int, from_tally: bool,
          infos: dict[str, dd.AgencyInfo] | None = None) -> Overview:
    with session_scope(engine, write=False) as session:
        infos = dd.agency_infos(session) if infos is None else infos
        if from_tally:
            ranked, series = dd.tally_view(session, f, scope, infos)
        else:
            ranked = [dd.as_tallied(r) for r in dd.agency_rows(session, f, scope, with_oldest=False)]
            series = dd.trend(session, f, scope)
        items = dd.overdue_items(session, f, scope, limit=SHOWN_ITEMS)
        waiting = late_confirmations(session, as_of=f.as_of, plan=f.plan, where=(scope.where(Occurrence.plan_id),))
        options = _options(session, scope, infos)
    return Overview(f=f, generation=generation, from_tally=from_tally, ranked=ranked, totals=_totals(ranked),
                    series=series, items=items, late_confirmations=waiting, units=rollup(ranked, infos, f.agency), trail=trail(infos, f.agency),
                    options=options)


def _totals(ranked: list[dd.Tallied]) -> dict[Category, int]:
    return counts_from(total=sum(t.total for t in ranked), on_time=sum(t.on_time for t in ranked),
                       late=sum(t.late for t in ranked), overdue=sum(t.overdue for t in ranked),
                       awaiting=sum(t.awaiting for t in ranked))


class Overviews:
    """A small LRU cache of overviews; one per app (thread-safe: misses are
    computed one at a time, so a burst of requests computes each view once)."""

    def __init__(self, size: int = 32) -> None:
        self.size = size
        self._cache: OrderedDict[Hashable, Overview] = OrderedDict()
        self._lock = threading.Lock()
        self._compute = threading.Lock()
        self._agencies: tuple[int, dict[str, dd.AgencyInfo]] | None = None

    def get(self, engine: Engine, f: dd.Filters, scope: Scope, *, today: date, now: datetime) -> Overview:
        from_tally = f.as_of == today and f.escalation is None
        state = tally.ensure(engine, today=today, now=now) if from_tally else tally.current(engine)
        key = (state.generation, f, scope.plans)
        found = self._lookup(key)
        if found is not None:
            return found
        with self._compute:
            found = self._lookup(key)
            if found is None:
                found = build(engine, f, scope, generation=state.generation, from_tally=from_tally,
                              infos=self._directory(engine, state.directory_version))
                with self._lock:
                    self._cache[key] = found
                    while len(self._cache) > self.size:
                        self._cache.popitem(last=False)
        return found

    def _directory(self, engine: Engine, version: int) -> dict[str, dd.AgencyInfo]:
        """The agencies' names, levels and parents, read again after each load."""
        if self._agencies is None or self._agencies[0] != version:
            with session_scope(engine, write=False) as session:
                self._agencies = (version, dd.agency_infos(session))
        return self._agencies[1]

    def _lookup(self, key: Hashable) -> Overview | None:
        with self._lock:
            found = self._cache.get(key)
            if found is not None:
                self._cache.move_to_end(key)
            return found
