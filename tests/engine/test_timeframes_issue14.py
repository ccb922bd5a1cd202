"""The phrases found wrong by the deadline probes (issue 14), with the schedule each
must give or the refusal it must raise: lists share their trailing year and "hằng
năm", recurring periods keep their day and month, text before a date that changes
its meaning is read exactly or refused, far years are refused as typos."""
from __future__ import annotations

from datetime import date

import pytest

from dondoc.engine.schedule import Period, periods
from dondoc.engine.timeframes import Deadline, Recurring, Schedule, TimeframeError, parse_timeframe

Y2025 = dict(plan_year=2025, issued_on=date(2025, 1, 10))
Y2024 = dict(plan_year=2024, issued_on=date(2023, 12, 15))  # a 2024 plan issued in December 2023

# (phrase, plan year and issue date, the schedule it must give)
READS = [
    ("Quý III và quý IV năm 2025", Y2025,
     Schedule((Deadline(date(2025, 9, 30), "Quý III"), Deadline(date(2025, 12, 31), "quý IV năm 2025")))),
    ("Tháng 3 và tháng 9/2025", Y2024,
     Schedule((Deadline(date(2025, 3, 31), "Tháng 3"), Deadline(date(2025, 9, 30), "tháng 9/2025")))),
    ("Ngày 15/6 hằng năm và ngày 15/12 hằng năm", Y2025,
     Schedule((Recurring("year", 15, 6, "Ngày 15/6 hằng năm"), Recurring("year", 15, 12, "ngày 15/12 hằng năm")))),
    ("Trước 30/6 và 31/12 hằng năm", Y2025,
     Schedule((Recurring("year", 30, 6, "Trước 30/6 hằng năm"), Recurring("year", 31, 12, "31/12 hằng năm")))),
    ("Hằng năm, trước ngày 15/12", Y2025, Schedule((Recurring("year", 15, 12, "Hằng năm, trước ngày 15/12"),))),
    ("Định kỳ hằng năm, trước ngày 10/12", Y2025,
     Schedule((Recurring("year", 10, 12, "Định kỳ hằng năm, trước ngày 10/12"),))),
    ("Tháng 12 hằng năm", Y2025, Schedule((Recurring("year", None, 12, "Tháng 12 hằng năm"),))),
    ("Từ tháng 3 đến tháng 6/2025", Y2025, Schedule((Deadline(date(2025, 6, 30), "Từ tháng 3 đến tháng 6/2025"),))),
    ("10 ngày trước ngày 30/6/2024", Y2024, Schedule((Deadline(date(2024, 6, 20), "10 ngày trước ngày 30/6/2024"),))),
    ("Chậm nhất 5 ngày trước ngày 15/12", Y2025,
     Schedule((Deadline(date(2025, 12, 10), "Chậm nhất 5 ngày trước ngày 15/12"),))),
    ("Quý IV", Y2024, Schedule((Deadline(date(2024, 12, 31), "Quý IV"),))),  # the plan year comes from `period`
]

# (phrase, plan year and issue date, words the refusal must contain)
REFUSED = [
    ("Quý II/2203", Y2024, "2203"),                                  # a typo: no silent "no occurrence"
    ("Tháng 6/1925", Y2025, "1925"),
    ("10 ngày làm việc trước ngày 30/6/2024", Y2024, "ngày làm việc"),  # needs the calendar: write the date
    ("Sau ngày 30/6/2024", Y2024, "Sau ngày 30/6/2024"),             # "after" is not "by"
    ("Kể từ ngày 15/6", Y2025, "Kể từ ngày 15/6"),
    ("Trong vòng 30 ngày kể từ ngày 15/6", Y2025, "30 ngày"),
    ("Ngày 29/02 hằng năm", Y2025, "29/02"),                          # one rule for 29/02: not every year
]


@pytest.mark.parametrize(("phrase", "plan", "expected"), READS, ids=[p for p, _, _ in READS])
def test_it_reads_the_phrases_the_probes_found_wrong(phrase: str, plan: dict, expected: Schedule) -> None:
    assert parse_timeframe(phrase, **plan).parts == expected.parts


@pytest.mark.parametrize(("phrase", "plan", "words"), REFUSED, ids=[p for p, _, _ in REFUSED])
def test_it_refuses_rather_than_guesses(phrase: str, plan: dict, words: str) -> None:
    with pytest.raises(TimeframeError) as caught:
        parse_timeframe(phrase, **plan)
    assert words in str(caught.value) and "/" in str(caught.value)  # bilingual, quoting the phrase


def test_two_yearly_dates_give_two_periods_a_year() -> None:
    schedule = parse_timeframe("Ngày 15/6 hằng năm và ngày 15/12 hằng năm", plan_year=2025)
    assert periods(schedule, starts_on=date(2025, 1, 1), ends_on=date(2026, 12, 31)) == [
        Period("2025-06-15", date(2025, 6, 15)), Period("2025-12-15", date(2025, 12, 15)),
        Period("2026-06-15", date(2026, 6, 15)), Period("2026-12-15", date(2026, 12, 15))]


def test_a_deadline_after_the_plans_period_is_warned_about() -> None:
    schedule = parse_timeframe("Quý I/2027", plan_year=2025, ends_on=date(2025, 12, 31))
    assert schedule.parts == (Deadline(date(2027, 3, 31), "Quý I/2027"),)
    assert any("sau thời gian của kế hoạch" in w for w in schedule.warnings)


def test_a_far_but_plausible_milestone_still_reads() -> None:
    schedule = parse_timeframe("sơ kết vào năm 2030 và tổng kết vào năm 2035", plan_year=2023)
    assert [p.due for p in schedule.parts] == [date(2030, 12, 31), date(2035, 12, 31)]
