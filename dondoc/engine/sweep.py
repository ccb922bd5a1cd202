"""The sweep: due occurrences -> escalation state, Events and notifications.

Batched and idempotent. Each batch is one transaction writing the occurrence
updates, their Events and their notifications (the outbox of items; a unique
key occurrence:step:recipient makes a rerun or a concurrent sweep queue
nothing new). `compose_pending` then gathers notifications not yet in an
email into one digest per recipient.
"""
from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import date, datetime

from sqlalchemy import bindparam, insert, or_, select, tuple_, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Engine
from sqlmodel import Session

from dondoc.engine.calendar import WorkCalendar, local_date
from dondoc.engine.db import session_scope
from dondoc.engine.directory import Directory
from dondoc.engine.escalation import Decision, OccurrenceState, decide
from dondoc.engine.models import Event, Occurrence, Task
from dondoc.engine.outbox_models import Notification
from dondoc.engine.recipients import resolve

ACTIVE = ("not_started", "in_progress")
INDEXED = ("not_started", "in_progress", "reported")  # the partial index predicate


@dataclass
class SweepResult:
    as_of: str
    looked_at: int = 0
    due_soon: int = 0
    overdue: int = 0
    escalated: int = 0
    notifications: int = 0
    emails_queued: int = 0
    errors: int = 0
    dry_run: bool = False
    duration_s: float = 0.0
    would_send: list[dict] = field(default_factory=list)

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class Partition:
    """A slice of the sweep: occurrence ids with id % count == index."""

    index: int = 0
    count: int = 1


def _due_batch(session: Session, today: date, after: tuple[date, int], limit: int, part: Partition, lock: bool) -> list:
    """The next batch of due open rows. Writers lock them: on PostgreSQL with
    SKIP LOCKED, so concurrent sweeps share the work; on SQLite the
    transaction already holds the database's write lock (BEGIN IMMEDIATE).
    Keyset order is (next_check_on, id), the partial index's own order: ordering
    by id alone made SQLite walk the whole table instead of the index."""
    cols = (Occurrence.id, Occurrence.next_check_on, Occurrence.task_id, Occurrence.plan_id, Occurrence.owner_id, Occurrence.due,
            Occurrence.status, Occurrence.on_event, Occurrence.escalation_level, Occurrence.last_step)
    q = (select(*cols).where(Occurrence.status.in_(INDEXED), Occurrence.next_check_on <= today,
                             tuple_(Occurrence.next_check_on, Occurrence.id) > tuple_(*after))
         .order_by(Occurrence.next_check_on, Occurrence.id).limit(limit))
    if part.count > 1:
        q = q.where(Occurrence.id % part.count == part.index)
    if lock and session.get_bind().dialect.name == "postgresql":
        q = q.with_for_update(skip_locked=True)
    return list(session.execute(q))


def _tasks(session: Session, ids: set[int]) -> dict[int, tuple]:
    rows = session.execute(select(Task.id, Task.support).where(Task.id.in_(ids)))
    return {r.id: tuple(r.support or ()) for r in rows}


def sweep_once(engine: Engine, *, now: datetime, calendar: WorkCalendar, batch_size: int = 5000,
               dry_run: bool = False, partition: Partition = Partition(),
               should_stop: Callable[[], bool] = lambda: False) -> SweepResult:
    """Sweep every due occurrence; `should_stop` is asked between batches
    (SIGTERM lets the current batch commit, then stops)."""
    started = time.perf_counter()
    today = local_date(now)
    result = SweepResult(as_of=today.isoformat(), dry_run=dry_run)
    directory: Directory | None = None  # loaded only when something is due: a repeat sweep stays cheap
    after: tuple[date, int] = (date.min, 0)
    while not should_stop():
        with session_scope(engine, write=not dry_run) as session:
            rows = _due_batch(session, today, after, batch_size, partition, lock=not dry_run)
            if not rows:
                break
            after = (rows[-1].next_check_on, rows[-1].id)
            directory = directory or Directory.load(session)
            _apply_batch(session, rows, directory, now=now, today=today, calendar=calendar, result=result,
                         dry_run=dry_run)
            if dry_run:
                session.rollback()
    result.duration_s = round(time.perf_counter() - started, 3)
    return result


