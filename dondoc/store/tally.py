"""The dashboard's tally: per owner agency and plan, the four categories as of
today (and the overdue counts of the seven weeks before), so a national
dashboard reads ~100 k small rows instead of counting 1 M occurrences per
request.

The tally is kept in the same transaction as what changes it:
- `set_status` recounts the one owner agency (`owner_changed`);
- loading a plan config and the roll-over add or cancel occurrences
  (`invalidate`: the next reader rebuilds it);
- a new day makes it stale by itself (`TallyState.as_of` is not today);
- a sweep changes escalation levels only (`touch`).
Every change bumps `TallyState.generation`, which readers may use as a cache key.
The counting conditions are lifecycle.CATEGORY_RULES rendered in SQL
(dondoc.store.vocabulary): done counts only if completed by the day; an item
reported by its deadline waits for confirmation, never overdue; cancelled and
waived are left out."""
from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import and_, delete, func, insert, not_, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine
from sqlmodel import Session

from dondoc.engine.lifecycle import Category
from dondoc.store.db import session_scope
from dondoc.store.models import AgencyTally, Occurrence, TallyState
from dondoc.store.vocabulary import EXCLUDED, category_is, count_if, overdue_on

WEEKS = 7  # overdue_w1 .. overdue_w7
__all__ = ["EXCLUDED", "count_if", "done_by", "done_late", "done_on_time", "overdue_on", "awaiting"]


def done_on_time(day: date) -> Any:
    return category_is(Category.DONE_ON_TIME, day)


def done_late(day: date) -> Any:
    return category_is(Category.DONE_LATE, day)


def done_by(day: date) -> Any:
    return or_(done_on_time(day), done_late(day))


def awaiting(day: date) -> Any:
    return category_is(Category.AWAITING_CONFIRMATION, day)


def week_days(as_of: date) -> list[date]:
    """The days of overdue_w1..overdue_w7 (or the first day there is)."""
    return [as_of - timedelta(weeks=k) if as_of - date.min >= timedelta(weeks=k) else date.min
            for k in range(1, WEEKS + 1)]


COLUMNS = ("owner_id", "plan_id", "total", "done_on_time", "done_late", "overdue", "awaiting",
           *(f"overdue_w{k}" for k in range(1, WEEKS + 1)))


def _counts(as_of: date, *where: Any) -> Any:
    """SELECT of every tally column from the occurrences, grouped by owner and plan."""
    return (select(Occurrence.owner_id, Occurrence.plan_id, func.count(Occurrence.id), count_if(done_on_time(as_of)),
                   count_if(done_late(as_of)), count_if(overdue_on(as_of)), count_if(awaiting(as_of)),
                   *(count_if(overdue_on(day)) for day in week_days(as_of)))
            .where(Occurrence.status.not_in(EXCLUDED), *where)
            .group_by(Occurrence.owner_id, Occurrence.plan_id))


def state(session: Session) -> TallyState:
    row = session.get(TallyState, 1)
    if row is None:
        row = TallyState(id=1)
        session.add(row)
        session.flush()
    return row


def rebuild(session: Session, *, as_of: date, now: datetime) -> int:
    """Count everything again for `as_of`; returns the number of tally rows."""
    state(session)
    session.execute(delete(AgencyTally))
    result = session.execute(insert(AgencyTally).from_select(COLUMNS, _counts(as_of)))
    _bump(session, as_of=as_of, built_at=now)
    return result.rowcount


def current(engine: Engine) -> TallyState:
    with session_scope(engine, write=False) as session:
        return session.get(TallyState, 1) or TallyState(id=1)


def ensure(engine: Engine, *, today: date, now: datetime) -> TallyState:
    """The state of a tally that counts for `today`, rebuilt first if it is
    stale (another process may be rebuilding it: checked again under the
    write lock)."""
    row = current(engine)
    if row.as_of == today:
        return row
    with session_scope(engine, write=True) as session:
        row = _locked_state(session)
        if row.as_of != today:
            rebuild(session, as_of=today, now=now)
            session.flush()
            session.refresh(row)
        return row


def owner_changed(session: Session, owner_id: str) -> None:
    """Recount one owner agency. The state row is locked first, so
    concurrent status changes recount (and bump the generation) one after
    the other; rows of plans the agency no longer has left are zeroed."""
    row = _locked_state(session)
    if row.as_of is not None:
        session.execute(update(AgencyTally).where(AgencyTally.owner_id == owner_id)
                        .values(**dict.fromkeys(COLUMNS[2:], 0)))
        session.execute(_upsert(session, _counts(row.as_of, Occurrence.owner_id == owner_id)))
    _bump(session)


def invalidate(session: Session) -> None:
    """A load or a roll-over added, changed or cancelled occurrences (or
    agencies): the next reader rebuilds."""
    state(session)
    _bump(session, as_of=None, directory_version=TallyState.directory_version + 1)


def touch(session: Session) -> None:
    """Something shown beside the counts (escalation levels) changed."""
    state(session)
    _bump(session)


def _locked_state(session: Session) -> TallyState:
    state(session)
    return session.execute(select(TallyState).where(TallyState.id == 1).with_for_update()).scalar_one()


def _bump(session: Session, **values: Any) -> None:
    session.execute(update(TallyState).where(TallyState.id == 1)
                    .values(generation=TallyState.generation + 1, **values)
                    .execution_options(synchronize_session=False))
    session.expire(session.get(TallyState, 1))


def _upsert(session: Session, counts: Any) -> Any:
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    stmt = dialect.insert(AgencyTally).from_select(COLUMNS, counts)
    return stmt.on_conflict_do_update(index_elements=["owner_id", "plan_id"],
                                      set_={c: getattr(stmt.excluded, c) for c in COLUMNS[2:]})


# --- Extensions (issue 16, conversation): the SQL twin of lifecycle.on_time_after_extension,
# read by dondoc.store.extended (not a tally column: few rows have due_as_written).
def done_on_time_extended(day: date) -> Any:
    return and_(done_by(day), not_(done_late(day)), Occurrence.due_as_written.is_not(None),
                Occurrence.completed_on > Occurrence.due_as_written)
