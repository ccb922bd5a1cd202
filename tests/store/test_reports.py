"""The overdue report on the example plans against hand-written expectations
(read off the plan documents, not off the code)."""
from __future__ import annotations

import json
from datetime import UTC, date, datetime

from sqlmodel import select
from typer.testing import CliRunner

from dondoc.cli.main import app
from dondoc.config.reader import read_config
from dondoc.engine.calendar import CalendarDecisions, WorkCalendar
from dondoc.engine.lifecycle import Category
from dondoc.store.db import session_scope
from dondoc.store.loader import apply_config
from dondoc.store.models import Event, Occurrence, Task
from dondoc.store.reports import category_counts, overdue
from dondoc.store.status import Actor, set_status
from tests.conftest import CONFIG

NOW = datetime(2023, 5, 20, 1, 0, tzinfo=UTC)
CAL = WorkCalendar(CalendarDecisions())
COMMUNE = "thanh-linh-2023-tre-em"


def load_examples(engine):
    with session_scope(engine) as s:
        apply_config(s, read_config([CONFIG]), now=NOW, calendar=CAL)


def report(engine, as_of, **kw):
    with session_scope(engine, write=False) as s:
        return [(i.task, i.lead, i.due, i.days_overdue) for i in overdue(s, as_of=as_of, **kw)]


def test_on_1_april_2023_the_commune_plan_has_three_overdue_items(engine):
    load_examples(engine)
    assert report(engine, date(2023, 4, 1), plan=COMMUNE) == [
        ("4.2", "cong-chuc-chinh-sach-thanh-linh", "2022-06-30", 275),  # "Quý II/2022" as written
        ("3.2.1", "cong-chuc-tai-chinh-thanh-linh", "2023-03-31", 1),  # "Quý 01/2023"
        ("3.3.7-1", "cong-chuc-chinh-sach-thanh-linh", "2023-03-31", 1),  # "Tháng 3/2023"
    ]


def test_the_semi_annual_report_due_before_the_plan_was_issued_is_not_owed(engine):
    # Thanh Lĩnh's plan is issued 15/05/2023; its "Báo cáo 6 tháng" is due 10/05: waived, not overdue.
    load_examples(engine)
    assert report(engine, date(2023, 6, 1), plan=COMMUNE, agency="cong-chuc-tai-chinh-thanh-linh") == [
        ("3.2.1", "cong-chuc-tai-chinh-thanh-linh", "2023-03-31", 62),
    ]
    with session_scope(engine, write=False) as s:
        early = s.exec(select(Occurrence).join(Task).where(Task.plan_id == COMMUNE, Task.number == "BC-1",
                                                           Occurrence.period == "2023")).all()
        assert early and {o.status for o in early} == {"waived"}
        assert s.exec(select(Event).where(Event.kind == "occurrence.status", Event.occurrence_id == early[0].id,
                                          Event.after["status"].as_string() == "waived")).first() is not None


def test_an_item_done_later_is_still_overdue_on_earlier_dates(engine):
    load_examples(engine)
    with session_scope(engine) as s:
        occ = s.exec(select(Occurrence).join(Task).where(Task.plan_id == COMMUNE, Task.number == "3.2.1")).one()
        set_status(s, occ, "reported", actor=Actor("agency", occ.owner_id), calendar=CAL,
                   now=datetime(2023, 4, 10, 2, 0, tzinfo=UTC))
        set_status(s, occ, "done", actor=Actor("agency", "cong-chuc-chinh-sach-thanh-linh"), calendar=CAL,
                   now=datetime(2023, 4, 12, 2, 0, tzinfo=UTC))
    assert ("3.2.1", "cong-chuc-tai-chinh-thanh-linh", "2023-03-31", 1) in report(engine, date(2023, 4, 1), plan=COMMUNE)
    assert all(t != "3.2.1" for t, *_ in report(engine, date(2023, 6, 1), plan=COMMUNE))
    with session_scope(engine, write=False) as s:
        counts = category_counts(s, as_of=date(2023, 6, 1), plan=COMMUNE)
    assert counts[Category.DONE_LATE] == 1 and counts[Category.DONE_ON_TIME] == 0


def test_the_province_plan_is_overdue_for_every_reporting_department_after_10_may_2021(engine):
    load_examples(engine)
    items = report(engine, date(2021, 5, 11), plan="nghe-an-2021-192")
    reports = {lead for task, lead, due, days in items if task == "BC-1"}
    assert {"so-yte-nghe-an", "so-gddt-nghe-an", "congan-tinh-nghe-an"} <= reports
    assert all(days == 1 and due == "2021-05-10" for task, lead, due, days in items)


def test_overdue_report_json_contract(engine, db_url):
    load_examples(engine)
    result = CliRunner().invoke(app, ["report", "overdue", "--as-of", "2023-04-01", "--plan", COMMUNE, "--format", "json"],
                                env={"DONDOC_DATABASE_URL": db_url})
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert {"plan", "task", "title", "lead", "due", "days_overdue", "status", "escalation_level"} <= set(rows[0])
    assert rows[0]["plan"] == COMMUNE and rows[0]["task"] == "4.2" and rows[0]["days_overdue"] == 275
