"""The sweep: due occurrences -> escalation state, Events and notifications.

Batched and idempotent. Each batch is one transaction writing the occurrence
updates, their Events and their notifications (the outbox of items; a unique
key occurrence:step:recipient makes a rerun or a concurrent sweep queue
nothing new). `compose_pending` then gathers notifications not yet in an
email into one digest per recipient.
"""
from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import bindparam, func, insert, or_, select, text, tuple_, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Engine
from sqlmodel import Session

from dondoc.engine.calendar import WorkCalendar, local_date
from dondoc.engine.escalation import Decision, OccurrenceState, decide
from dondoc.engine.lifecycle import OPEN_STATUSES
from dondoc.engine.recipients import resolve
from dondoc.store import tally
from dondoc.store.db import session_scope
from dondoc.store.directory import Directory
from dondoc.store.models import Event, Occurrence, Task
from dondoc.store.outbox_models import Notification

INDEXED = OPEN_STATUSES  # the partial index predicate
RETRY_AFTER = timedelta(days=1)  # a row that failed is looked at again the next day
ANALYZE_AFTER = 5000  # notifications inserted by one sweep before PostgreSQL re-reads the table's statistics


@dataclass
class SweepResult:
    as_of: str
    looked_at: int = 0
    due_soon: int = 0
    overdue: int = 0
    escalated: int = 0
    notifications: int = 0
    emails_queued: int = 0
    errors: int = 0  # rows that could not be decided: recorded (Event), pushed back a day, the rest went on
    failures: list[dict] = field(default_factory=list)
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


_COLUMNS = (Occurrence.id, Occurrence.next_check_on, Occurrence.task_id, Occurrence.plan_id, Occurrence.owner_id,
           Occurrence.due, Occurrence.status, Occurrence.on_event, Occurrence.escalation_level, Occurrence.last_step)


def _due(today: date):  # noqa: ANN202
    """Due open rows: the partial index's predicate and its column."""
    return Occurrence.status.in_(INDEXED), Occurrence.next_check_on <= today


def _in_partition(q, part: Partition):  # noqa: ANN001, ANN202
    return q.where(Occurrence.id % part.count == part.index) if part.count > 1 else q


def _read(session: Session, q, part: Partition, lock: bool) -> list:  # noqa: ANN001
    """Writers lock the rows they read: on PostgreSQL with SKIP LOCKED, so
    concurrent sweeps share the work; on SQLite the transaction already holds
    the database's write lock (BEGIN IMMEDIATE)."""
    q = _in_partition(q, part)
    if lock and session.get_bind().dialect.name == "postgresql":
        q = q.with_for_update(skip_locked=True)
    return list(session.execute(q))


class _KeysetBatches:
    """Batches in the partial index's own order (next_check_on, id), each read
    after the last row of the batch before. Used on PostgreSQL: there each
    batch's index scan marks the entries the batches before it left dead, so
    a repeat sweep reads nothing (0.02 s on 1 M rows; 0.3 s in id order, for
    the same sweep time). Ordering by id alone would walk the table on SQLite."""

    def __init__(self, today: date, size: int, part: Partition) -> None:
        self.today, self.size, self.part = today, size, part
        self.after: tuple[date, int] = (date.min, 0)

    def next(self, session: Session, lock: bool) -> list:
        after = tuple_(Occurrence.next_check_on, Occurrence.id) > tuple_(*self.after)
        q = (select(*_COLUMNS).where(*_due(self.today), after)
             .order_by(Occurrence.next_check_on, Occurrence.id).limit(self.size))
        rows = _read(session, q, self.part, lock)
        if rows:
            self.after = (rows[-1].next_check_on, rows[-1].id)
        return rows


