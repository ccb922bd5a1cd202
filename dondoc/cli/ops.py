"""Operational commands: check (the sweep), send, outbox, preview-email, summary."""
from __future__ import annotations

import json
import sys
from datetime import timedelta
from typing import Annotated, Optional

import typer

from dondoc.cli.app import app, choice, fail, open_engine, out, read_settings, when


@app.command()
def check(now: Annotated[Optional[str], typer.Option(help="ISO date/time (mặc định: bây giờ)")] = None,
          dry_run: Annotated[bool, typer.Option("--dry-run", help="Chỉ xem, không ghi gì / write nothing")] = False,
          as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Rà soát: nhắc hạn, quá hạn, đôn đốc lên cấp trên / the escalation sweep."""
    from dondoc.workflows.jobs import Runtime, run_sweep

    settings = read_settings()
    result = run_sweep(open_engine(settings), Runtime.from_settings(settings), now=when(now), dry_run=dry_run)
    data = result.as_dict()
    if as_json:
        sys.stdout.write(json.dumps(data, ensure_ascii=False) + "\n")
        return
    out.print(f"Rà soát ngày {result.as_of}: xem {result.looked_at}, sắp đến hạn {result.due_soon}, quá hạn "
              f"{result.overdue}, đôn đốc lên cấp trên {result.escalated}, thư xếp hàng {result.emails_queued}"
              f"{' (chạy thử, không ghi)' if dry_run else ''}", markup=False)
    for w in result.would_send[:200]:
        out.print(f"  #{w['occurrence_id']} bước {w['step']} -> {w['recipient']} ({w['role']}, {w['template']})", markup=False)


@app.command()
def send(as_json: Annotated[bool, typer.Option("--json")] = False,
         max_batches: Annotated[Optional[int], typer.Option(help="Giới hạn số lô / stop after N batches")] = None) -> None:
    """Gửi thư trong hàng đợi / drain the outbox over SMTP."""
    from dondoc import clock
    from dondoc.workflows.jobs import Runtime, run_send

    settings = read_settings()
    result = run_send(open_engine(settings), Runtime.from_settings(settings), clock=clock.now, max_batches=max_batches)
    if as_json:
        sys.stdout.write(json.dumps(result.as_dict(), ensure_ascii=False) + "\n")
        return
    out.print(f"Đã gửi {result.sent}, lỗi {result.failed}, thử lại sau {result.retrying}", markup=False)
    for e in result.errors[:20]:
        out.print(f"  {e}", markup=False)


OUTBOX_STATUSES = ("queued", "retrying", "sending", "sent", "failed")


@app.command()
def outbox(status: Annotated[Optional[str], typer.Option(help="queued|retrying|sending|sent|failed")] = None,
           limit: int = 50, as_json: Annotated[bool, typer.Option("--json")] = False,
           retry: Annotated[Optional[list[int]], typer.Option(help="Gửi lại thư lỗi #ID / retry failed email")] = None,
           retry_failed_all: Annotated[bool, typer.Option("--retry-failed", help="Gửi lại mọi thư lỗi")] = False) -> None:
    """Hàng đợi thư / the outbox: counts and the latest emails; retry failed ones."""
    from rich.table import Table
    from sqlalchemy import select

    from dondoc import clock
    from dondoc.notifications.sender import outbox_counts, retry_failed
    from dondoc.store.db import session_scope
    from dondoc.store.outbox_models import Email

    choice(status, OUTBOX_STATUSES, "--status")
    if limit < 1 or limit > 10_000:
        fail(f"--limit {limit}: phải từ 1 đến 10000 / must be 1..10000")
    engine = open_engine(read_only=not (retry or retry_failed_all))
    if retry or retry_failed_all:
        n = retry_failed(engine, now=clock.now(), ids=None if retry_failed_all else list(retry or []))
        out.print(f"Đã đưa {n} thư lỗi vào hàng đợi gửi lại / requeued", markup=False)
    q = select(Email).order_by(Email.id.desc()).limit(limit)
    if status:
        q = q.where(Email.status == status)
    with session_scope(engine, write=False) as session:
        rows = [dict(id=e.id, status=e.status, to=", ".join(e.to_addrs), subject=e.subject, attempts=e.attempts,
                     error=e.last_error, created_at=e.created_at.isoformat())
                for e in session.execute(q).scalars()]
    counts = outbox_counts(engine)
    if as_json:
        sys.stdout.write(json.dumps({"counts": counts, "emails": rows}, ensure_ascii=False) + "\n")
        return
    out.print("Hàng đợi / outbox: " + (", ".join(f"{k}={v}" for k, v in sorted(counts.items())) or "trống / empty"), markup=False)
    table = Table("#", "Trạng thái", "Người nhận", "Tiêu đề", "Lần gửi", "Lỗi")
    for r in rows:
        table.add_row(str(r["id"]), r["status"], r["to"], r["subject"], str(r["attempts"]), r["error"][:80])
    out.print(table)


@app.command("preview-email")
def preview_email(agency: Annotated[str, typer.Option(help="Mã cơ quan nhận thư / recipient agency id")],
                  now: Annotated[Optional[str], typer.Option(help="ISO date/time")] = None,
                  lang: Annotated[Optional[str], typer.Option(help="vi | en (mặc định theo cơ quan)")] = None,
                  kind: Annotated[Optional[str], typer.Option(help="due_soon|overdue|escalated|digest")] = None,
                  part: Annotated[str, typer.Option(help="text | html")] = "text",
                  days_ahead: int = 7) -> None:
    """Xem trước thư với dữ liệu thật / render an email with real data."""
    from dondoc.engine.calendar import local_date
    from dondoc.notifications.compose import digest_context, email_kind
    from dondoc.notifications.render import render
    from dondoc.notifications.tokens import response_url
    from dondoc.store.db import session_scope
    from dondoc.store.models import Agency

    choice(lang, ("vi", "en"), "--lang")
    choice(kind, ("due_soon", "overdue", "escalated", "digest"), "--kind")
    choice(part, ("text", "html"), "--part")
    if not 0 <= days_ahead <= 3660:
        fail(f"--days-ahead {days_ahead}: phải từ 0 đến 3660 / must be 0..3660")
    settings = read_settings()
    engine = open_engine(settings, read_only=True)
    moment = when(now)
    today = local_date(moment)
    with session_scope(engine, write=False) as session:
        a = session.get(Agency, agency)
        if a is None:
            fail(f"Không có cơ quan '{agency}' / unknown agency")
        rows = _preview_rows(session, agency, today + timedelta(days=days_ahead))
    link = response_url(settings.base_url, agency, secret=settings.secret())
    ctx = digest_context({"id": a.id, "name": a.name}, rows, today=today, link=link)
    rendered = render(kind or email_kind(ctx["templates"]) if rows else (kind or "digest"), lang or a.language, ctx)
    out.print(f"Subject: {rendered.subject}\n", markup=False)
    sys.stdout.write((rendered.html if part == "html" else rendered.text) + "\n")


def _preview_rows(session, agency: str, until) -> list:  # noqa: ANN001
    from types import SimpleNamespace

    from sqlalchemy import select

    from dondoc.store.models import Agency, Occurrence, Plan, Task

    q = (select(Occurrence, Task.number, Task.title, Plan.number, Plan.title, Agency.name)
         .join(Task, Task.id == Occurrence.task_id).join(Plan, Plan.id == Occurrence.plan_id)
         .join(Agency, Agency.id == Occurrence.owner_id)
         .where(Occurrence.owner_id == agency, Occurrence.status.in_(("not_started", "in_progress")),
                Occurrence.due <= until))
    return [SimpleNamespace(number=n, title=t, lead_name=an, due=o.due, level=o.escalation_level,
                            escalation_level=o.escalation_level, role="to",
                            template="overdue" if o.escalation_level else "due_soon", plan_id=o.plan_id,
                            plan_number=pn, plan_title=pt)
            for o, n, t, pn, pt, an in session.execute(q)]


@app.command()
def summary(now: Annotated[Optional[str], typer.Option(help="ISO date/time")] = None) -> None:
    """Xếp hàng thư tổng hợp tuần cho quản trị / queue the weekly admin summary."""
    from dondoc.workflows.jobs import Runtime, run_weekly_summary

    settings = read_settings()
    if not settings.admin_list():
        fail("Chưa khai báo DONDOC_ADMIN_EMAILS / no admin emails configured")
    queued = run_weekly_summary(open_engine(settings), Runtime.from_settings(settings), now=when(now))
    out.print(f"Đã xếp hàng {queued} thư tổng hợp / queued", markup=False)


@app.command()
def serve(host: Annotated[str, typer.Option(help="Địa chỉ lắng nghe")] = "127.0.0.1",
          port: Annotated[int, typer.Option(help="Cổng", min=1, max=65535)] = 8000,
          no_scheduler: Annotated[bool, typer.Option("--no-scheduler", help="Chỉ chạy web")] = False) -> None:
    """Chạy dịch vụ: web + lịch rà soát, gửi thư / run the web app and the scheduler."""
    import logging

    import uvicorn

    from dondoc.workflows.serve import build_app

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    settings = read_settings()
    engine = open_engine(settings)
    if settings.env == "production":
        _refuse_demo_passwords(engine)
    web = build_app(settings, engine, scheduler=not no_scheduler)
    out.print(f"dondoc đang chạy tại http://{host}:{port}  (Ctrl+C để dừng)", markup=False)
    uvicorn.run(web, host=host, port=port, log_level="info", timeout_graceful_shutdown=30)


def _refuse_demo_passwords(engine) -> None:  # noqa: ANN001
    from dondoc.store.db import session_scope
    from dondoc.web.access import demo_password_users

    with session_scope(engine, write=False) as session:
        found = demo_password_users(session)
    if found:
        fail(f"Người dùng {', '.join(found)} còn dùng mật khẩu demo; hãy đổi (dondoc user passwd) / a demo password "
             "is refused in production")


@app.command()
def status(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Trạng thái: lần chạy gần nhất, hàng đợi thư, lỗi / last runs, backlog, failures."""
    from rich.table import Table

    from dondoc.workflows.status import status_report

    report = status_report(open_engine(read_only=True))
    if as_json:
        sys.stdout.write(json.dumps(report, ensure_ascii=False) + "\n")
        return
    out.print("Hàng đợi thư / outbox: " + (", ".join(f"{k}={v}" for k, v in sorted(report["outbox"].items())) or "trống"),
              markup=False)
    table = Table("Việc / job", "Bắt đầu", "OK", "Số liệu", "Lỗi")
    for j in report["jobs"]:
        table.add_row(j["job"], j["started_at"], "✔" if j["ok"] else "✘", json.dumps(j["counts"], ensure_ascii=False),
                      j["error"][:80])
    out.print(table)
    out.print(f"Lần chạy lỗi / failed runs: {report['failed_job_runs']}", markup=False)
    _print_held(report["held"])


def _print_held(held: list[dict]) -> None:
    """Reminders waiting for an address: who, how many, since when (until the address is loaded)."""
    total = sum(h["count"] for h in held)
    out.print(f"Nhắc việc đang giữ lại (chưa có email) / held reminders (no email): {total}"
              + (f" — {len(held)} cơ quan; điền email vào cấu hình rồi `dondoc load` để gửi / set the address and load"
                 if held else ""), markup=False)
    for h in held[:50]:
        out.print(f"  {h['agency']} ({h['name']}): {h['count']} từ / since {h['since'][:10]} — {', '.join(h['tasks'][:5])}",
                  markup=False)
