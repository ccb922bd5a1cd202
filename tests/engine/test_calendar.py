from datetime import UTC, date, datetime

from dondoc.engine.calendar import CalendarDecisions, WorkCalendar, format_vi, local_date, weekday_vi

CAL = WorkCalendar(CalendarDecisions())


def test_weekends_are_not_working_days():
    assert not CAL.is_working_day(date(2023, 6, 3))  # Saturday
    assert not CAL.is_working_day(date(2023, 6, 4))  # Sunday
    assert CAL.is_working_day(date(2023, 6, 5))


def test_tet_and_national_day_are_holidays():
    assert CAL.is_holiday(date(2023, 1, 23))  # Tết Quý Mão, day 2
    assert CAL.is_holiday(date(2024, 2, 12))  # Tết Giáp Thìn
    assert CAL.is_holiday(date(2023, 9, 2))
    assert not CAL.is_working_day(date(2023, 5, 1))


def test_five_working_days_after_a_friday_skip_the_weekend():
    assert CAL.add_working_days(date(2023, 6, 2), 5) == date(2023, 6, 9)


def test_working_days_skip_tet():
    # Friday 2023-01-20 is the 29th of the lunar year; Tết runs to Thursday 26th.
    assert CAL.add_working_days(date(2023, 1, 19), 1) == date(2023, 1, 27)


def test_negative_working_days_count_backwards_over_a_holiday():
    # 2023-05-02/03 are observed holidays after 30/4 and 1/5.
    assert CAL.add_working_days(date(2023, 5, 5), -3) == date(2023, 4, 27)


def test_zero_working_days_moves_a_weekend_to_monday():
    assert CAL.add_working_days(date(2023, 6, 3), 0) == date(2023, 6, 5)


def test_the_governments_make_up_working_saturdays_are_working_days():
    assert CAL.is_working_day(date(2024, 5, 4))  # made up for Monday 29/4/2024
    assert CAL.is_working_day(date(2025, 4, 26))  # made up for Friday 2/5/2025
    assert not CAL.is_working_day(date(2024, 4, 29)) and not CAL.is_working_day(date(2025, 5, 2))
    assert not CAL.is_working_day(date(2024, 5, 11))  # an ordinary Saturday


def test_a_config_decision_adds_a_working_day_and_a_day_off():
    cal = WorkCalendar(CalendarDecisions(days_off=frozenset({date(2026, 6, 5)}),
                                         working_days=frozenset({date(2026, 6, 13)})))
    assert not cal.is_working_day(date(2026, 6, 5)) and CAL.is_working_day(date(2026, 6, 5))
    assert cal.is_working_day(date(2026, 6, 13)) and not CAL.is_working_day(date(2026, 6, 13))


def test_five_working_days_count_a_make_up_saturday():
    # Thursday 2/5/2024 + 5 working days: Fri 3, Sat 4 (made up), Mon 6, Tue 7, Wed 8.
    assert CAL.add_working_days(date(2024, 5, 2), 5) == date(2024, 5, 8)


def test_a_deadline_on_a_sunday_runs_to_the_next_working_day():
    assert CAL.effective_due(date(2023, 6, 4)) == date(2023, 6, 5)
    assert CAL.effective_due(date(2023, 6, 4), "as_written") == date(2023, 6, 4)
    assert CAL.effective_due(date(2023, 6, 5)) == date(2023, 6, 5)


def test_a_deadline_inside_tet_runs_past_the_whole_holiday():
    # Tết Ất Tỵ: Monday 27/1/2025 to Saturday 1/2/2025; the next working day is Monday 3/2.
    assert CAL.effective_due(date(2025, 1, 29)) == date(2025, 2, 3)


def test_a_deadline_on_a_make_up_saturday_stays_on_that_saturday():
    assert CAL.effective_due(date(2025, 4, 26)) == date(2025, 4, 26)


def test_working_days_between_is_signed():
    assert CAL.working_days_between(date(2023, 6, 2), date(2023, 6, 9)) == 5
    assert CAL.working_days_between(date(2023, 6, 9), date(2023, 6, 2)) == -5


def test_local_date_is_in_ho_chi_minh_time():
    assert local_date(datetime(2023, 6, 4, 18, 0, tzinfo=UTC)) == date(2023, 6, 5)


def test_vietnamese_date_forms():
    assert format_vi(date(2023, 5, 10)) == "10/05/2023"
    assert weekday_vi(date(2023, 6, 5)) == "thứ Hai"
    assert weekday_vi(date(2023, 6, 4)) == "Chủ nhật"