class _IdRangeBatches:
    """Batches in id order. Used on SQLite: a batch of neighbouring rows
    writes far fewer pages to the WAL than one spread over the table (a
    third of the sweep's time on 1 M rows). The due ids are read once, from
    the partial index alone (so a sweep with nothing due does not walk the
    table), sorted here (so no planner trades the index for the table's id
    order) and cut into (first, last) ranges of `size`; each batch reads its
    range again, as a concurrent sweep may have taken some of it."""

    def __init__(self, today: date, size: int, part: Partition) -> None:
        self.today, self.size, self.part = today, size, part
        self.ranges: Iterator[tuple[int, int]] | None = None

    def next(self, session: Session, lock: bool) -> list:
        if self.ranges is None:
            ids = sorted(session.scalars(_in_partition(select(Occurrence.id).where(*_due(self.today)), self.part)))
            self.ranges = iter([(ids[i], ids[min(i + self.size, len(ids)) - 1]) for i in range(0, len(ids), self.size)])
        for first, last in self.ranges:
            q = select(*_COLUMNS).where(*_due(self.today), Occurrence.id.between(first, last)).order_by(Occurrence.id)
            rows = _read(session, q, self.part, lock)
            if rows:
                return rows
        return []


@dataclass(frozen=True)
class _Recipients:
    """One resolved (notify, cc, chain): notification (recipient, role) pairs
    and the addresses the Event records."""

    notes: tuple[tuple[str, str], ...]
    to: list[str]
    cc: list[str]


def _chain_parts(notify: tuple[str, ...], cc: tuple[str, ...]) -> frozenset[str]:
    """Which parts of the chain beyond the lead's line a step's tokens read
    (dondoc.engine.recipients: `focal`, `issuer`, `support`, with or without `.head`)."""
    return frozenset(t.removesuffix(".head") for t in notify + cc) & {"focal", "issuer", "support"}


class _Memo:
    """What one sweep call works out once and reuses across its batches.

    A national sweep meets a few dozen distinct decide() inputs and far fewer
    recipient lists than rows. Keys are plain values: decide()'s own lru_cache
    would hash the frozen Policy and its steps on every row. Recipients are
    keyed on the parts of the chain the step's tokens read, so the occurrences
    of one owner under one focal agency share one resolution. Local to one
    sweep_once call, so nothing outlives a change of config."""

    def __init__(self, directory: Directory, today: date, calendar: WorkCalendar) -> None:
        self.directory, self.today, self.calendar = directory, today, calendar
        self.decisions: dict[tuple, Decision] = {}
        self.supports: dict[int, tuple[str, ...]] = {}
        self.parts: dict[tuple, frozenset[str]] = {}
        self.recipients: dict[tuple, _Recipients] = {}

    def decide(self, r) -> Decision:  # noqa: ANN001
        """decide() for one due row, keyed by everything decide() reads (not the id)."""
        policy_id = self.directory.plans[r.plan_id].policy
        key = (policy_id, r.due, r.status, r.on_event, r.escalation_level, r.last_step)
        d = self.decisions.get(key)
        if d is None:
            state = OccurrenceState(r.id, r.due, r.status, r.on_event, r.escalation_level, r.last_step)
            d = self.decisions[key] = decide(state, self.directory.policies[policy_id], today=self.today,
                                             calendar=self.calendar)
        return d

    def chain_parts(self, d: Decision) -> frozenset[str]:
        """_chain_parts() of the fired step."""
        step = d.fired.step
        key = (step.notify, step.cc)
        found = self.parts.get(key)
        if found is None:
            found = self.parts[key] = _chain_parts(step.notify, step.cc)
        return found

    def load_supports(self, session: Session, task_ids: set[int]) -> None:
        """Read the support lists of the tasks not seen in an earlier batch."""
        missing = task_ids - self.supports.keys()
        if missing:
            rows = session.execute(select(Task.id, Task.support).where(Task.id.in_(missing)))
            self.supports.update((t_id, tuple(support or ())) for t_id, support in rows)

    def recipients_for(self, r, d: Decision) -> _Recipients:  # noqa: ANN001
        """resolve() for one fired row, memoised on what it reads."""
        step, parts, plan = d.fired.step, self.chain_parts(d), self.directory.plans[r.plan_id]
        support = self.supports.get(r.task_id, ()) if "support" in parts else ()
        key = (step.notify, step.cc, r.owner_id, plan.focal if "focal" in parts else None,
               plan.issuer if "issuer" in parts else None, support)
        found = self.recipients.get(key)
        if found is None:
            chain = self.directory.chain(r.owner_id, r.plan_id, support)
            to, cc = resolve(step.notify, step.cc, chain, self.directory.agencies)
            notes = tuple((rc.agency.id + (".head" if rc.head else ""), role)
                          for role, group in (("to", to), ("cc", cc)) for rc in group)
            found = self.recipients[key] = _Recipients(notes, [rc.address for rc in to], [rc.address for rc in cc])
        return found