def _apply_batch(session: Session, rows: list, directory: Directory, *, now: datetime, today: date,
                 calendar: WorkCalendar, result: SweepResult, dry_run: bool) -> None:
    supports = _tasks(session, {r.task_id for r in rows})
    updates, notes, events = [], [], []
    for r in rows:
        result.looked_at += 1
        policy = directory.policies[directory.plans[r.plan_id].policy]
        state = OccurrenceState(r.id, r.due, r.status, r.on_event, r.escalation_level, r.last_step)
        d = decide(state, policy, today=today, calendar=calendar)
        updates.append(_update_row(r, d, now))
        if d.fired is not None:
            _count(result, d)
            chain = directory.chain(r.owner_id, r.plan_id, supports.get(r.task_id, ()))
            to, cc = resolve(d.fired.step.notify, d.fired.step.cc, chain, directory.agencies)
            notes += [_note(r.id, d, rc.agency.id + (".head" if rc.head else ""), role, now)
                      for role, group in (("to", to), ("cc", cc)) for rc in group]
            events.append(_event(r, d, now, [rc.address for rc in to], [rc.address for rc in cc]))
    if dry_run:
        result.would_send += [{k: n[k] for k in ("occurrence_id", "step", "recipient", "role", "template")} for n in notes]
        result.notifications += len(notes)
        return
    _write(session, updates, notes, events, result)


def _count(result: SweepResult, d: Decision) -> None:
    template = d.fired.step.template if d.fired else ""
    if template == "due_soon":
        result.due_soon += 1
    elif template == "overdue":
        result.overdue += 1
    else:
        result.escalated += 1


def _update_row(r, d: Decision, now: datetime) -> dict:  # noqa: ANN001
    return {"b_id": r.id, "b_old": r.last_step, "b_step": d.last_step, "b_level": d.escalation_level,
            "b_next": d.next_check_on, "b_reminded": now if d.fired else None}


def _note(occurrence_id: int, d: Decision, recipient: str, role: str, now: datetime) -> dict:
    assert d.fired is not None
    return {"key": f"{occurrence_id}:{d.fired.index}:{recipient}", "occurrence_id": occurrence_id,
            "step": d.fired.index, "recipient": recipient, "role": role, "template": d.fired.step.template,
            "level": d.escalation_level, "created_at": now}


def _event(r, d: Decision, now: datetime, to: list[str], cc: list[str]) -> dict:  # noqa: ANN001
    assert d.fired is not None
    return {"at": now, "actor_kind": "system", "actor": "sweep", "kind": "occurrence.escalation",
            "plan_id": r.plan_id, "task_id": r.task_id, "occurrence_id": r.id,
            "before": {"escalation_level": r.escalation_level, "last_step": r.last_step},
            "after": {"escalation_level": d.escalation_level, "last_step": d.last_step, "template": d.fired.step.template,
                      "to": to, "cc": cc}, "note": ""}


def _insert_ignore(session: Session, table, rows: list[dict], key: str) -> None:  # noqa: ANN001
    if not rows:
        return
    dialect = session.get_bind().dialect.name
    stmt = (pg_insert if dialect == "postgresql" else sqlite_insert)(table).on_conflict_do_nothing(index_elements=[key])
    session.execute(stmt, rows)


def _write(session: Session, updates: list[dict], notes: list[dict], events: list[dict], result: SweepResult) -> None:
    """Conditional on last_step so that a concurrent sweep's work is not redone."""
    stmt = (update(Occurrence.__table__)
            .where(Occurrence.__table__.c.id == bindparam("b_id"), Occurrence.__table__.c.last_step == bindparam("b_old"),
                   or_(*(Occurrence.__table__.c.status == s for s in INDEXED)))
            .values(last_step=bindparam("b_step"), escalation_level=bindparam("b_level"),
                    next_check_on=bindparam("b_next")))
    if updates:
        session.connection().execute(stmt, updates)
    fired = [u for u in updates if u["b_reminded"] is not None]
    if fired:
        session.connection().execute(
            update(Occurrence.__table__).where(Occurrence.__table__.c.id == bindparam("b_id"))
            .values(last_reminded_at=bindparam("b_reminded")), [{"b_id": u["b_id"], "b_reminded": u["b_reminded"]} for u in fired])
    _insert_ignore(session, Notification.__table__, notes, "key")
    result.notifications += len(notes)
    if events:
        session.connection().execute(insert(Event.__table__), events)
