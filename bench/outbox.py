"""Outbox benchmark: drain N queued digest emails (rendered by dondoc's own
templates) into local aiosmtpd sinks with dondoc's sender (claims, aiosmtplib,
connection reuse, concurrency) vs stdlib smtplib sending the same messages one
at a time on one connection and marking each row sent. Each contender runs in
its own process on its own copy of the same outbox; emails/s is wall time
from first claim to last mark, and the sender's CPU time per email is kept
too (on 2 cores the sinks and the sender share the CPU).

    python -m bench.outbox --db sqlite --emails 20000 --sinks 3
"""
from __future__ import annotations

import argparse
import json
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
from dondoc.engine.db import get_engine
from dondoc.notifications.compose import digest_context, email_kind
from dondoc.notifications.message import build_message
from dondoc.notifications.render import render
from dondoc.notifications.sender import SendPolicy, SmtpConfig, drain_outbox_once

EMAIL_COLUMNS = ("id", "key", "kind", "recipient", "to_addrs", "subject", "body_text", "body_html", "language",
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
    stamp = (NOW.astimezone(UTC) - timedelta(minutes=5)).strftime("%Y-%m-%d %H:%M:%S.%f")
    for n in range(1, count + 1):
        kind, lang, r = rendered[n % DISTINCT]
        yield (n, f"bench-{n:08d}", kind, f"agency-{n}", json.dumps([f"vanthu.{n}@xa-{n % 3321}.example.vn"]),
               r.subject, r.text, r.html, lang, "queued", 0, stamp, None, None, "", stamp, None)


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


def _dondoc(url: str, port: int, concurrency: int) -> dict:
    policy = SendPolicy(concurrency=concurrency, rate_per_s=0, batch=500)
    r = drain_outbox_once(get_engine(url), smtp=SmtpConfig(host="127.0.0.1", port=port, mail_from=MAIL_FROM),
                          policy=policy, worker="bench", clock=lambda: datetime.now(UTC))
    return {"sent": r.sent, "failed": r.failed, "retrying": r.retrying}


def _stdlib(url: str, port: int) -> dict:
    engine = get_engine(url)
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT id, key, subject, body_text, body_html, to_addrs FROM email "
                                 "WHERE status = 'queued' ORDER BY id")).all()
    sent = 0
    with smtplib.SMTP("127.0.0.1", port) as smtp:
        for id_, key, subject, body, html, to in rows:
            to = to if isinstance(to, list) else json.loads(to)
            msg = build_message(key=key, subject=subject, text=body, html=html, to=to, mail_from=MAIL_FROM,
                                date=datetime.now(UTC))
            smtp.send_message(msg, to_addrs=to)
            with engine.execution_options(dondoc_write=True).begin() as conn:
                conn.execute(text("UPDATE email SET status = 'sent', sent_at = :at WHERE id = :id"),
                             {"at": datetime.now(UTC), "id": id_})
            sent += 1
    return {"sent": sent, "failed": 0, "retrying": 0}


def child_main(mode: str, url: str, port: int, concurrency: int) -> None:
    cpu = _cpu()
    with Timer() as t:
        out = _dondoc(url, port, concurrency) if mode == "dondoc" else _stdlib(url, port)
    emit({"mode": mode, "seconds": t.seconds, "cpu_s": _cpu() - cpu, **out})


def _contender(db: Db, mode: str, sinks: int, concurrency: int) -> dict:
    def once() -> dict:
        copy = clone(db, mode)
        try:
            with Sinks(sinks) as sink:
                out = child("bench.outbox", "child", mode, copy.url, str(sink.port), str(concurrency))
            with get_engine(copy.url).connect() as conn:
                unsent = conn.execute(text("SELECT count(*) FROM email WHERE status <> 'sent'")).scalar()
            return out | {"accepted": sink.accepted, "unsent": unsent}
        finally:
            drop(copy)

    return retry_if_restarted(once)


def run(kind: str, emails: int, *, sinks: int = 3, concurrency: int = 8) -> dict:
    db = prepare(kind, emails)
    try:
        d = _contender(db, "dondoc", sinks, concurrency)
        s = _contender(db, "stdlib", sinks, concurrency)
    finally:
        drop(db)
    for r in (d, s):
        if r["sent"] != emails or r["accepted"] != emails or r["unsent"]:
            raise AssertionError(f"outbox run lost or doubled emails: {r}")
    figures = {"db": kind, "emails": emails, "sink_processes": sinks, "concurrency": concurrency,
               "outbox_s": round(d["seconds"], 3), "outbox_emails_per_s": round(emails / d["seconds"]),
               "stdlib_s": round(s["seconds"], 3), "stdlib_emails_per_s": round(emails / s["seconds"]),
               "outbox_ratio_stdlib": ratio(s["seconds"], d["seconds"]),
               "outbox_cpu_ms_per_email": round(d["cpu_s"] * 1000 / emails, 3),
               "stdlib_cpu_ms_per_email": round(s["cpu_s"] * 1000 / emails, 3)}
    say(f"outbox [{kind}] {emails} emails into {sinks} aiosmtpd processes: dondoc {figures['outbox_emails_per_s']}/s "
        f"({figures['outbox_cpu_ms_per_email']} ms CPU each), stdlib {figures['stdlib_emails_per_s']}/s "
        f"(x{figures['outbox_ratio_stdlib']})")
    return figures


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] == "child":
        mode, url, port, concurrency = argv[1:5]
        child_main(mode, url, int(port), int(concurrency))
        return
    ap = argparse.ArgumentParser(prog="python -m bench.outbox", description=__doc__)
    ap.add_argument("--db", choices=("sqlite", "postgres", "both"), default="sqlite")
    ap.add_argument("--emails", type=int, default=20_000)
    ap.add_argument("--sinks", type=int, default=3)
    ap.add_argument("--concurrency", type=int, default=8)
    args = ap.parse_args(argv)
    for kind in ("sqlite", "postgres") if args.db == "both" else (args.db,):
        record("outbox", run(kind, args.emails, sinks=args.sinks, concurrency=args.concurrency))


if __name__ == "__main__":
    main()
