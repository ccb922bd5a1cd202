"""Turn pending notifications into emails: one digest per recipient.

Each recipient's email is written in its own transaction together with the
claim of its notifications (`email_id IS NULL` checked on the row count), so
two composers never put the same item in two emails, and a crash leaves the
notifications pending for the next run. The email's MIME bytes (all but the
From line; Message-ID = the email's key, Date = composition time) are built
here once and stored in `Email.raw`, which is what the sender sends.

A recipient agency without an address gets no email: its notifications stay
pending (held, see dondoc.store.held) and go out in the first run after an
address is loaded, with the same idempotency as any other.

One call composes every notification pending when it runs, reading them in
chunks of whole recipients (keyset on recipient), so memory stays bounded
and one recipient's items always go in one email.
"""
from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from itertools import groupby
from typing import Any

from sqlalchemy import bindparam, func, insert, select, text, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from dondoc.engine.calendar import local_date
from dondoc.notifications.message import BadAddress, build_raw
from dondoc.notifications.render import render
from dondoc.notifications.tokens import response_url
from dondoc.store.db import session_scope
from dondoc.store.models import Agency, Occurrence, Plan, Task
from dondoc.store.outbox_models import Email, Notification

MAX_ITEMS = 200


@dataclass(frozen=True)
class MailContext:
    base_url: str
    secret: str = field(repr=False)


def _pending(session, ids: list[int]) -> list:  # noqa: ANN001
    """These pending notifications with what the digest shows, by (recipient, id)."""
    owner = Agency.__table__.alias("owner")
    q = (select(Notification.id, Notification.recipient, Notification.role, Notification.template,
                Notification.level, Notification.reminded_before, Occurrence.id.label("occ_id"), Occurrence.due,
                Occurrence.written_due, Occurrence.owner_id, Plan.focal_id, Occurrence.escalation_level,
                Task.number, Task.title, Plan.id.label("plan_id"), Plan.number.label("plan_number"),
                Plan.title.label("plan_title"), owner.c.name.label("lead_name"))
         .join(Occurrence, Occurrence.id == Notification.occurrence_id).join(Task, Task.id == Occurrence.task_id)
         .join(Plan, Plan.id == Occurrence.plan_id).join(owner, owner.c.id == Occurrence.owner_id)
         .where(Notification.id.in_(ids), Notification.email_id.is_(None))
         .order_by(Notification.recipient, Notification.id))
    return list(session.execute(q))


def _pending_ids(session, *, after: str | None = None, only: str | None = None,  # noqa: ANN001
                 limit: int | None = None) -> list[tuple[str, int]]:
    """(recipient, id) of pending notifications in that order, from the partial
    index on (recipient, id) WHERE email_id IS NULL. SQLite's planner would
    rather take ix_notification_email_id and sort every pending row for each
    chunk, hence INDEXED BY."""
    hint = " INDEXED BY ix_notification_pending" if session.get_bind().dialect.name == "sqlite" else ""
    where, params = "email_id IS NULL", {}
    if only is not None:
        where, params["only"] = where + " AND recipient = :only", only
    elif after is not None:
        where, params["after"] = where + " AND recipient > :after", after
    sql = f"SELECT recipient, id FROM notification{hint} WHERE {where} ORDER BY recipient, id"
    if limit is not None:
        sql, params["limit"] = sql + " LIMIT :limit", limit
    return [(r, i) for r, i in session.execute(text(sql), params)]


def _chunks(engine: Engine, chunk: int) -> Iterable[tuple[list, dict[str, Agency]]]:
    """Whole recipients' pending rows, about `chunk` notifications at a time,
    until none is left after the last recipient read; a recipient with more
    than `chunk` is read alone, entirely."""
    after: str | None = None
    while True:
        with session_scope(engine, write=False) as session:
            keys = _pending_ids(session, after=after, limit=chunk)
            if not keys:
                return
            after = keys[-1][0]
            if len(keys) == chunk:  # the last recipient may go on past the limit
                whole = [k for k in keys if k[0] != after]
                if whole:
                    keys, after = whole, whole[-1][0]
                else:
                    keys = _pending_ids(session, only=after)
            rows = _pending(session, [i for _, i in keys])
            wanted = {r.recipient.removesuffix(".head") for r in rows}
            agencies = {a.id: a for a in session.execute(select(Agency).where(Agency.id.in_(wanted))).scalars()}
        yield rows, agencies


