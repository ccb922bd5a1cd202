"""Overdue report benchmark on the generated data set (as of TODAY, ~10% of
the rows overdue): p50/p95 over repeated runs, after one warm-up run, of

- overdue_list: dondoc.engine.reports.overdue(), the full list that
  `dondoc report overdue` prints (~100 k rows on 1 M);
- overdue_page: the dashboard's list (dashboard_data.overdue_items, first 200);
- agency_aggregate: the dashboard's per-agency query (dashboard_data.agency_rows:
  four categories per owner agency plus each agency's oldest overdue item);
- trend: the dashboard's eight weekly overdue counts;
- baseline: SELECT owner_id, count(*) ... GROUP BY owner_id over the same rows;
- cli: the whole `dondoc report overdue --format json` command (a process each).

    python -m bench.report --db sqlite --size 1000000 --runs 50
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
from collections.abc import Callable

from sqlalchemy import text

from bench.common import ROOT, Timer, ms, percentile, ratio, record, say
from bench.store import Db
from bench.world import TODAY
from dondoc.engine.db import get_engine, session_scope
from dondoc.engine.reports import overdue
from dondoc.web import dashboard_data as dd
from dondoc.web.scope import EVERYTHING

BASELINE = ("SELECT owner_id, count(*) FROM occurrence WHERE due < :as_of AND on_event = false "
            "AND status IN ('not_started', 'in_progress', 'reported') GROUP BY owner_id")
DASHBOARD_ITEMS = 200  # dondoc.web.pages_admin.SHOWN_ITEMS


def _queries(db: Db) -> dict[str, Callable]:
    f = dd.Filters(as_of=TODAY)
    as_of = TODAY.isoformat() if db.kind == "sqlite" else TODAY
    return {
        "overdue_list": lambda s: overdue(s, as_of=TODAY),
        "overdue_page": lambda s: dd.overdue_items(s, f, EVERYTHING, limit=DASHBOARD_ITEMS),
        "agency_aggregate": lambda s: dd.agency_rows(s, f, EVERYTHING),
        "trend": lambda s: dd.trend(s, f, EVERYTHING),
        "baseline": lambda s: s.execute(text(BASELINE), {"as_of": as_of}).all(),
    }


def _time(db: Db, query: Callable, runs: int) -> dict:
    engine = get_engine(db.url)
    samples, rows = [], 0
    for i in range(runs + 1):
        with Timer() as t:
            with session_scope(engine, write=False) as session:
                rows = len(query(session))
        if i:
            samples.append(t.seconds)
    return {"p50_ms": ms(percentile(samples, 50)), "p95_ms": ms(percentile(samples, 95)), "runs": runs, "rows": rows}


def _cli(db: Db, runs: int) -> dict:
    env = dict(os.environ, DONDOC_DATABASE_URL=db.url)
    cmd = [str(ROOT / ".venv" / "bin" / "dondoc"), "report", "overdue", "--as-of", TODAY.isoformat(), "--format", "json"]
    samples, size = [], 0
    for _ in range(runs):
        with Timer() as t:
            out = subprocess.run(cmd, env=env, capture_output=True, check=True, cwd=ROOT).stdout
        samples.append(t.seconds)
        size = len(out)
    return {"p50_ms": ms(percentile(samples, 50)), "p95_ms": ms(percentile(samples, 95)), "runs": runs,
            "output_mb": round(size / 1e6, 1)}


def run(db: Db, *, runs: int = 50, list_runs: int = 20, cli_runs: int = 3) -> dict:
    timings = {}
    for name, query in _queries(db).items():
        timings[name] = _time(db, query, list_runs if name == "overdue_list" else runs)
    if cli_runs:
        timings["cli"] = _cli(db, cli_runs)
    base = timings["baseline"]["p95_ms"]
    interactive = max(timings["agency_aggregate"]["p95_ms"], timings["overdue_page"]["p95_ms"])
    figures = {"db": db.kind, "report_p95_ms": interactive,
               "overdue_rows": timings["overdue_list"]["rows"], "agencies_in_aggregate": timings["agency_aggregate"]["rows"],
               **{f"{k}_{m}": v[m] for k, v in timings.items() for m in ("p50_ms", "p95_ms")},
               "aggregate_ratio_baseline": ratio(timings["agency_aggregate"]["p95_ms"], base),
               "list_ratio_baseline": ratio(timings["overdue_list"]["p95_ms"], base),
               "cli_output_mb": timings.get("cli", {}).get("output_mb"), "runs": runs, "list_runs": list_runs}
    say(f"report [{db.kind}] p95: per-agency aggregate {figures['agency_aggregate_p95_ms']} ms "
        f"(x{figures['aggregate_ratio_baseline']} the GROUP BY's {base} ms), dashboard list "
        f"{figures['overdue_page_p95_ms']} ms, trend {figures['trend_p95_ms']} ms, full list of "
        f"{figures['overdue_rows']} rows {figures['overdue_list_p95_ms']} ms"
        + (f", CLI {figures['cli_p95_ms']} ms" if cli_runs else ""))
    return figures


def main(argv: list[str] | None = None) -> None:
    from bench.datasets import dataset_arguments, ensure

    ap = argparse.ArgumentParser(prog="python -m bench.report", description=__doc__)
    dataset_arguments(ap)
    ap.add_argument("--runs", type=int, default=50)
    ap.add_argument("--list-runs", type=int, default=20, help="runs of the full overdue list")
    ap.add_argument("--cli-runs", type=int, default=3)
    args = ap.parse_args(sys.argv[1:] if argv is None else argv)
    for db in ensure(args):
        record("report", {"size": args.size, **run(db, runs=args.runs, list_runs=args.list_runs,
                                                   cli_runs=args.cli_runs)})


if __name__ == "__main__":
    main()
