"""Occurrence periods: what an agency must deliver, and when, within a plan's span."""
from __future__ import annotations

import ast
import re
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dondoc.engine import schedule as schedule_module
from dondoc.engine.schedule import Period, periods
from dondoc.engine.timeframes import Continuous, Deadline, OnEvent, Part, Recurring, Schedule, parse_timeframe

NGHE_AN = ((10, 5), (10, 11))      # "6 tháng (vào ngày 10 tháng 5), 1 năm (vào ngày 10 tháng 11)"
THANH_LINH = ((10, 5), (30, 10))   # "6 tháng (ngày 10 tháng 5), báo cáo năm (ngày 30 tháng 10)"
START, END = date(2023, 1, 1), date(2023, 12, 31)
ISSUED_ON = date(2023, 5, 15)      # the Thanh Lĩnh plan: its span starts on the issue date


def of(*parts: Part, starts_on: date = START, ends_on: date = END,
       report_dates: tuple[tuple[int, int], ...] = ()) -> list[Period]:
    return periods(Schedule(parts), starts_on=starts_on, ends_on=ends_on, report_dates=report_dates)


def test_a_deadline_is_one_period_keyed_by_its_date() -> None:
    assert of(Deadline(date(2023, 6, 30), "Tháng 6 năm 2023")) == [Period("2023-06-30", date(2023, 6, 30))]


def test_a_deadline_outside_the_span_is_still_kept() -> None:
    assert of(Deadline(date(2022, 6, 30), "Quý II/2022"), starts_on=ISSUED_ON) == [
        Period("2022-06-30", date(2022, 6, 30))]


def test_half_years_fall_on_the_reporting_date_inside_each_half() -> None:
    assert of(Recurring("half_year"), report_dates=NGHE_AN) == [
        Period("2023-H1", date(2023, 5, 10)), Period("2023-H2", date(2023, 11, 10))]


def test_half_years_end_on_the_last_day_of_the_half_without_reporting_dates() -> None:
    assert of(Recurring("half_year")) == [Period("2023-H1", date(2023, 6, 30)), Period("2023-H2", date(2023, 12, 31))]


def test_a_fixed_half_year_day_repeats_six_months_later_and_wins_over_the_regime() -> None:
    assert of(Recurring("half_year", day=10, month=5), report_dates=THANH_LINH) == [
        Period("2023-H1", date(2023, 5, 10)), Period("2023-H2", date(2023, 11, 10))]


def test_a_half_year_due_before_the_plan_starts_is_not_a_period() -> None:
    assert of(Recurring("half_year"), starts_on=ISSUED_ON, report_dates=THANH_LINH) == [
        Period("2023-H2", date(2023, 10, 30))]


def test_a_year_falls_on_its_fixed_day() -> None:
    assert of(Recurring("year", day=10, month=12), report_dates=THANH_LINH) == [Period("2023", date(2023, 12, 10))]


def test_a_year_falls_on_the_latest_reporting_date_else_on_the_last_day() -> None:
    assert of(Recurring("year"), report_dates=THANH_LINH) == [Period("2023", date(2023, 10, 30))]
    assert of(Recurring("year")) == [Period("2023", date(2023, 12, 31))]


def test_months_end_on_their_last_day() -> None:
    found = of(Recurring("month"))
    assert [p.key for p in found] == [f"2023-{m:02d}" for m in range(1, 13)]
    assert found[1] == Period("2023-02", date(2023, 2, 28))


def test_a_monthly_day_past_the_end_of_a_month_falls_on_its_last_day() -> None:
    assert of(Recurring("month", day=31), starts_on=date(2024, 2, 1), ends_on=date(2024, 3, 31)) == [
        Period("2024-02", date(2024, 2, 29)), Period("2024-03", date(2024, 3, 31))]


def test_quarters_end_on_their_last_day() -> None:
    assert of(Recurring("quarter")) == [Period("2023-Q1", date(2023, 3, 31)), Period("2023-Q2", date(2023, 6, 30)),
                                        Period("2023-Q3", date(2023, 9, 30)), Period("2023-Q4", date(2023, 12, 31))]


def test_a_quarterly_day_falls_in_the_last_month_of_the_quarter() -> None:
    assert [p.due for p in of(Recurring("quarter", day=20))][:2] == [date(2023, 3, 20), date(2023, 6, 20)]


def test_the_span_clips_recurring_periods() -> None:
    found = of(Recurring("month"), starts_on=ISSUED_ON, ends_on=date(2023, 9, 15))
    assert [p.key for p in found] == ["2023-05", "2023-06", "2023-07", "2023-08"]


def test_continuous_is_tracked_at_each_reporting_date_and_at_the_end_of_the_span() -> None:
    assert of(Continuous("Thường xuyên trong năm"), report_dates=THANH_LINH) == [
        Period("2023-05-10", date(2023, 5, 10)), Period("2023-10-30", date(2023, 10, 30)),
        Period("2023-12-31", date(2023, 12, 31))]
    assert [p.key for p in of(Continuous(), starts_on=ISSUED_ON, report_dates=THANH_LINH)] == [
        "2023-10-30", "2023-12-31"]


def test_continuous_without_a_regime_is_tracked_at_mid_year_and_year_end_clipped_to_the_span() -> None:
    assert [p.key for p in of(Continuous())] == ["2023-06-30", "2023-12-31"]
    assert [p.key for p in of(Continuous(), starts_on=date(2023, 3, 1), ends_on=date(2023, 9, 30))] == [
        "2023-06-30", "2023-09-30"]