def relation(row: Any) -> str:
    """What the recipient is to the item, which decides the wording: "lead" (do
    it), "superior" (direct the unit below: the lead's parent, the issuer) or
    "info" (the focal agency and copies: for information)."""
    agency = row.recipient.removesuffix(".head")
    owner = getattr(row, "owner_id", None)
    if agency == owner or owner is None and row.role == "to":
        return "lead"  # copied or not, the lead is asked to do it
    if row.role == "cc" or agency == getattr(row, "focal_id", None):
        return "info"
    return "superior"


def _written(row: Any) -> date | None:
    written = getattr(row, "written_due", None)
    return written if written is not None and written != row.due else None


def digest_context(recipient: dict[str, str], rows: Iterable[Any], *, today: date, link: str) -> dict[str, Any]:
    """Pure: items grouped by plan, most overdue first; cc items after own items.
    `relations` (lead, superior, info) and `reminded` (an earlier reminder was
    sent for some item) let the templates say only what is true."""
    items = [dict(task_number=r.number, task_title=r.title, lead_name=r.lead_name, due=r.due, written_due=_written(r),
                  days_overdue=max(0, (today - r.due).days) if r.due else 0,
                  days_left=(r.due - today).days if r.due and r.due >= today else None,
                  level=max(r.level, r.escalation_level), role=r.role, template=r.template, relation=relation(r),
                  reminded_before=bool(getattr(r, "reminded_before", False)),
                  plan_id=r.plan_id, plan_number=r.plan_number, plan_title=r.plan_title) for r in rows]
    items.sort(key=lambda i: (i["plan_number"], i["plan_id"], i["role"] != "to", -i["days_overdue"], i["task_number"]))
    shown, more = items[:MAX_ITEMS], max(0, len(items) - MAX_ITEMS)
    groups = [dict(plan_number=k[0], plan_title=k[1], entries=list(g))
              for k, g in groupby(shown, key=lambda i: (i["plan_number"], i["plan_title"]))]
    return dict(recipient=recipient, today=today, link=link, groups=groups, count=len(items), more=more,
                templates=sorted({i["template"] for i in items}), relations=sorted({i["relation"] for i in items}),
                reminded=any(i["reminded_before"] for i in items))


def email_kind(templates: list[str]) -> str:
    return templates[0] if len(templates) == 1 else "digest"


def compose_pending(engine: Engine, *, now: datetime, mail: MailContext, chunk: int = 20_000,
                    per_transaction: int = 200, bulk: bool = True) -> int:
    """Create digest emails for all pending notifications; returns emails created.
    Notifications are read `chunk` at a time, never splitting a recipient
    (see `_chunks`). Emails are written `per_transaction` recipients to a
    commit, so one commit (an fsync on PostgreSQL) serves many recipients:
    with `bulk`, all of them in one INSERT and one claim (`_write_group`),
    falling back to a savepoint per email (`_write_email`, the only path with
    `bulk=False`) when another composer got there first; same emails either way."""
    today = local_date(now)
    created = 0
    for rows, agencies in _chunks(engine, chunk):
        digests = [(recipient, agencies[recipient.removesuffix(".head")], list(group))
                   for recipient, group in groupby(rows, key=lambda r: r.recipient)
                   if recipient.removesuffix(".head") in agencies
                   and _address(agencies[recipient.removesuffix(".head")], recipient)]  # no address: held, stays pending
        for i in range(0, len(digests), per_transaction):
            before = created
            with session_scope(engine) as session:
                part = digests[i:i + per_transaction]
                done = _write_group(session, part, today=today, now=now, mail=mail) if bulk else None
                if done is None:
                    done = sum(_write_email(session, recipient, agency, group, today=today, now=now, mail=mail)
                               for recipient, agency, group in part)
                created += done
            _refresh_statistics(engine, before, created)
    return created


ANALYZE_AT = (100, 1_000, 10_000)  # emails created by one call


