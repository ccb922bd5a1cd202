"""python -m bench: every benchmark, each measured against its baseline in
the same run, each appending a JSON line to var/bench/ (ignored by git).

    python -m bench --quick --json     100 k occurrences, SQLite, 2,000 emails, 10 report runs, no compose,
                                       no dashboard (under two minutes)
    python -m bench --importer --quick   drafting time against document size (no database; seconds)
    python -m bench --cli --quick --json   `dondoc --help` and each command's --help against `python -c pass`
    python -m bench --db both          1 M occurrences on SQLite and PostgreSQL, 20,000 emails, 50 report
                                       runs, dashboard 20 clients x 30 s
    python -m bench --cycle            the morning cycle (sweep, compose, send to receivers 20 ms away) and
                                       the dashboard under 5 status changes a second, 1 M occurrences
    python -m bench --cycle --quick --json   the same at 100 k (800 communes), SQLite, 10 s per dashboard phase

With --json, stdout carries one JSON object: the figures of the first
database flat (sweep_s, floor_s, naive_s, sweep_ratio_floor, sweep_ratio_naive,
sweep_peak_rss_mb, outbox_emails_per_s, outbox_ratio_stdlib, report_p95_ms, ...)
and those of any other database under its name. Progress goes to stderr.
"""
from __future__ import annotations

import argparse
import json
import sys

from bench import cli, cycle, dashboard, importer, live, outbox, report, sweep
from bench.common import Timer, record, say
from bench.datasets import dataset_arguments, ensure, kinds

BENCHMARKS = ("sweep", "outbox", "report", "dashboard", "cycle", "live")
QUICK = {"size": 100_000, "db": "sqlite", "emails": 2_000, "runs": 10, "list_runs": 3, "cli_runs": 1,
         "only": "sweep,outbox,report"}
QUICK_CYCLE = {"size": 100_000, "communes": 800, "db": "sqlite", "seconds": 10, "stdlib_sample": 50,
               "only": "cycle,live"}  # 800 communes: ~3,000 digests instead of ~12,700, a cycle of a minute or two
NOT_MEASURED = {
    "prefect_speedup_2_workers": "not measured: the Prefect benchmark (partitioned sweep and send flow on 1 and 2 "
                                 "process workers against PostgreSQL) is not built yet",
    "prefect_overhead_ratio": "not measured: needs the same Prefect benchmark (Prefect time / direct time)",
}


