"""Deterministic national data set: agencies, plans, tasks and N open
occurrences (~10% overdue, spread over escalation levels), bulk-loaded into
SQLite or PostgreSQL. The same Shape (seed included) gives the same rows.

The occurrences' escalation state is what dondoc's own decide() left on
LAST_SWEEP, a week before NOW: the sweep being measured catches up a week,
which puts ~10% of the rows due at NOW.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import math
import random
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from datetime import time as clock_time
from zoneinfo import ZoneInfo

from rich.console import Console
from rich.progress import MofNCompleteColumn, Progress
from sqlalchemy import text

from bench.geography import AGENCY_COLUMNS, Province, build, split
from bench.periods import periods, state_after_last_sweep
from bench.store import Db, Loader, fresh
from bench.world import (
    AREAS,
    COMMUNE_TASKS,
    COMMUNE_UNITS,
    LAST_SWEEP,
    OCCURRENCES_PER_AREA,
    POLICIES,
    PROVINCE_TASKS,
    REPORTING,
    SPAN,
    TASKS_PER_COMMUNE_PLAN,
    TODAY,
    VARIANTS,
    VN_TZ,
    Area,
)
from dondoc.store.db import get_engine

PLAN_COLUMNS = ("id", "number", "title", "issued_by", "issued_on", "focal_id", "implements", "escalation", "reporting",
                "starts_on", "ends_on", "source", "warnings", "active")
TASK_COLUMNS = ("id", "plan_id", "number", "kind", "title", "text", "lead_id", "support", "timeframe", "due",
                "indicators", "schedule", "warnings", "source", "removed")
OCCURRENCE_COLUMNS = ("id", "task_id", "plan_id", "owner_id", "period", "due", "on_event", "status", "reported_on",
                      "completed_on", "escalation_level", "last_step", "last_reminded_at", "next_check_on", "note",
                      "evidence_url")
SWEPT_AT = datetime.combine(LAST_SWEEP, clock_time(9), VN_TZ).astimezone(ZoneInfo("UTC")).strftime("%Y-%m-%d %H:%M:%S.%f")
SCHEDULE_KIND = {"month": "Recurring", "quarter": "Recurring", "half": "Recurring", "year": "Recurring",
                 "deadline": "Deadline", "continuous": "Continuous", "event": "OnEvent"}


@dataclass(frozen=True)
class Shape:
    occurrences: int = 1_000_000
    provinces: int = 34
    communes: int = 3321
    overdue_share: float = 0.10
    seed: int = 20251111
    areas: int = 0  # 0: one area per OCCURRENCES_PER_AREA occurrences

    def slug(self) -> str:
        """A database name for this shape (defaults left out)."""
        extra = "".join(f"_{k[0]}{v}" for k, v in asdict(self).items()
                        if k != "occurrences" and v != getattr(Shape, k))
        return f"dondoc_bench_{self.occurrences}{extra}"

    def area_count(self) -> int:
        return min(len(AREAS), self.areas or max(1, math.ceil(self.occurrences / OCCURRENCES_PER_AREA)))


@dataclass(frozen=True)
class Series:
    """One owner's periods of one task."""

    task_id: int
    plan_id: str
    owner: str
    rec: tuple
    policy: str


@dataclass
class Design:
    agencies: list[tuple]
    plans: list[tuple] = field(default_factory=list)
    tasks: list[tuple] = field(default_factory=list)
    series: list[list[Series]] = field(default_factory=list)  # per plan


@dataclass
class Summary:
    agencies: int = 0
    plans: int = 0
    tasks: int = 0
    occurrences: int = 0
    overdue: int = 0
    due_now: int = 0
    by_status: dict = field(default_factory=dict)
    levels_overdue: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        return asdict(self)


def _schedule(rec: tuple, timeframe: str) -> str:
    part: dict = {"kind": SCHEDULE_KIND.get(rec[0], "Recurring"), "text": timeframe}
    if rec[0] in ("month", "quarter", "year"):
        part |= {"every": rec[0], "day": rec[1] if rec[0] == "year" else None, "month": rec[2] if rec[0] == "year" else None}
    elif rec[0] == "half":
        part |= {"every": "half_year", "day": None, "month": None}
    elif rec[0] == "deadline":
        part["due"] = rec[1]
    return json.dumps([part], ensure_ascii=False)


