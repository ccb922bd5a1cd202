"""Config that decides deadlines: the plan year comes from `period`, the `calendar:`
section is read from any file, and reporting entries say how often."""
from __future__ import annotations

from datetime import date

from dondoc.config.reader import read_config
from dondoc.engine.timeframes import Deadline
from tests.factories import PLAN, POLICIES, write_config

PLAN_2024 = (PLAN.replace("issued_on: 2023-02-01", "issued_on: 2023-12-15\n    period: {from: 2024-01-01, to: 2024-12-31}")
             .replace("timeframe: Quý II/2023", "timeframe: Quý IV"))


def test_a_quarter_without_a_year_is_in_the_year_of_the_plans_period_not_of_its_issue(tmp_path):
    config = read_config([write_config(tmp_path, plan=PLAN_2024)])
    assert config.schedules[("an-binh-2023", "2.1")].parts == (Deadline(date(2024, 12, 31), "Quý IV"),)


def test_the_calendar_section_is_read_with_where_each_day_was_decided(tmp_path):
    policies = POLICIES + "calendar:\n  days_off: [2024-06-05]\n  working_days: [2024-06-15]\n"
    config = read_config([write_config(tmp_path, policies=policies)])
    assert config.calendar is not None
    assert config.calendar[date(2024, 6, 5)][0] is False and config.calendar[date(2024, 6, 15)][0] is True
    assert config.calendar[date(2024, 6, 5)][2].startswith(str(tmp_path / "policies.yaml") + ":")


def test_without_a_calendar_section_the_stored_decisions_are_left_alone(tmp_path):
    assert read_config([write_config(tmp_path)]).calendar is None


def test_reporting_entries_say_how_often(tmp_path):
    plan = PLAN.replace('      - {name: Báo cáo 6 tháng, due: "10/05", from: leads, to: focal}',
                        '      - {name: Báo cáo tháng, every: month, day: 20, from: leads, to: focal}\n'
                        '      - {name: Báo cáo quý, every: quarter, from: [tram-y-te-an-binh], to: focal}\n'
                        '      - {name: Báo cáo một lần, every: once, due: "30/12/2023"}')
    (located,) = read_config([write_config(tmp_path, plan=plan)]).plans.values()
    assert [(r.every, r.day, r.due) for r in located.item.reporting] == [
        ("month", 20, None), ("quarter", None, None), ("once", None, "30/12/2023")]
