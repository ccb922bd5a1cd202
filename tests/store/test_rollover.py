"""Roll-over: next periods of recurring tasks appear as they come within the horizon."""
from __future__ import annotations

from datetime import UTC, date, datetime

from sqlmodel import select

from dondoc.config.reader import read_config
from dondoc.engine.calendar import CalendarDecisions, WorkCalendar
from dondoc.store.db import session_scope
from dondoc.store.loader import apply_config
from dondoc.store.models import Event, Occurrence, Task
from dondoc.store.rollover import rollover_once
from tests.factories import PLAN, write_config

CAL = WorkCalendar(CalendarDecisions())
LOADED = datetime(2023, 3, 1, 1, 0, tzinfo=UTC)
TEN_YEARS = PLAN.replace("    escalation: default", "    escalation: default\n    period: {from: 2023-01-01, to: 2030-12-31}").replace(
    "timeframe: Tháng 4-5/2023", "timeframe: Định kỳ hằng năm trước ngày 10/12")


def dues(engine, number):
    with session_scope(engine, write=False) as s:
        return sorted(o.due for o in s.exec(select(Occurrence).join(Task).where(Task.number == number)))


def test_a_yearly_duty_of_a_ten_year_plan_rolls_over_year_by_year(tmp_path, engine):
    with session_scope(engine) as s:
        apply_config(s, read_config([write_config(tmp_path, plan=TEN_YEARS)]), now=LOADED, calendar=CAL)
    # Only within the 400-day horizon; 10/12/2023 is a Sunday: the deadline runs to Monday 11/12 (art. 148.5).
    assert dues(engine, "2.2") == [date(2023, 12, 11)]
    created = rollover_once(engine, now=datetime(2024, 2, 1, tzinfo=UTC), calendar=CAL)
    assert created >= 1 and dues(engine, "2.2") == [date(2023, 12, 11), date(2024, 12, 10)]
    assert rollover_once(engine, now=datetime(2024, 2, 1, tzinfo=UTC), calendar=CAL) == 0
    with session_scope(engine, write=False) as s:
        assert s.exec(select(Event).where(Event.kind == "occurrence.rollover")).first() is not None


def test_reporting_obligations_roll_over_for_every_reporting_agency(tmp_path, engine):
    with session_scope(engine) as s:
        apply_config(s, read_config([write_config(tmp_path, plan=TEN_YEARS)]), now=LOADED, calendar=CAL)
    rollover_once(engine, now=datetime(2024, 1, 15, tzinfo=UTC), calendar=CAL)
    assert dues(engine, "BC-1").count(date(2024, 5, 10)) == 3