def sweep_once(engine: Engine, *, now: datetime, calendar: WorkCalendar, batch_size: int = 5000,
               dry_run: bool = False, partition: Partition = Partition(),
               should_stop: Callable[[], bool] = lambda: False) -> SweepResult:
    """Sweep every due occurrence; `should_stop` is asked between batches
    (SIGTERM lets the current batch commit, then stops)."""
    started = time.perf_counter()
    today = local_date(now)
    result = SweepResult(as_of=today.isoformat(), dry_run=dry_run)
    memo: _Memo | None = None  # the directory is loaded only when something is due: a repeat sweep stays cheap
    batches = (_IdRangeBatches if engine.dialect.name == "sqlite" else _KeysetBatches)(today, batch_size, partition)
    while not should_stop():
        with session_scope(engine, write=not dry_run) as session:
            rows = batches.next(session, lock=not dry_run)
            if not rows:
                break
            memo = memo or _Memo(Directory.load(session), today, calendar)
            _apply_batch(session, rows, memo, now=now, result=result, dry_run=dry_run)
            if dry_run:
                session.rollback()
    if not dry_run and result.looked_at:
        _refresh_statistics(engine, result.notifications)
        with session_scope(engine) as session:
            tally.touch(session)  # escalation levels changed: the dashboard's cached lists are stale
    result.duration_s = round(time.perf_counter() - started, 3)
    return result


def _refresh_statistics(engine: Engine, inserted: int) -> None:
    """On PostgreSQL, ANALYZE the notification table after a large sweep: its
    statistics may date from when it was empty, and the planner then claims
    notifications for a digest through a bitmap scan of every pending row."""
    if inserted <= ANALYZE_AFTER or engine.dialect.name != "postgresql":
        return
    with engine.connect() as conn:
        conn.execute(text("ANALYZE notification"))
        conn.commit()


def _apply_batch(session: Session, rows: list, memo: _Memo, *, now: datetime, result: SweepResult,
                 dry_run: bool) -> None:
    result.looked_at += len(rows)
    decided, failed = _decide_each(rows, memo)
    memo.load_supports(session, {r.task_id for r, d in decided if d.fired and "support" in memo.chain_parts(d)})
    updates, notes, events = [], [], []
    for r, d in decided:
        try:
            found = memo.recipients_for(r, d) if d.fired is not None else None
        except Exception as exc:  # noqa: BLE001  one bad row never stops a sweep
            failed.append((r, _reason(exc)))
            continue
        updates.append(_update_row(r, d, now))
        if d.fired is not None and found is not None:
            _count(result, d)
            notes += [_note(r.id, d, recipient, role, now, r.last_step >= 0) for recipient, role in found.notes]
            events.append(_event(r, d, now, found.to, found.cc))
    for r, reason in failed:
        result.errors += 1
        result.failures.append({"occurrence_id": r.id, "reason": reason})
        updates.append(_pushed_back(r, memo.today))
        events.append(_failure_event(r, reason, now, memo.today + RETRY_AFTER))
    if dry_run:
        result.would_send += [{k: n[k] for k in ("occurrence_id", "step", "recipient", "role", "template")} for n in notes]
        result.notifications += len(notes)
        return
    _write(session, updates, notes, events, result)


