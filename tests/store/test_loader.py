"""Loading config into the database: idempotent, edits recorded, removals cancel."""
from __future__ import annotations

from datetime import UTC, date, datetime

from sqlmodel import select

from dondoc.config.reader import read_config
from dondoc.engine.calendar import CalendarDecisions, WorkCalendar
from dondoc.store.db import session_scope
from dondoc.store.loader import apply_config
from dondoc.store.models import Event, Occurrence, Task
from tests.conftest import CONFIG
from tests.factories import PLAN, write_config

NOW = datetime(2023, 3, 1, 1, 0, tzinfo=UTC)
CAL = WorkCalendar(CalendarDecisions())


def load(engine, folder, now=NOW):
    config = read_config([folder])
    with session_scope(engine) as session:
        return apply_config(session, config, now=now, calendar=CAL).counts


def occurrences(engine, number):
    with session_scope(engine, write=False) as s:
        return list(s.exec(select(Occurrence).join(Task).where(Task.number == number).order_by(Occurrence.owner_id)))


def test_a_plan_becomes_tasks_with_one_occurrence_per_period(tmp_path, engine):
    counts = load(engine, write_config(tmp_path))
    assert counts["task_created"] == 5  # four tasks and one reporting obligation
    [june] = occurrences(engine, "1.1")
    assert june.due == date(2023, 6, 30) and june.owner_id == "cong-chuc-chinh-sach-an-binh"
    assert june.status == "not_started" and june.next_check_on == date(2023, 6, 23)
    [event_driven] = occurrences(engine, "3.1")
    assert event_driven.on_event and event_driven.due is None and event_driven.next_check_on is None


def test_reporting_regime_gives_one_occurrence_per_reporting_agency(tmp_path, engine):
    load(engine, write_config(tmp_path))
    reports = occurrences(engine, "BC-1")
    assert [o.owner_id for o in reports] == ["cong-chuc-chinh-sach-an-binh", "tram-y-te-an-binh", "truong-hoc-an-binh"]
    assert {o.due for o in reports} == {date(2023, 5, 10)}


def test_reloading_the_same_files_changes_nothing(tmp_path, engine):
    folder = write_config(tmp_path)
    load(engine, folder)
    with session_scope(engine, write=False) as s:
        events_before = len(list(s.exec(select(Event))))
    assert load(engine, folder) == {}
    with session_scope(engine, write=False) as s:
        assert len(list(s.exec(select(Event)))) == events_before


def test_editing_a_task_updates_it_with_an_event(tmp_path, engine):
    load(engine, write_config(tmp_path / "v1"))
    edited = PLAN.replace("Tháng 6 năm 2023", "Tháng 7 năm 2023")
    counts = load(engine, write_config(tmp_path / "v2", plan=edited))
    assert counts["task_updated"] == 1
    live = [o for o in occurrences(engine, "1.1") if o.status != "cancelled"]
    assert [o.due for o in live] == [date(2023, 7, 31)]
    with session_scope(engine, write=False) as s:
        ev = s.exec(select(Event).where(Event.kind == "task.updated")).one()
    assert ev.before["timeframe"] == "Tháng 6 năm 2023" and ev.after["timeframe"] == "Tháng 7 năm 2023"


def test_a_task_removed_from_the_file_is_cancelled_not_deleted(tmp_path, engine):
    load(engine, write_config(tmp_path / "v1"))
    without = PLAN.split('      - number: "2.2"')[0] + PLAN.split('      - number: "2.2"')[1].split("      - number:", 1)[1].join(["      - number:", ""])
    counts = load(engine, write_config(tmp_path / "v2", plan=without))
    assert counts["task_removed"] == 1
    [occ] = occurrences(engine, "2.2")
    assert occ.status == "cancelled"
    with session_scope(engine, write=False) as s:
        task = s.exec(select(Task).where(Task.number == "2.2")).one()
        assert task.removed
        assert s.exec(select(Event).where(Event.kind == "task.removed", Event.task_id == task.id)).one()


def test_both_example_plans_load(engine):
    counts = load(engine, CONFIG)
    assert counts["plan_created"] == 2
    with session_scope(engine, write=False) as s:
        numbers = set(s.exec(select(Task.number).where(Task.plan_id == "thanh-linh-2023-tre-em")))
        assert {"1.1", "2.5.4", "3.2.1", "4.2"} <= numbers
        province = set(s.exec(select(Task.number).where(Task.plan_id == "nghe-an-2021-192")))
        assert {"III.2.1.a", "III.2.3.a", "III.2.15"} <= province


def test_loader_warnings_reach_the_plan(engine):
    config = read_config([CONFIG])
    messages = [w.message for w in config.warnings]
    assert any("Quý II/2022" in m for m in messages)
