"""The calendar decisions a load writes (config `calendar:`), and the one
function the edges call to build the WorkCalendar they pass down."""
from __future__ import annotations

from datetime import date

from sqlalchemy import delete, select
from sqlalchemy.engine import Engine
from sqlmodel import Field, Session, SQLModel

from dondoc.engine.calendar import CalendarDecisions, WorkCalendar
from dondoc.store.db import session_scope


class CalendarDay(SQLModel, table=True):
    """A day the government made a day off (working=False) or a working day (True)."""

    __tablename__ = "calendar_day"
    day: date = Field(primary_key=True)
    working: bool
    note: str = ""
    source: str = ""


def decisions_of(session: Session) -> CalendarDecisions:
    rows = list(session.execute(select(CalendarDay.day, CalendarDay.working)).tuples())
    return CalendarDecisions(days_off=frozenset(d for d, working in rows if not working),
                             working_days=frozenset(d for d, working in rows if working))


def calendar_of(session: Session) -> WorkCalendar:
    return WorkCalendar(decisions_of(session))


def load_calendar(engine: Engine) -> WorkCalendar:
    """The calendar of this installation: `holidays`' Vietnam plus the stored decisions."""
    with session_scope(engine, write=False) as session:
        return calendar_of(session)


def save_decisions(session: Session, days: dict[date, tuple[bool, str, str]]) -> bool:
    """Replace the stored decisions by `days` (day -> (working, note, source)); True if anything changed."""
    old = {r.day: (r.working, r.note, r.source) for r in session.execute(select(CalendarDay)).scalars()}
    if old == days:
        return False
    session.execute(delete(CalendarDay))
    session.add_all(CalendarDay(day=d, working=w, note=n, source=s) for d, (w, n, s) in sorted(days.items()))
    return True
