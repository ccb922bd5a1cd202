"""The morning cycle: sweep, compose, send, one after the other in one process
on a copy of the generated data set, as the daily job runs them, the emails
going to aiosmtpd receivers a relay's distance away (bench.sinks with a
round-trip delay per SMTP command, default 20 ms, several processes so the
receiver is not the limit). Reported: one wall time, each stage's, the peak
RSS of the process.

The send stage is also compared with stdlib smtplib sending one email at a
time on one connection (one UPDATE transaction each) to the same delayed
receivers, in the same run. At 20 ms a command that baseline manages ~11
emails/s, so it sends a sample (`stdlib_sample` emails, the first of the same
outbox, again) and the ratio is of rates: dondoc's emails/s over stdlib's.

    python -m bench.cycle --db sqlite --size 100000 --delay-ms 20
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import smtplib
import sys
from datetime import UTC, datetime

from sqlalchemy import text

from bench.common import Timer, child, emit, ratio, record, retry_if_restarted, rss_mb, say
from bench.sinks import Sinks
from bench.store import Db, clone, drop
from bench.world import NOW
from dondoc.engine.calendar import CalendarDecisions, WorkCalendar
from dondoc.store.db import get_engine

MAIL_SECRET = "bench-secret-bench-secret-bench-secret-00"
MAIL_FROM = "dondoc <dondoc@bench.example.vn>"


def _send(engine, port: int, connections: int, rate: float) -> dict:  # noqa: ANN001
    from dondoc.notifications.sender import SendPolicy, SmtpConfig, drain_outbox_once

    policy = SendPolicy(concurrency=connections, rate_per_s=rate, batch=max(500, 16 * connections))
    r = drain_outbox_once(engine, smtp=SmtpConfig(host="127.0.0.1", port=port, mail_from=MAIL_FROM),
                          policy=policy, worker="cycle", clock=lambda: datetime.now(UTC))
    return {"sent": r.sent, "failed": r.failed, "retrying": r.retrying}


def _cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def cycle_main(url: str, port: int, connections: int, rate: float) -> None:
    """The three stages in this process; prints one JSON line."""
    from dondoc.notifications.compose import MailContext, compose_pending
    from dondoc.store.sweep import sweep_once

    engine, base, out = get_engine(url), rss_mb(), {}
    with Timer() as whole:
        with Timer() as t:
            cpu, r = _cpu(), sweep_once(engine, now=NOW, calendar=WorkCalendar(CalendarDecisions()))
        out |= {"sweep_s": t.seconds, "sweep_cpu_s": _cpu() - cpu, "rows_due": r.looked_at,
                "notifications": r.notifications, "sweep_rss_peak_mb": rss_mb()}
        with Timer() as t:
            cpu, emails = _cpu(), compose_pending(engine, now=NOW, mail=MailContext("http://127.0.0.1:8000", MAIL_SECRET))
        out |= {"compose_s": t.seconds, "compose_cpu_s": _cpu() - cpu, "emails": emails,
                "compose_rss_peak_mb": rss_mb()}
        with Timer() as t:
            cpu = _cpu()
            out |= _send(engine, port, connections, rate)
        out |= {"send_s": t.seconds, "send_cpu_s": _cpu() - cpu}
    emit(out | {"cycle_s": whole.seconds, "rss_base_mb": base, "rss_peak_mb": rss_mb()})


def stdlib_main(url: str, port: int, sample: int) -> None:
    """smtplib, one connection, one email at a time, a transaction per mark."""
    engine = get_engine(url)
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT id, raw, to_addrs FROM email WHERE raw IS NOT NULL ORDER BY id LIMIT :n"),
                            {"n": sample}).all()
    from dondoc.notifications.message import envelope_sender, from_line

    head, sender = from_line(MAIL_FROM), envelope_sender(MAIL_FROM)
    with Timer() as t, smtplib.SMTP("127.0.0.1", port) as smtp:
        for id_, raw, to in rows:
            smtp.sendmail(sender, to if isinstance(to, list) else json.loads(to), head + bytes(raw))
            with engine.execution_options(dondoc_write=True).begin() as conn:
                conn.execute(text("UPDATE email SET sent_at = :at WHERE id = :id"), {"at": datetime.now(UTC), "id": id_})
    emit({"sent": len(rows), "seconds": t.seconds})


def _measure(db: Db, *, delay_ms: float, sinks: int, connections: int, rate: float, stdlib_sample: int) -> dict:
    def once() -> dict:
        copy = clone(db, "cycle")
        try:
            with Sinks(sinks, delay_ms) as sink:
                d = child("bench.cycle", "child", copy.url, str(sink.port), str(connections), str(rate))
                s = child("bench.cycle", "stdlib", copy.url, str(sink.port), str(stdlib_sample))
            with get_engine(copy.url).connect() as conn:
                unsent = conn.execute(text("SELECT count(*) FROM email WHERE status <> 'sent'")).scalar()
                pending = conn.execute(text("SELECT count(*) FROM notification WHERE email_id IS NULL")).scalar()
            return {"dondoc": d, "stdlib": s, "accepted": sink.accepted, "unsent": unsent, "pending": pending,
                    "sink_cpu_s": sink.cpu_s}
        finally:
            drop(copy)

    return retry_if_restarted(once)


def _check(m: dict) -> None:
    d, s = m["dondoc"], m["stdlib"]
    if d["sent"] != d["emails"] or m["unsent"] or m["pending"] or m["accepted"] != d["sent"] + s["sent"]:
        raise AssertionError(f"the cycle lost or doubled emails: {m}")


def run(db: Db, *, delay_ms: float = 20.0, sinks: int = 3, connections: int = 32, rate: float = 0.0,
        stdlib_sample: int = 100) -> dict:
    load = os.getloadavg()[0]
    m = _measure(db, delay_ms=delay_ms, sinks=sinks, connections=connections, rate=rate, stdlib_sample=stdlib_sample)
    _check(m)
    d, s = m["dondoc"], m["stdlib"]
    per_s = d["sent"] / d["send_s"] if d["send_s"] else None
    stdlib_per_s = s["sent"] / s["seconds"] if s["seconds"] else None
    figures = {
        "db": db.kind, "cycle_s": round(d["cycle_s"], 2),
        "cycle_stages": {k: round(d[k], 2) for k in ("sweep_s", "compose_s", "send_s")},
        "cycle_rss_peak_mb": d["rss_peak_mb"], "cycle_rss_base_mb": d["rss_base_mb"],
        "cycle_cpu_s": {k: round(d[k], 2) for k in ("sweep_cpu_s", "compose_cpu_s", "send_cpu_s")},
        "compose_cpu_ms_per_email": round(d["compose_cpu_s"] * 1000 / max(1, d["emails"]), 3),
        "send_cpu_ms_per_email": round(d["send_cpu_s"] * 1000 / max(1, d["sent"]), 3),
        "sink_cpu_ms_per_email": round(m["sink_cpu_s"] * 1000 / max(1, m["accepted"]), 3),
        "cycle_rows_due": d["rows_due"], "cycle_notifications": d["notifications"], "cycle_emails": d["emails"],
        "outbox_delay_ms": delay_ms, "outbox_sink_processes": sinks, "outbox_connections": connections,
        "outbox_rate_per_s": rate, "outbox_emails_per_s": round(per_s, 1) if per_s else None,
        "stdlib_sample": s["sent"], "stdlib_emails_per_s": round(stdlib_per_s, 2) if stdlib_per_s else None,
        "outbox_ratio_stdlib": ratio(per_s or 0, stdlib_per_s or 0),
        "load_avg_1m": round(load, 2), "load_avg_1m_after": round(os.getloadavg()[0], 2),
    }
    say(f"cycle [{db.kind}] {figures['cycle_s']} s: {figures['cycle_stages']} ({d['rows_due']} due, "
        f"{d['notifications']} notifications, {d['emails']} emails); peak RSS {figures['cycle_rss_peak_mb']} MB; "
        f"send {figures['outbox_emails_per_s']}/s on {connections} connections at {delay_ms} ms, stdlib "
        f"{figures['stdlib_emails_per_s']}/s (x{figures['outbox_ratio_stdlib']}); CPU {figures['cycle_cpu_s']}, "
        f"per email: compose {figures['compose_cpu_ms_per_email']} ms, send {figures['send_cpu_ms_per_email']} ms, "
        f"receivers {figures['sink_cpu_ms_per_email']} ms; load {figures['load_avg_1m']}")
    return figures


def cycle_arguments(ap: argparse.ArgumentParser) -> None:
    ap.add_argument("--delay-ms", type=float, default=20.0, help="receiver round trip per SMTP command")
    ap.add_argument("--connections", type=int, default=32, help="the sender's SMTP connections")
    ap.add_argument("--send-rate", type=float, default=0.0, help="SendPolicy.rate_per_s (0: none)")
    ap.add_argument("--stdlib-sample", type=int, default=100, help="emails the stdlib baseline sends")


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] == "child":
        cycle_main(argv[1], int(argv[2]), int(argv[3]), float(argv[4]))
        return
    if argv and argv[0] == "stdlib":
        stdlib_main(argv[1], int(argv[2]), int(argv[3]))
        return
    from bench.datasets import dataset_arguments, ensure

    ap = argparse.ArgumentParser(prog="python -m bench.cycle", description=__doc__)
    dataset_arguments(ap)
    cycle_arguments(ap)
    ap.add_argument("--sinks", type=int, default=3)
    args = ap.parse_args(argv)
    for db in ensure(args):
        record("cycle", {"size": args.size, **run(db, delay_ms=args.delay_ms, sinks=args.sinks,
                                                  connections=args.connections, rate=args.send_rate,
                                                  stdlib_sample=args.stdlib_sample)})


if __name__ == "__main__":
    main()