def test_an_on_event_duty_is_one_open_event_period() -> None:
    assert of(OnEvent("Theo các vụ việc, vấn đề"), OnEvent("Theo chỉ đạo của cấp trên")) == [
        Period("event", None, on_event=True)]


def test_periods_are_sorted_by_due_with_the_event_last() -> None:
    schedule = parse_timeframe("Định kỳ 6 tháng, 1 năm hoặc đột xuất", plan_year=2023, issued_on=ISSUED_ON)
    assert periods(schedule, starts_on=ISSUED_ON, ends_on=END, report_dates=THANH_LINH) == [
        Period("2023", date(2023, 10, 30)), Period("event", None, on_event=True)]


def test_a_checkpoint_and_a_deadline_on_the_same_day_are_one_period() -> None:
    assert of(Continuous(), Deadline(END, "Tháng 12/2023")) == [
        Period("2023-06-30", date(2023, 6, 30)), Period("2023-12-31", END)]


def test_when_two_parts_give_one_key_the_earliest_due_wins() -> None:
    assert of(Recurring("year", day=10, month=12), Recurring("year")) == [Period("2023", date(2023, 12, 10))]


def test_the_real_province_regime_gives_a_half_year_and_a_year_report() -> None:
    schedule = parse_timeframe("Định kỳ 6 tháng (vào ngày 10 tháng 5), 1 năm (vào ngày 10 tháng 11)", plan_year=2021)
    assert periods(schedule, starts_on=date(2021, 1, 1), ends_on=date(2021, 12, 31)) == [
        Period("2021-H1", date(2021, 5, 10)), Period("2021", date(2021, 11, 10))]  # the year report is the H2 report


FROM_2021, TO_2030 = date(2021, 1, 1), date(2030, 12, 31)


def test_a_ten_year_span_has_every_half_and_every_year() -> None:
    found = of(Recurring("half_year"), Recurring("year"), starts_on=FROM_2021, ends_on=TO_2030, report_dates=NGHE_AN)
    assert len(found) == 20 and found[0] == Period("2021-H1", date(2021, 5, 10))
    assert {p.key for p in found} == {f"{y}{s}" for y in range(2021, 2031) for s in ("", "-H1")}
    assert found[-1] == Period("2030", date(2030, 11, 10))


def test_a_ten_year_continuous_duty_has_every_reporting_date_and_the_end() -> None:
    found = of(Continuous(), starts_on=FROM_2021, ends_on=TO_2030, report_dates=NGHE_AN)
    assert len(found) == 21 and found[-1] == Period("2030-12-31", date(2030, 12, 31))


def test_keys_do_not_depend_on_the_order_of_parts_or_of_calls() -> None:
    parts = (Continuous(), Recurring("quarter"), Deadline(date(2023, 7, 31), "Tháng 7/2023"), OnEvent())
    first = of(*parts, report_dates=THANH_LINH)
    assert first == of(*reversed(parts), report_dates=THANH_LINH) == of(*parts, report_dates=THANH_LINH)


def test_a_reversed_span_is_refused() -> None:
    with pytest.raises(ValueError, match="bắt đầu 31/12/2023 sau khi kết thúc 01/01/2023"):
        of(Continuous(), starts_on=END, ends_on=START)


@pytest.mark.parametrize("bad", [(29, 2), (31, 4), (0, 5), (10, 13)])
def test_a_reporting_date_that_is_not_in_every_year_is_refused(bad: tuple[int, int]) -> None:
    with pytest.raises(ValueError, match="Ngày báo cáo"):
        of(Continuous(), report_dates=(bad,))


PARTS = [Deadline(date(2022, 6, 30), "Quý II/2022"), Deadline(date(2024, 3, 31), "Quý I/2024"), Continuous(),
         OnEvent(), Recurring("month"), Recurring("month", day=31), Recurring("quarter"), Recurring("half_year"),
         Recurring("half_year", day=31, month=5), Recurring("year"), Recurring("year", day=10, month=12)]
DAYS = st.dates(min_value=date(2020, 1, 1), max_value=date(2026, 12, 31))


@given(st.lists(st.sampled_from(PARTS), max_size=5), DAYS, DAYS, st.lists(st.sampled_from(NGHE_AN + THANH_LINH)))
def test_periods_are_sorted_unique_and_inside_the_span(parts: list[Part], a: date, b: date,
                                                       regime: list[tuple[int, int]]) -> None:
    starts_on, ends_on = min(a, b), max(a, b)
    found = of(*parts, starts_on=starts_on, ends_on=ends_on, report_dates=tuple(regime))
    dues = [(p.due is None, p.due or date.min) for p in found]
    assert dues == sorted(dues) and len({p.key for p in found}) == len(found)
    deadlines = {p.due for p in parts if isinstance(p, Deadline)}
    assert all(p.on_event or p.due in deadlines or (p.due and starts_on <= p.due <= ends_on) for p in found)


def test_the_module_is_pure() -> None:
    source = Path(schedule_module.__file__).read_text(encoding="utf-8")
    tree = ast.parse(source)
    imported = {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    imported |= {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module}
    assert imported <= {"__future__", "collections.abc", "dataclasses", "datetime", "dondoc.engine.timeframes"}
    assert not re.search(r"\b(?:today|now|time)\(", source)
