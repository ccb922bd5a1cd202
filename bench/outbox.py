"""Outbox benchmark: drain N queued digest emails (rendered by dondoc's own
templates) into local aiosmtpd sinks with dondoc's sender (claims, aiosmtplib,
connection reuse, concurrency) vs stdlib smtplib sending the same bytes one
at a time on one connection and marking each row sent (one UPDATE transaction
an email). The rows are queued as compose writes them, with their MIME bytes
in `email.raw`; both contenders send From line + raw. Each contender runs in
its own process on its own copy of the same outbox; emails/s is wall time
from first claim to last mark, and the sender's CPU time per email is kept
too (on 2 cores the sinks and the sender share the CPU).

    python -m bench.outbox --db sqlite --emails 20000 --sinks 3
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import smtplib
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

from sqlalchemy import text

from bench.common import Timer, child, emit, ratio, record, retry_if_restarted, say
from bench.sinks import Sinks
from bench.store import Db, Loader, clone, drop, fresh
from bench.world import NOW, TODAY
from dondoc.notifications.compose import digest_context, email_kind
from dondoc.notifications.message import build_raw, envelope_sender, from_line
from dondoc.notifications.render import render
from dondoc.notifications.sender import SendPolicy, SmtpConfig, drain_outbox_once
from dondoc.store.db import get_engine

EMAIL_COLUMNS = ("id", "key", "kind", "recipient", "to_addrs", "subject", "body_text", "body_html", "raw", "language",
                 "status", "attempts", "next_attempt_at", "claimed_by", "claimed_until", "last_error", "created_at",
                 "sent_at")
MAIL_FROM = "dondoc <dondoc@bench.example.vn>"
DISTINCT = 40  # distinct rendered digests, cycled over the queued rows


def _digest(i: int):  # noqa: ANN202
    """One rendered digest with 1-8 items, Vietnamese (one in five in English)."""
    templates = ("overdue", "escalated", "due_soon")
    rows = [SimpleNamespace(number=f"{k + 1}.{i % 7 + 1}", title=f"Tuyên truyền, phổ biến pháp luật về công tác trẻ em {k}",
                            lead_name=f"Trạm Y tế xã Thanh Lĩnh {i}", due=TODAY - timedelta(days=3 * k + i % 20),
                            level=1 + k % 3, escalation_level=k % 4, role="to" if k % 3 else "cc",
                            recipient=f"agency-{i}", owner_id=f"agency-{i}" if k % 3 else f"owner-{k}",
                            template=templates[(i + k) % (1 + i % 3)], plan_id=f"tre-em-{i % 5}",
                            plan_number=f"{100 + i % 5}/KH-UBND", plan_title="Kế hoạch thực hiện công tác trẻ em 2025-2026")
            for k in range(1 + i % 8)]
    lang = "en" if i % 5 == 4 else "vi"
    ctx = digest_context({"id": f"agency-{i}", "name": f"UBND xã Thanh Lĩnh {i}"}, rows, today=TODAY,
                         link=f"http://127.0.0.1:8000/r/token-{i}")
    kind = email_kind(ctx["templates"])
    return kind, lang, render(kind, lang, ctx)


def _rows(count: int) -> Iterator[tuple]:
    rendered = [_digest(i) for i in range(DISTINCT)]
    composed = NOW.astimezone(UTC) - timedelta(minutes=5)
    stamp = composed.strftime("%Y-%m-%d %H:%M:%S.%f")
    for n in range(1, count + 1):
        kind, lang, r = rendered[n % DISTINCT]
        key, to = f"bench-{n:08d}", [f"vanthu.{n}@xa-{n % 3321}.example.vn"]
        raw = build_raw(key=key, subject=r.subject, text=r.text, html=r.html, to=to, date=composed)
        yield (n, key, kind, f"agency-{n}", json.dumps(to), r.subject, r.text, r.html, raw, lang, "queued", 0, stamp,
               None, None, "", stamp, None)


def prepare(kind: str, count: int) -> Db:
    db = Db(kind, f"dondoc_bench_outbox_{count}")
    fresh(db)
    loader = Loader(db)
    loader.load("email", EMAIL_COLUMNS, _rows(count))
    loader.finish([], {"email": "id"})
    return db


def _cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def _dondoc(url: str, port: int, concurrency: int, mark_batch: int) -> dict:
    extra = {"mark_batch": mark_batch} if mark_batch != 1 else {}
    policy = SendPolicy(concurrency=concurrency, rate_per_s=0, batch=500, **extra)
    r = drain_outbox_once(get_engine(url), smtp=SmtpConfig(host="127.0.0.1", port=port, mail_from=MAIL_FROM),
                          policy=policy, worker="bench", clock=lambda: datetime.now(UTC))
    return {"sent": r.sent, "failed": r.failed, "retrying": r.retrying}


def _stdlib(url: str, port: int) -> dict:
    engine = get_engine(url)
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT id, raw, to_addrs FROM email WHERE status = 'queued' ORDER BY id")).all()
    sent, head, sender = 0, from_line(MAIL_FROM), envelope_sender(MAIL_FROM)
    with smtplib.SMTP("127.0.0.1", port) as smtp:
        for id_, raw, to in rows:
            to = to if isinstance(to, list) else json.loads(to)
            smtp.sendmail(sender, to, head + bytes(raw))
            with engine.execution_options(dondoc_write=True).begin() as conn:
                conn.execute(text("UPDATE email SET status = 'sent', sent_at = :at WHERE id = :id"),
                             {"at": datetime.now(UTC), "id": id_})
            sent += 1
    return {"sent": sent, "failed": 0, "retrying": 0}


def child_main(mode: str, url: str, port: int, concurrency: int, mark_batch: int) -> None:
    cpu = _cpu()
    with Timer() as t:
        out = _dondoc(url, port, concurrency, mark_batch) if mode == "dondoc" else _stdlib(url, port)
    emit({"mode": mode, "seconds": t.seconds, "cpu_s": _cpu() - cpu, **out})


def _contender(db: Db, mode: str, sinks: int, concurrency: int, mark_batch: int = 1) -> dict:
    def once() -> dict:
        copy = clone(db, mode)
        try:
            with Sinks(sinks) as sink:
                out = child("bench.outbox", "child", mode, copy.url, str(sink.port), str(concurrency), str(mark_batch))
            with get_engine(copy.url).connect() as conn:
                unsent = conn.execute(text("SELECT count(*) FROM email WHERE status <> 'sent'")).scalar()
            return out | {"accepted": sink.accepted, "unsent": unsent, "sink_cpu_s": sink.cpu_s,
                          "load_after": os.getloadavg()[0]}
        finally:
            drop(copy)

    return retry_if_restarted(once)


def run(kind: str, emails: int, *, sinks: int = 3, concurrency: int = 8, mark_batch: int = 1) -> dict:
    db = prepare(kind, emails)
    try:
        load = os.getloadavg()[0]
        d = _contender(db, "dondoc", sinks, concurrency, mark_batch)
        s = _contender(db, "stdlib", sinks, concurrency)
    finally:
        drop(db)
    for r in (d, s):
        if r["sent"] != emails or r["accepted"] != emails or r["unsent"]:
            raise AssertionError(f"outbox run lost or doubled emails: {r}")
    figures = {"db": kind, "emails": emails, "sink_processes": sinks, "concurrency": concurrency,
               "mark_batch": mark_batch, "load_avg_1m": round(load, 2),
               "load_avg_1m_after": [round(d["load_after"], 2), round(s["load_after"], 2)],
               "outbox_s": round(d["seconds"], 3), "outbox_emails_per_s": round(emails / d["seconds"]),
               "stdlib_s": round(s["seconds"], 3), "stdlib_emails_per_s": round(emails / s["seconds"]),
               "outbox_ratio_stdlib": ratio(s["seconds"], d["seconds"]),
               "outbox_cpu_ms_per_email": round(d["cpu_s"] * 1000 / emails, 3),
               "stdlib_cpu_ms_per_email": round(s["cpu_s"] * 1000 / emails, 3),
               "sink_cpu_ms_per_email": round(d["sink_cpu_s"] * 1000 / emails, 3)}
    say(f"outbox [{kind}] {emails} emails into {sinks} aiosmtpd processes: dondoc {figures['outbox_emails_per_s']}/s "
        f"({figures['outbox_cpu_ms_per_email']} ms CPU each), stdlib {figures['stdlib_emails_per_s']}/s "
        f"(x{figures['outbox_ratio_stdlib']}); sinks {figures['sink_cpu_ms_per_email']} ms CPU each; "
        f"load average {figures['load_avg_1m']} at start, {figures['load_avg_1m_after']} after each contender")
    return figures


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] == "child":
        mode, url, port, concurrency, mark_batch = argv[1:6]
        child_main(mode, url, int(port), int(concurrency), int(mark_batch))
        return
    ap = argparse.ArgumentParser(prog="python -m bench.outbox", description=__doc__)
    ap.add_argument("--db", choices=("sqlite", "postgres", "both"), default="sqlite")
    ap.add_argument("--emails", type=int, default=20_000)
    ap.add_argument("--sinks", type=int, default=3)
    ap.add_argument("--concurrency", type=int, default=8)
    ap.add_argument("--mark-batch", type=int, default=1, help="SendPolicy.mark_batch (1: a transaction per mark)")
    args = ap.parse_args(argv)
    for kind in ("sqlite", "postgres") if args.db == "both" else (args.db,):
        record("outbox", run(kind, args.emails, sinks=args.sinks, concurrency=args.concurrency,
                             mark_batch=args.mark_batch))


if __name__ == "__main__":
    main()
