"""Overdue report benchmark on the generated data set (as of TODAY, ~10% of
the rows overdue): p50/p95 over repeated runs, after one warm-up run, of

- overdue_list: dondoc.store.reports.overdue(), the full list that
  `dondoc report overdue` prints (~100 k rows on 1 M);
- overdue_page: the dashboard's list (dashboard_data.overdue_items, first 200);
- agency_aggregate: the dashboard's per-agency query (dashboard_data.tally_view:
  four categories per owner agency summed over the tally, ranked in SQL, and
  the weekly trend);
- overview_build: everything a dashboard request computes when its cache
  misses (web.overview.build: the aggregate, the list, the filter options, the
  roll-up by unit);
- directory: the agencies' names, levels and parents (read again after a load);
- tally_rebuild: counting the tally again (once a day, or after a reload);
- agency_counted, trend_counted: the same numbers counted over the occurrences
  (any as-of date; what the dashboard did before the tally), fewer runs;
- baseline: SELECT owner_id, count(*) ... GROUP BY owner_id over the same rows;
- cli: the whole `dondoc report overdue --format json` command (a process each).

The queries run on a copy of the data set (the tally is written into it).

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
from bench.store import Db, clone, drop
from bench.world import NOW, TODAY
from dondoc.store import tally
from dondoc.store.db import get_engine, session_scope
from dondoc.store.reports import overdue
from dondoc.web import dashboard_data as dd
from dondoc.web.overview import build
from dondoc.web.scope import EVERYTHING

BASELINE = ("SELECT owner_id, count(*) FROM occurrence WHERE due < :as_of AND on_event = false "
            "AND status IN ('not_started', 'in_progress', 'reported') GROUP BY owner_id")
DASHBOARD_ITEMS = 200  # dondoc.web.pages_admin.SHOWN_ITEMS


SLOW = {"overdue_list", "agency_counted", "trend_counted", "tally_rebuild"}


def _queries(db: Db) -> dict[str, Callable]:
    f = dd.Filters(as_of=TODAY)
    as_of = TODAY.isoformat() if db.kind == "sqlite" else TODAY
    engine = get_engine(db.url)
    with session_scope(engine, write=False) as session:
        directory = dd.agency_infos(session)  # the web app keeps it between loads
    return {
        "tally_rebuild": lambda s: [tally.rebuild(s, as_of=TODAY, now=NOW)],
        "overdue_list": lambda s: overdue(s, as_of=TODAY),
        "overdue_page": lambda s: dd.overdue_items(s, f, EVERYTHING, limit=DASHBOARD_ITEMS),
        "directory": lambda s: dd.agency_infos(s),
        "agency_aggregate": lambda s: dd.tally_view(s, f, EVERYTHING, directory)[0],
        "overview_build": lambda s: build(engine, f, EVERYTHING, generation=0, from_tally=True, infos=directory).ranked,
        "agency_counted": lambda s: dd.agency_rows(s, f, EVERYTHING),
        "trend_counted": lambda s: dd.trend(s, f, EVERYTHING),
        "baseline": lambda s: s.execute(text(BASELINE), {"as_of": as_of}).all(),
    }


def _time(db: Db, query: Callable, runs: int, *, write: bool = False) -> dict:
    engine = get_engine(db.url)
    samples, rows = [], 0
    for i in range(runs + 1):
        with Timer() as t:
            with session_scope(engine, write=write) as session:
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


def _runs(name: str, runs: int, list_runs: int) -> int:
    return min(3, list_runs) if name == "tally_rebuild" else list_runs if name in SLOW else runs


def run(db: Db, *, runs: int = 50, list_runs: int = 20, cli_runs: int = 3) -> dict:
    copy = clone(db, "report")
    try:
        timings = {name: _time(copy, query, _runs(name, runs, list_runs), write=name == "tally_rebuild")
                   for name, query in _queries(copy).items()}
        if cli_runs:
            timings["cli"] = _cli(copy, cli_runs)
    finally:
        drop(copy)
    base = timings["baseline"]["p95_ms"]
    interactive = max(timings["agency_aggregate"]["p95_ms"], timings["overdue_page"]["p95_ms"])
    figures = {"db": db.kind, "report_p95_ms": interactive,
               "overdue_rows": timings["overdue_list"]["rows"], "agencies_in_aggregate": timings["agency_aggregate"]["rows"],
               **{f"{k}_{m}": v[m] for k, v in timings.items() for m in ("p50_ms", "p95_ms")},
               "aggregate_ratio_baseline": ratio(timings["agency_aggregate"]["p95_ms"], base),
               "counted_ratio_baseline": ratio(timings["agency_counted"]["p95_ms"], base),
               "list_ratio_baseline": ratio(timings["overdue_list"]["p95_ms"], base),
               "cli_output_mb": timings.get("cli", {}).get("output_mb"), "runs": runs, "list_runs": list_runs}
    say(f"report [{db.kind}] p95: per-agency aggregate {figures['agency_aggregate_p95_ms']} ms "
        f"(x{figures['aggregate_ratio_baseline']} the GROUP BY's {base} ms; counted: "
        f"{figures['agency_counted_p95_ms']} ms), dashboard list {figures['overdue_page_p95_ms']} ms, cache miss "
        f"{figures['overview_build_p95_ms']} ms, tally rebuild {figures['tally_rebuild_p50_ms']} ms, full list of "
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