class _Planner:
    def __init__(self, shape: Shape):
        self.provinces, agencies = build(shape.provinces, shape.communes)
        self.design = Design(agencies)
        self.areas = AREAS[: shape.area_count()]

    def run(self) -> Design:
        for a, area in enumerate(self.areas):
            for p in self.provinces:
                self._province_plan(a, area, p)
                for k, commune in enumerate(p.communes):
                    self._commune_plan(a, area, p, k, commune.units)
        return self.design

    def _plan(self, plan_id: str, number: str, title: str, issuer: str, focal: str, implements: str | None,
              policy: str, reporters: list[str] | str) -> None:
        reporting = [{"name": n, "due": due, "from": reporters, "to": "focal"} for n, due in REPORTING]
        self.design.plans.append((plan_id, number, title, issuer, "2025-01-15", focal, implements, policy,
                                  json.dumps(reporting, ensure_ascii=False), SPAN[0].isoformat(), SPAN[1].isoformat(),
                                  "bench", "[]", 1))
        self.design.series.append([])

    def _task(self, plan_id: str, number: str, kind: str, template: tuple, topic: str, lead: str,
              support: list[str]) -> int:
        title, timeframe, rec = template[0].format(t=topic), template[1], template[2]
        task_id = len(self.design.tasks) + 1
        self.design.tasks.append((task_id, plan_id, number, kind, title, "", lead, json.dumps(support), timeframe, None,
                                  "[]", _schedule(rec, timeframe) if kind == "task" else "[]", "[]", "bench", 0))
        return task_id

    def _tasks(self, plan_id: str, policy: str, topic: str, catalogue: tuple, who: dict[str, str],
               reporters: list[str]) -> None:
        series = self.design.series[-1]
        for i, template in enumerate(catalogue):
            lead = who.get(template[3]) or who["truong-th"]
            support = [who[s] for s in template[4] if s in who]
            task_id = self._task(plan_id, str(i + 1), "task", template, topic, lead, support)
            series.append(Series(task_id, plan_id, lead, template[2], policy))
        focal = who["focal"]
        for j, (name, due) in enumerate(REPORTING):
            day, month = (int(x) for x in due.split("/"))
            task_id = self._task(plan_id, f"BC-{j + 1}", "report", (name, f"{name} trước ngày {due} hằng năm", ()),
                                 topic, focal, [])
            series += [Series(task_id, plan_id, owner, ("report", (day, month)), policy) for owner in reporters]

    def _province_plan(self, a: int, area: Area, p: Province) -> None:
        who = dict(p.departments) | {"focal": p.departments[area.province_focal], "truong-th": p.departments["so-gd-dt"]}
        leads = sorted({who.get(t[3]) or who["truong-th"] for t in PROVINCE_TASKS})
        reporters = leads + [c.id for c in p.communes]
        plan_id = f"{area.slug}-{p.slug}"
        self._plan(plan_id, f"{101 + a}/KH-UBND", f"Kế hoạch thực hiện {area.topic} giai đoạn 2025-2026 tỉnh {p.name}",
                   p.ubnd, who["focal"], None, "default", reporters)
        self._tasks(plan_id, "default", area.topic, PROVINCE_TASKS, who, reporters)

    def _commune_plan(self, a: int, area: Area, p: Province, k: int, units: dict[str, str]) -> None:
        who = units | {"focal": units[area.commune_focal]}
        plan_id = f"{area.slug}-{units['ubnd']}"
        self._plan(plan_id, f"{k + 1}/KH-UBND", f"Kế hoạch thực hiện {area.topic} năm 2025-2026 xã", units["ubnd"],
                   who["focal"], f"{area.slug}-{p.slug}", "commune", "leads")
        catalogue = _cycled(COMMUNE_TASKS, TASKS_PER_COMMUNE_PLAN)
        leads = sorted({who.get(t[3]) or who["truong-th"] for t in catalogue})
        self._tasks(plan_id, "commune", area.topic, catalogue, who, leads)


def _cycled(catalogue: tuple, count: int) -> tuple:
    """`count` task templates: the catalogue, then variants of it with the lead
    passed round the commune units."""
    roles = [role for role, _, _ in COMMUNE_UNITS]
    out = []
    for i in range(count):
        title, timeframe, rec, lead, support = catalogue[i % len(catalogue)]
        if i >= len(catalogue):
            title, lead = f"{title} {VARIANTS[(i // len(catalogue) - 1) % len(VARIANTS)]}", roles[i % len(roles)]
        out.append((title, timeframe, rec, lead, support))
    return tuple(out)


def design(shape: Shape) -> Design:
    return _Planner(shape).run()


