"""Sweep benchmark: dondoc's sweep_once vs the floor (bench.floor, set-based
SQL) and the naive ORM loop (bench.naive), each in its own process on its own
copy of the same generated database, at NOW (a week after the last sweep, so
~10% of the rows are due). Also: a second sweep at the same NOW, the peak RSS
of each process, and (optionally) compose_pending, which turns the sweep's
notifications into digest emails. All contenders must leave the same
notification keys and the same occurrence state; the run fails otherwise.

    python -m bench.sweep --db sqlite --size 1000000
"""
from __future__ import annotations

import argparse
import hashlib
import sys

from sqlalchemy import text

from bench.common import Timer, child, emit, ratio, record, retry_if_restarted, rss_mb, say
from bench.store import Db, clone, drop
from bench.world import NOW
from dondoc.engine.calendar import CalendarDecisions, WorkCalendar
from dondoc.store.db import get_engine

MAIL_SECRET = "bench-secret-bench-secret-bench-secret-00"


def _digest(engine, sql: str) -> str:  # noqa: ANN001
    with engine.connect() as conn:
        digest = hashlib.sha256()
        for row in conn.execute(text(sql)):
            digest.update(repr(tuple(row)).encode())
        return digest.hexdigest()[:16]


def _outputs(engine) -> dict:  # noqa: ANN001
    return {"notifications_digest": _digest(engine, "SELECT key, role, template, level FROM notification ORDER BY key"),
            "state_digest": _digest(engine, "SELECT id, last_step, escalation_level, next_check_on, last_reminded_at "
                                            "FROM occurrence ORDER BY id"),
            "events": _digest(engine, "SELECT count(*) FROM event")}


def _dondoc(engine, compose: bool) -> dict:  # noqa: ANN001
    from dondoc.store.sweep import sweep_once

    with Timer() as t:
        r = sweep_once(engine, now=NOW, calendar=WorkCalendar(CalendarDecisions()))
    out = {"seconds": t.seconds, "rss_peak_mb": rss_mb(), "looked_at": r.looked_at, "notifications": r.notifications,
           "escalated": r.due_soon + r.overdue + r.escalated}
    with Timer() as t:
        again = sweep_once(engine, now=NOW, calendar=WorkCalendar(CalendarDecisions()))
    out |= {"repeat_s": t.seconds, "repeat_looked_at": again.looked_at, "repeat_notifications": again.notifications}
    if compose:
        from dondoc.notifications.compose import MailContext, compose_pending

        with Timer() as t:
            emails = compose_pending(engine, now=NOW, mail=MailContext("http://127.0.0.1:8000", MAIL_SECRET))
        out |= {"compose_s": t.seconds, "emails_composed": emails, "compose_rss_peak_mb": rss_mb()}
    return out


def _floor(engine) -> dict:  # noqa: ANN001
    from bench.floor import floor_sweep

    with Timer() as t:
        r = floor_sweep(engine, now=NOW, calendar=WorkCalendar(CalendarDecisions()))
    return {"seconds": t.seconds, "rss_peak_mb": rss_mb(), **r}


def _naive(engine) -> dict:  # noqa: ANN001
    from bench.naive import naive_sweep

    with Timer() as t:
        r = naive_sweep(engine, now=NOW, calendar=WorkCalendar(CalendarDecisions()))
    return {"seconds": t.seconds, "rss_peak_mb": rss_mb(), **r}


def child_main(mode: str, url: str, compose: bool) -> None:
    """One contender in this process; prints its figures as one JSON line."""
    engine = get_engine(url)
    base = rss_mb()
    out = {"dondoc": lambda: _dondoc(engine, compose), "floor": lambda: _floor(engine),
           "naive": lambda: _naive(engine)}[mode]()
    emit({"mode": mode, "rss_base_mb": base, **out, **_outputs(engine)})


def _contender(db: Db, mode: str, compose: bool = False) -> dict:
    def once() -> dict:
        copy = clone(db, mode)
        try:
            return child("bench.sweep", "child", mode, copy.url, "--compose" if compose else "--no-compose")
        finally:
            drop(copy)

    return retry_if_restarted(once)


def run(db: Db, *, naive: bool = True, compose: bool = True) -> dict:
    """Every contender on a copy of `db`; prints and records the figures."""
    runs = {"dondoc": _contender(db, "dondoc", compose), "floor": _contender(db, "floor")}
    if naive:
        runs["naive"] = _contender(db, "naive")
    same = {k: len({r[k] for r in runs.values()}) == 1 for k in ("notifications_digest", "state_digest", "events")}
    if not all(same.values()):
        raise AssertionError(f"contenders disagree: {same} {runs}")
    d, f, n = runs["dondoc"], runs["floor"], runs.get("naive")
    figures = {
        "db": db.kind, "rows_due": d["looked_at"], "notifications": d["notifications"],
        "sweep_s": round(d["seconds"], 3), "floor_s": round(f["seconds"], 3),
        "naive_s": round(n["seconds"], 3) if n else None,
        "sweep_ratio_floor": ratio(d["seconds"], f["seconds"]),
        "sweep_ratio_naive": ratio(n["seconds"], d["seconds"]) if n else None,
        "sweep_rows_per_s": round(d["looked_at"] / d["seconds"]),
        "sweep_peak_rss_mb": d["rss_peak_mb"], "sweep_base_rss_mb": d["rss_base_mb"],
        "floor_peak_rss_mb": f["rss_peak_mb"], "naive_peak_rss_mb": n["rss_peak_mb"] if n else None,
        "repeat_s": round(d["repeat_s"], 3), "repeat_looked_at": d["repeat_looked_at"],
        "compose_s": round(d["compose_s"], 3) if compose else None,
        "emails_composed": d.get("emails_composed"), "same_output": True,
    }
    say(f"sweep [{db.kind}] {figures['rows_due']} due rows, {figures['notifications']} notifications: "
        f"dondoc {figures['sweep_s']} s, floor {figures['floor_s']} s (x{figures['sweep_ratio_floor']}), "
        f"naive {figures['naive_s']} s (dondoc {figures['sweep_ratio_naive']}x faster); "
        f"peak RSS {figures['sweep_peak_rss_mb']} MB; repeat {figures['repeat_s']} s"
        + (f"; compose {figures['compose_s']} s for {figures['emails_composed']} emails" if compose else ""))
    return figures


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] == "child":
        ap = argparse.ArgumentParser(prog="bench.sweep child")
        ap.add_argument("mode", choices=("dondoc", "floor", "naive"))
        ap.add_argument("url")
        ap.add_argument("--compose", action=argparse.BooleanOptionalAction, default=False)
        args = ap.parse_args(argv[1:])
        child_main(args.mode, args.url, args.compose)
        return
    from bench.datasets import dataset_arguments, ensure

    ap = argparse.ArgumentParser(prog="python -m bench.sweep", description=__doc__)
    dataset_arguments(ap)
    ap.add_argument("--no-naive", action="store_true")
    ap.add_argument("--no-compose", action="store_true")
    args = ap.parse_args(argv)
    for db in ensure(args):
        record("sweep", {"size": args.size, **run(db, naive=not args.no_naive, compose=not args.no_compose)})


if __name__ == "__main__":
    main()
