"""The weekly admin summary: overdue items per agency, one email per admin."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from dondoc.engine.calendar import local_date
from dondoc.notifications.render import render
from dondoc.store.db import session_scope
from dondoc.store.models import Agency, Occurrence
from dondoc.store.outbox_models import Email
from dondoc.store.vocabulary import overdue_on


def overdue_by_agency(session, today: date) -> list[dict]:  # noqa: ANN001
    q = (select(Agency.id, Agency.name, func.count(Occurrence.id), func.min(Occurrence.due),
                func.max(Occurrence.escalation_level))
         .join(Agency, Agency.id == Occurrence.owner_id)
         .where(overdue_on(today))
         .group_by(Agency.id, Agency.name))
    rows = [dict(agency_id=a, agency_name=n, overdue=c, oldest_days=(today - d).days, max_level=lvl or 0)
            for a, n, c, d, lvl in session.execute(q)]
    return sorted(rows, key=lambda r: (-r["overdue"], -r["oldest_days"], r["agency_id"]))


def queue_weekly_summary(engine: Engine, *, now: datetime, admins: list[str], dashboard_url: str,
                         lang: str = "vi") -> int:
    """Queue this ISO week's summary for each admin once (the key is per week)."""
    today = local_date(now)
    year, week, _ = today.isocalendar()
    with session_scope(engine) as session:
        rows = overdue_by_agency(session, today)
        ctx = dict(today=today, rows=rows, total=sum(r["overdue"] for r in rows), dashboard_url=dashboard_url)
        rendered = render("weekly_summary", lang, ctx)
        queued = 0
        for addr in admins:
            key = f"weekly-{year}-W{week:02d}-{addr}"
            if session.execute(select(Email.id).where(Email.key == key)).first() is not None:
                continue
            session.add(Email(key=key, kind="weekly_summary", recipient="admin", to_addrs=[addr],
                              subject=rendered.subject, body_text=rendered.text, body_html=rendered.html,
                              language=lang, next_attempt_at=now, created_at=now))
            queued += 1
    return queued
