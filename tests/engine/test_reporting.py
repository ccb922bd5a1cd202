"""A reporting regime's entries -> owners and periods: the one function the loader
and the roll-over both use."""
from __future__ import annotations

from datetime import date

from dondoc.engine.reporting import Reporting, report_dates, reporting_owners, reporting_periods, reporting_timeframe
from dondoc.engine.schedule import Period

YEAR_2024 = dict(starts_on=date(2024, 1, 1), ends_on=date(2024, 12, 31))


def test_a_six_monthly_report_is_due_on_its_day_and_six_months_later():
    entry = Reporting("Báo cáo 6 tháng", every="6 months", due="10/05")
    assert reporting_periods(entry, **YEAR_2024) == [Period("2024-H1", date(2024, 5, 10)),
                                                     Period("2024-H2", date(2024, 11, 10))]
    assert report_dates([entry]) == ((10, 5), (10, 11))


def test_a_yearly_report_keeps_the_key_of_earlier_versions():
    assert reporting_periods(Reporting("Báo cáo năm", due="15/12"), **YEAR_2024) == [Period("2024", date(2024, 12, 15))]


def test_a_monthly_report_on_the_31st_is_due_on_each_months_last_day():
    found = reporting_periods(Reporting("Báo cáo tháng", every="month", day=31), **YEAR_2024)
    assert [p.due for p in found][:3] == [date(2024, 1, 31), date(2024, 2, 29), date(2024, 3, 31)]
    assert len(found) == 12 and found[1].key == "2024-02"


def test_a_quarterly_report_without_a_day_is_due_at_the_quarters_end():
    found = reporting_periods(Reporting("Báo cáo quý", every="quarter"), **YEAR_2024)
    assert [(p.key, p.due) for p in found] == [("2024-Q1", date(2024, 3, 31)), ("2024-Q2", date(2024, 6, 30)),
                                               ("2024-Q3", date(2024, 9, 30)), ("2024-Q4", date(2024, 12, 31))]


def test_a_weekly_report_is_due_each_friday_by_default():
    found = reporting_periods(Reporting("Báo cáo tuần", every="week"), starts_on=date(2024, 5, 1),
                              ends_on=date(2024, 5, 20))
    assert [(p.key, p.due) for p in found] == [("2024-W18", date(2024, 5, 3)), ("2024-W19", date(2024, 5, 10)),
                                               ("2024-W20", date(2024, 5, 17))]


def test_a_daily_report_is_due_on_the_working_days_the_calendar_gives():
    found = reporting_periods(Reporting("Báo cáo ngày", every="day"), starts_on=date(2024, 5, 2),
                              ends_on=date(2024, 5, 6), is_working_day=lambda d: d != date(2024, 5, 3))
    assert [p.due for p in found] == [date(2024, 5, 2), date(2024, 5, 4), date(2024, 5, 5), date(2024, 5, 6)]


def test_a_one_off_report_outside_the_span_is_not_made():
    entry = Reporting("Báo cáo sơ kết", every="once", due="30/12/2025")
    assert reporting_periods(entry, **YEAR_2024) == []
    assert reporting_periods(entry, starts_on=date(2025, 1, 1), ends_on=date(2025, 12, 31)) == [
        Period("2025-12-30", date(2025, 12, 30))]


def test_the_owners_are_the_leads_or_the_agencies_named():
    leads = {"so-tai-chinh", "so-y-te"}
    assert reporting_owners(Reporting("BC"), leads) == leads
    assert reporting_owners(Reporting("BC", from_="so-y-te"), leads) == {"so-y-te"}
    assert reporting_owners(Reporting.of({"name": "BC", "from": ["a", "b"]}), leads) == {"a", "b"}


def test_the_timeframe_line_of_a_report_says_when():
    assert reporting_timeframe(Reporting("Báo cáo 6 tháng", every="6 months", due="10/05")) == \
        "Báo cáo 6 tháng trước ngày 10/05 và 10/11 hằng năm"
    assert reporting_timeframe(Reporting("Báo cáo tháng", every="month", day=20)) == "Báo cáo tháng vào ngày 20 hằng tháng"


def test_six_months_after_the_31st_of_august_is_the_28th_of_february_every_year():
    entry = Reporting("Báo cáo 6 tháng", every="6 months", due="31/08")
    assert entry.day_months() == ((31, 8), (28, 2))
    assert [p.due for p in reporting_periods(entry, **YEAR_2024)] == [date(2024, 2, 28), date(2024, 8, 31)]
