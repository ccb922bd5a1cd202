"""The compiled report drafted on time: N working days before each deadline of
a plan's reporting regime, one email to the plan's focal agency with signed
links to the draft (.docx) and its annex (.xlsx), naming the agencies that
have not reported yet.

Once per plan, reporting task and period: the email's key
`draft-{plan}-{task}-{period}` is unique, so a rerun, a restart or a second
runner finds it there and queues nothing."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from dondoc.engine.calendar import WorkCalendar, local_date
from dondoc.notifications.draft_links import DraftRef, draft_url
from dondoc.notifications.message import build_raw
from dondoc.notifications.render import render
from dondoc.store.compiled import not_reported
from dondoc.store.db import session_scope
from dondoc.store.models import Agency, Occurrence, Plan, Task
from dondoc.store.outbox_models import Email

DEFAULT_DAYS_BEFORE = 5


@dataclass(frozen=True)
class Deadline:
    plan_id: str
    task_id: int
    report_name: str
    period: str
    due: date


def draft_day(due: date, *, days_before: int, calendar: WorkCalendar) -> date:
    """The day the draft is made: `days_before` working days before the deadline."""
    return calendar.add_working_days(due, -days_before) if days_before > 0 else due


def deadlines_in_window(session: Session, *, today: date, days_before: int, calendar: WorkCalendar) -> list[Deadline]:
    """Reporting deadlines whose draft day has come and whose deadline has not passed."""
    q = (select(Task.plan_id, Task.id, Task.title, Occurrence.period, Occurrence.due)
         .join(Occurrence, Occurrence.task_id == Task.id).join(Plan, Plan.id == Task.plan_id)
         .where(Task.kind == "report", Task.removed.is_(False), Plan.active.is_(True),
                Occurrence.due.is_not(None), Occurrence.due >= today)
         .distinct().order_by(Occurrence.due, Task.plan_id, Task.id))
    return [Deadline(plan, task, title, period, due) for plan, task, title, period, due in session.execute(q)
            if draft_day(due, days_before=days_before, calendar=calendar) <= today]


def _key(d: Deadline) -> str:
    return f"draft-{d.plan_id}-{d.task_id}-{d.period}"


def _email(session: Session, d: Deadline, *, today: date, now: datetime, base_url: str, secret: str) -> Email | None:
    plan = session.get(Plan, d.plan_id)
    focal = session.get(Agency, plan.focal_id) if plan else None
    if plan is None or focal is None or not focal.email:
        return None
    ref = DraftRef(plan.id, today, d.period, focal.id)
    ctx = dict(recipient={"id": focal.id, "name": focal.name}, plan_number=plan.number, plan_title=plan.title,
               period=d.period, report_name=d.report_name, due=d.due, as_of=today,
               docx_link=draft_url(base_url, ref, secret=secret, fmt="docx"),
               xlsx_link=draft_url(base_url, ref, secret=secret, fmt="xlsx"),
               missing=not_reported(session, plan_id=plan.id, task_id=d.task_id, period=d.period))
    rendered = render("compiled_draft", focal.language, ctx)
    key = _key(d)
    to = [focal.email]
    raw = build_raw(key=key, subject=rendered.subject, text=rendered.text, html=rendered.html, to=to, date=now)
    return Email(key=key, kind="compiled_draft", recipient=focal.id, to_addrs=to, subject=rendered.subject,
                 body_text=rendered.text, body_html=rendered.html, raw=raw, language=focal.language,
                 next_attempt_at=now, created_at=now)


def queue_compiled_drafts(engine: Engine, *, now: datetime, calendar: WorkCalendar, base_url: str, secret: str,
                          days_before: int = DEFAULT_DAYS_BEFORE) -> int:
    """Queue today's draft emails; returns how many were queued (0 on a rerun)."""
    today = local_date(now)
    with session_scope(engine, write=False) as session:
        due = deadlines_in_window(session, today=today, days_before=days_before, calendar=calendar)
        known = set(session.execute(select(Email.key).where(Email.key.in_([_key(d) for d in due]))).scalars())
    queued = 0
    for d in (d for d in due if _key(d) not in known):
        try:
            with session_scope(engine) as session:
                email = _email(session, d, today=today, now=now, base_url=base_url, secret=secret)
                if email is not None:
                    session.add(email)
                    queued += 1
        except IntegrityError:  # another runner queued it first: the key is unique
            queued -= 1
    return queued