def _decide_each(rows: list, memo: _Memo) -> tuple[list, list]:  # noqa: ANN001
    """decide() for each row; a row it fails on is set apart with its reason."""
    decided, failed = [], []
    for r in rows:
        try:
            decided.append((r, memo.decide(r)))
        except Exception as exc:  # noqa: BLE001  one bad row never stops a sweep
            failed.append((r, _reason(exc)))
    return decided, failed


def _reason(exc: Exception) -> str:
    return f"{type(exc).__name__}: {exc}"[:500]


def _pushed_back(r, today: date) -> dict:  # noqa: ANN001
    """The failed row keeps its escalation state and is looked at again tomorrow."""
    return {"b_id": r.id, "b_old": r.last_step, "b_step": r.last_step, "b_level": r.escalation_level,
            "b_next": today + RETRY_AFTER, "b_reminded": None}


def _failure_event(r, reason: str, now: datetime, retry_on: date) -> dict:  # noqa: ANN001
    return {"at": now, "actor_kind": "system", "actor": "sweep", "kind": "occurrence.sweep_failed",
            "plan_id": r.plan_id, "task_id": r.task_id, "occurrence_id": r.id, "before": None,
            "after": {"retry_on": retry_on.isoformat()}, "note": f"Không xử lý được, sẽ thử lại / could not be swept, retried: {reason}"}


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


def _note(occurrence_id: int, d: Decision, recipient: str, role: str, now: datetime, reminded_before: bool) -> dict:
    assert d.fired is not None
    return {"key": f"{occurrence_id}:{d.fired.index}:{recipient}", "occurrence_id": occurrence_id,
            "step": d.fired.index, "recipient": recipient, "role": role, "template": d.fired.step.template,
            "level": d.escalation_level, "reminded_before": reminded_before, "created_at": now}


def _event(r, d: Decision, now: datetime, to: list[str], cc: list[str]) -> dict:  # noqa: ANN001
    assert d.fired is not None
    return {"at": now, "actor_kind": "system", "actor": "sweep", "kind": "occurrence.escalation",
            "plan_id": r.plan_id, "task_id": r.task_id, "occurrence_id": r.id,
            "before": {"escalation_level": r.escalation_level, "last_step": r.last_step},
            "after": {"escalation_level": d.escalation_level, "last_step": d.last_step, "template": d.fired.step.template,
                      "to": to, "cc": cc}, "note": ""}


def _occurrence_update():  # noqa: ANN202
    """One UPDATE per row, conditional on last_step so that a concurrent
    sweep's work is not redone; last_reminded_at is kept when nothing fired."""
    t = Occurrence.__table__
    return (update(t)
            .where(t.c.id == bindparam("b_id"), t.c.last_step == bindparam("b_old"),
                   or_(*(t.c.status == s for s in INDEXED)))
            .values(last_step=bindparam("b_step"), escalation_level=bindparam("b_level"),
                    next_check_on=bindparam("b_next"),
                    last_reminded_at=func.coalesce(bindparam("b_reminded", type_=t.c.last_reminded_at.type),
                                                   t.c.last_reminded_at)))


def _insert_ignore(session: Session, table, rows: list[dict], key: str) -> None:  # noqa: ANN001
    if not rows:
        return
    dialect = session.get_bind().dialect.name
    stmt = (pg_insert if dialect == "postgresql" else sqlite_insert)(table).on_conflict_do_nothing(index_elements=[key])
    session.connection().execute(stmt, rows)


def _write(session: Session, updates: list[dict], notes: list[dict], events: list[dict], result: SweepResult) -> None:
    if updates:
        session.connection().execute(_occurrence_update(), updates)
    _insert_ignore(session, Notification.__table__, notes, "key")
    result.notifications += len(notes)
    if events:
        session.connection().execute(insert(Event.__table__), events)