class _Emitter:
    """Turns series into occurrence rows, sharing the size out over the plans
    and keeping the overdue share near its target as it goes."""

    def __init__(self, shape: Shape, summary: Summary):
        self.shape, self.summary = shape, summary
        self.rng = random.Random(shape.seed)
        self.next_id = 1
        self.levels: Counter = Counter()
        self.statuses: Counter = Counter()

    def rows(self, design: Design) -> Iterator[tuple]:
        room = [[max(1, len(periods(s.rec)[0]) - periods(s.rec)[1]) for s in series] for series in design.series]
        carry = 0  # what a series could not take passes to the next
        for series, space, budget in zip(design.series, room, split(self.shape.occurrences, [sum(r) for r in room]), strict=False):
            for s, share in zip(series, split(budget, space), strict=False):
                want, taken = share + carry, 0
                for row in self._series(s, want):
                    taken += 1
                    yield row
                carry = want - taken
        if carry:
            raise ValueError(f"{self.shape.occurrences} occurrences do not fit this shape; add areas (--areas)")
        self.summary.by_status, self.summary.levels_overdue = dict(self.statuses), dict(sorted(self.levels.items()))

    def _behind(self, past: int, want: int) -> int:
        s = self.summary
        if past == 0 or want == 0 or s.overdue >= self.shape.overdue_share * (s.occurrences + want):
            return 0
        return min(past, want, self.rng.choice((1, 1, 1, 2, 2, 3)))

    def _series(self, s: Series, want: int) -> Iterator[tuple]:
        all_periods, past = periods(s.rec)
        start = past - self._behind(past, want)
        for key, due in all_periods[start:start + want]:
            yield self._row(s, key, due)

    def _row(self, s: Series, key: str, due) -> tuple:  # noqa: ANN001
        r = self.rng.random()
        status = "reported" if r < 0.05 else "in_progress" if r < 0.25 else "not_started"
        reported_on = (TODAY - timedelta(days=1 + self.rng.randrange(20))).isoformat() if status == "reported" else None
        step, level, check, fired = state_after_last_sweep(s.policy, due) if due is not None else (-1, 0, None, False)
        check = None if status == "reported" else check
        row = (self.next_id, s.task_id, s.plan_id, s.owner, key, due.isoformat() if due else None, int(due is None),
               status, reported_on, None, level, step,
               SWEPT_AT if fired else None, check.isoformat() if check else None, "", "")
        self.next_id += 1
        self._count(due, status, level, check)
        return row

    def _count(self, due, status: str, level: int, check) -> None:  # noqa: ANN001
        s = self.summary
        s.occurrences += 1
        self.statuses[status] += 1
        if due is not None and due < TODAY:
            s.overdue += 1
            self.levels[level] += 1
        if check is not None and check <= TODAY:
            s.due_now += 1


def occurrences(shape: Shape, design_: Design, summary: Summary) -> Iterator[tuple]:
    return _Emitter(shape, summary).rows(design_)


def policy_rows() -> list[tuple]:
    return [(pid, json.dumps(p["steps"]), p["repeat_every"]) for pid, p in POLICIES.items()]


def generate(db: Db, shape: Shape, *, progress: bool = True) -> Summary:
    """A fresh database at `db` holding the data set of `shape`."""
    fresh(db)
    d = design(shape)
    summary = Summary(agencies=len(d.agencies), plans=len(d.plans), tasks=len(d.tasks))
    loader = Loader(db)
    with Progress(*Progress.get_default_columns(), MofNCompleteColumn(), console=Console(stderr=True),
                  disable=not progress) as bar:
        loader.load("agency", AGENCY_COLUMNS, d.agencies)
        loader.load("policy", ("id", "steps", "repeat_every"), policy_rows())
        loader.load("plan", PLAN_COLUMNS, d.plans)
        loader.load("task", TASK_COLUMNS, d.tasks)
        rebuild = loader.defer_indexes("occurrence")
        job = bar.add_task(f"{db.kind}: occurrences", total=shape.occurrences)
        loader.load("occurrence", OCCURRENCE_COLUMNS, occurrences(shape, d, summary), tick=lambda n: bar.advance(job, n))
        bar.update(job, description=f"{db.kind}: indexes")
        loader.finish(rebuild, {"task": "id", "occurrence": "id"})
    return summary


def fingerprint(db: Db) -> str:
    """A digest of every generated row, to check that a seed gives the same data."""
    digest = hashlib.sha256()
    with get_engine(db.url).connect() as conn:
        for table, key in (("agency", "id"), ("plan", "id"), ("task", "id"), ("occurrence", "id")):
            for row in conn.execute(text(f'SELECT * FROM "{table}" ORDER BY {key}')):
                digest.update(repr(tuple(row)).encode())
    return digest.hexdigest()


def main() -> None:
    ap = argparse.ArgumentParser(description="Generate the national benchmark data set.")
    ap.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    ap.add_argument("--size", type=int, default=Shape.occurrences)
    ap.add_argument("--seed", type=int, default=Shape.seed)
    ap.add_argument("--name", default=None, help="database name / file stem (default dondoc_bench_<size>)")
    args = ap.parse_args()
    db = Db(args.db, args.name or f"dondoc_bench_{args.size}")
    started = time.perf_counter()
    summary = generate(db, Shape(occurrences=args.size, seed=args.seed))
    print(json.dumps(summary.as_dict() | {"url": db.url, "seconds": round(time.perf_counter() - started, 1)}))


if __name__ == "__main__":
    main()