def _refresh_statistics(engine: Engine, before: int, after: int) -> None:
    """On PostgreSQL, ANALYZE the email table as one call fills it. Each
    connection plans the foreign-key check of notification.email_id once;
    planned while the table looked empty, that check scans the whole email
    table for every notification claimed (7 ms an email after 3,000 emails).
    ANALYZE updates the statistics and makes the connections plan it again."""
    if engine.dialect.name == "postgresql" and any(before < n <= after for n in ANALYZE_AT):
        with engine.connect() as conn:
            conn.execute(text("ANALYZE email"))
            conn.commit()


def _address(agency: Agency, recipient: str) -> str:
    return agency.head_email if recipient.endswith(".head") and agency.head_email else agency.email


class _AlreadyComposed(Exception):
    """Another composer claimed some of these notifications first."""


def _email_values(recipient: str, agency: Agency, rows: list, *, today: date, now: datetime,
                  mail: MailContext) -> dict:
    """The outbox row of one recipient's digest, every column but id (what
    the ORM would insert for `Email(...)`)."""
    link = response_url(mail.base_url, agency.id, secret=mail.secret)
    ctx = digest_context({"id": agency.id, "name": agency.name}, rows, today=today, link=link)
    kind = email_kind(ctx["templates"])
    rendered = render(kind, agency.language, ctx)
    ids = [r.id for r in rows]
    key = "digest-" + hashlib.sha256(f"{recipient}:{','.join(map(str, ids))}".encode()).hexdigest()[:32]
    to = [_address(agency, recipient)]
    try:
        raw = build_raw(key=key, subject=rendered.subject, text=rendered.text, html=rendered.html, to=to, date=now)
    except BadAddress:  # no bytes: the sender builds them, fails on the address and records why
        raw = None
    return dict(key=key, kind=kind, recipient=recipient, to_addrs=to, subject=rendered.subject,  # noqa: C408
                body_text=rendered.text, body_html=rendered.html, raw=raw, language=agency.language,
                status="queued", attempts=0, next_attempt_at=now, claimed_by=None, claimed_until=None,
                last_error="", created_at=now, sent_at=None)


_EMAIL = Email.__table__
_NOTIFICATION = Notification.__table__
_CLAIM = (update(_NOTIFICATION).where(_NOTIFICATION.c.id == bindparam("n_id"), _NOTIFICATION.c.email_id.is_(None))
          .values(email_id=bindparam("n_email")))


def _write_group(session, digests: list, *, today: date, now: datetime, mail: MailContext) -> int | None:  # noqa: ANN001
    """Every digest of `digests` in one savepoint: one multi-row INSERT of the
    emails (ids in order), one executemany claim of their notifications,
    checked by counting what the new emails hold. None (savepoint rolled
    back) if any notification or key was taken by another composer; the
    caller then writes them one by one."""
    values = [(_email_values(r, a, rows, today=today, now=now, mail=mail), [row.id for row in rows])
              for r, a, rows in digests]
    if not values:
        return 0
    try:
        with session.begin_nested():
            conn = session.connection()
            email_ids = list(conn.execute(insert(_EMAIL).returning(_EMAIL.c.id, sort_by_parameter_order=True),
                                          [v for v, _ in values]).scalars())
            pairs = [{"n_id": n, "n_email": e} for e, (_, ids) in zip(email_ids, values, strict=False) for n in ids]
            conn.execute(_CLAIM, pairs)
            claimed = conn.execute(select(func.count()).select_from(_NOTIFICATION)
                                   .where(_NOTIFICATION.c.email_id.in_(email_ids))).scalar()
            if claimed != len(pairs):
                raise _AlreadyComposed
    except (_AlreadyComposed, IntegrityError):  # a concurrent composer wrote some of these first
        return None
    return len(values)


def _write_email(session, recipient: str, agency: Agency, rows: list, *, today: date, now: datetime,  # noqa: ANN001
                 mail: MailContext) -> int:
    email = Email(**_email_values(recipient, agency, rows, today=today, now=now, mail=mail))
    ids = [r.id for r in rows]
    try:
        with session.begin_nested():
            session.add(email)
            session.flush()
            claimed = session.execute(update(Notification).where(Notification.id.in_(ids), Notification.email_id.is_(None))
                                      .values(email_id=email.id)).rowcount
            if claimed != len(ids):
                raise _AlreadyComposed
    except (_AlreadyComposed, IntegrityError):  # a concurrent composer wrote this digest first
        return 0
    return 1