def _arguments(argv: list[str]) -> argparse.Namespace:
    ap = argparse.ArgumentParser(prog="python -m bench", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    dataset_arguments(ap)
    ap.add_argument("--quick", action="store_true", help="the quick sizes (defaults below are the full ones)")
    ap.add_argument("--json", action="store_true", help="print one JSON object on stdout")
    ap.add_argument("--only", default=",".join(BENCHMARKS[:4]),
                    help=f"comma-separated subset of {','.join(BENCHMARKS)} (default %(default)s; --cycle: cycle,live)")
    ap.add_argument("--emails", type=int, default=20_000)
    ap.add_argument("--sinks", type=int, default=3, help="aiosmtpd processes behind one port")
    ap.add_argument("--runs", type=int, default=50, help="report runs per query")
    ap.add_argument("--list-runs", type=int, default=20, help="runs of the full overdue list")
    ap.add_argument("--cli-runs", type=int, default=3)
    ap.add_argument("--clients", type=int, default=20)
    ap.add_argument("--seconds", type=int, default=30)
    ap.add_argument("--no-naive", action="store_true", help="skip the naive sweep (minutes on 1 M)")
    ap.add_argument("--importer", action="store_true", help="only the importer benchmark (no database)")
    ap.add_argument("--cli", action="store_true", help="only the CLI start-up benchmark: --help against python -c pass")
    ap.add_argument("--no-compose", action="store_true", help="skip compose_pending after the sweep")
    ap.add_argument("--cycle", action="store_true", help="the morning cycle and the dashboard under writes")
    ap.add_argument("--writes-per-s", type=float, default=5.0, help="status changes a second (dashboard live)")
    cycle.cycle_arguments(ap)
    args = ap.parse_args(argv)
    if args.cycle:
        given = {a.split("=")[0].lstrip("-").replace("-", "_") for a in argv if a.startswith("--")}
        for key, value in (QUICK_CYCLE if args.quick else {"only": "cycle,live"}).items():
            if key not in given:
                setattr(args, key, value)
    if args.quick and not args.cycle:
        given = {a.split("=")[0].lstrip("-").replace("-", "_") for a in argv if a.startswith("--")}
        for key, value in QUICK.items():
            if key not in given:
                setattr(args, key, value)
        args.no_compose = True
    return args


def _one(kind: str, db, args: argparse.Namespace, only: set[str]) -> dict:  # noqa: ANN001
    mode = {"size": args.size, "quick": args.quick}
    figures: dict = {"db": kind, "size": args.size}
    if "sweep" in only:
        figures |= record("sweep", mode | sweep.run(db, naive=not args.no_naive, compose=not args.no_compose))
    if "outbox" in only:
        figures |= record("outbox", mode | outbox.run(kind, args.emails, sinks=args.sinks))
    if "report" in only:
        figures |= record("report", mode | report.run(db, runs=args.runs, list_runs=args.list_runs,
                                                      cli_runs=args.cli_runs))
    if "dashboard" in only:
        figures |= record("dashboard", mode | dashboard.run(db, clients=args.clients, seconds=args.seconds))
    if "cycle" in only:
        figures |= record("cycle", mode | cycle.run(db, delay_ms=args.delay_ms, sinks=args.sinks,
                                                    connections=args.connections, rate=args.send_rate,
                                                    stdlib_sample=args.stdlib_sample))
    if "live" in only:
        figures |= record("live", mode | live.run(db, clients=args.clients, seconds=args.seconds,
                                                  writes_per_s=args.writes_per_s))
    if args.cycle:
        figures |= {key: None for key in NOT_MEASURED}
        figures["notes"] = [f"{key}: {why}" for key, why in NOT_MEASURED.items()]
        if args.quick:
            figures["notes"].append(f"quick sizes ({args.size} occurrences, {args.communes} communes, "
                                    f"{args.seconds} s a dashboard phase): the targets are for 1 M")
    for key in ("benchmark", "at", "machine", "db"):
        figures.pop(key, None)
    return figures


def main(argv: list[str] | None = None) -> dict:
    args = _arguments(sys.argv[1:] if argv is None else argv)
    if args.importer:
        return _importer(args)
    if args.cli:
        return _alone("cli", args, cli.run(runs=5 if args.quick else 10))
    only = {b.strip() for b in args.only.split(",") if b.strip()}
    unknown = only - set(BENCHMARKS)
    if unknown:
        raise SystemExit(f"unknown benchmark(s): {', '.join(sorted(unknown))}")
    results: dict = {}
    with Timer() as t:
        dbs = ensure(args) if only - {"outbox"} else [None] * len(kinds(args.db))
        for kind, db in zip(kinds(args.db), dbs, strict=False):
            results[kind] = _one(kind, db, args, only)
    first, *others = results
    out = {"db": first, **results[first], **{k: results[k] for k in others}, "total_s": round(t.seconds, 1)}
    say(f"done in {out['total_s']} s")
    if args.json:
        sys.stdout.write(json.dumps(out, default=str) + "\n")
    return out


def _importer(args: argparse.Namespace) -> dict:
    return _alone("importer", args, importer.run(quick=args.quick))


def _alone(name: str, args: argparse.Namespace, measured: dict) -> dict:
    """A benchmark that needs no data set: its figures recorded and printed on their own."""
    figures = record(name, {"quick": args.quick, **measured})
    if args.json:
        sys.stdout.write(json.dumps(figures, default=str) + "\n")
    return figures


if __name__ == "__main__":
    main()
