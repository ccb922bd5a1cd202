"""Timeframe phrases read as the coordinators who wrote them mean them."""
from __future__ import annotations

import ast
import pickle
import re
import unicodedata
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dondoc.engine import timeframes
from dondoc.engine.timeframes import (
    Continuous,
    Deadline,
    OnEvent,
    Part,
    Recurring,
    Schedule,
    TimeframeError,
    parse_timeframe,
)

ISSUED_ON = date(2023, 5, 15)  # the Thanh Lĩnh commune plan, plan year 2023
PLANS = Path(__file__).resolve().parents[3] / "shared" / "plans"


def read(phrase: str, issued_on: date | None = ISSUED_ON) -> Schedule:
    return parse_timeframe(phrase, plan_year=2023, issued_on=issued_on)


def early(text: str, due: str) -> str:
    return f"Hạn “{text}” ({due}) trước ngày ban hành kế hoạch (15/05/2023); đề nghị kiểm tra lại."


def old_year(text: str) -> str:
    return (f"Hạn “{text}” thuộc năm 2022, trước năm của kế hoạch (2023); "
            "có thể ghi nhầm năm, đề nghị kiểm tra lại.")


UNDATED = ("Thời hạn “Theo thời gian phối hợp trình của các ngành” không có ngày cụ thể: nhiệm vụ được "
           "theo dõi theo phát sinh, không tự nhắc hạn; nên ghi hạn hoàn thành (due) khi các ngành "
           "thống nhất thời gian.")
QUY_TRINH = "xây dựng Quy trình vào Quý II/2022"
SIX_ONE_EVENT = "Định kỳ 6 tháng, 1 năm hoặc đột xuất"
SIX_AND_YEAR = "Theo định kỳ báo cáo 6 tháng và cả năm"

# Every "Thời gian thực hiện:" phrase of both real plans (only the commune plan has them) and
# every phrase DESIGN.md lists, with the Schedule it must give (plan year 2023, issued 15/05/2023).
PHRASES = [
    ("Tháng 6 năm 2023", Schedule((Deadline(date(2023, 6, 30), "Tháng 6 năm 2023"),))),
    ("Thường xuyên trong năm", Schedule((Continuous("Thường xuyên trong năm"),))),
    ("Thường xuyên trong năm.", Schedule((Continuous("Thường xuyên trong năm"),))),
    ("Có kế hoạch trong 6 tháng đầu năm 2023.",
     Schedule((Deadline(date(2023, 6, 30), "Có kế hoạch trong 6 tháng đầu năm 2023"),))),
    ("Có kế hoạch trong 6 tháng đầu năm 2023",
     Schedule((Deadline(date(2023, 6, 30), "Có kế hoạch trong 6 tháng đầu năm 2023"),))),
    ("Tháng 4-5/2023", Schedule((Deadline(date(2023, 5, 31), "Tháng 4-5/2023"),))),
    ("Tháng 11/2023", Schedule((Deadline(date(2023, 11, 30), "Tháng 11/2023"),))),
    ("Tháng 7/2023", Schedule((Deadline(date(2023, 7, 31), "Tháng 7/2023"),))),
    ("Theo chỉ đạo của cấp trên", Schedule((OnEvent("Theo chỉ đạo của cấp trên"),))),
    ("Quý 01/2023", Schedule((Deadline(date(2023, 3, 31), "Quý 01/2023"),),
                             (early("Quý 01/2023", "31/03/2023"),))),
    ("Tháng 4/2023", Schedule((Deadline(date(2023, 4, 30), "Tháng 4/2023"),),
                              (early("Tháng 4/2023", "30/04/2023"),))),
    ("Theo thời điểm của các vụ việc, vấn đề", Schedule((OnEvent("Theo thời điểm của các vụ việc, vấn đề"),))),
    (SIX_ONE_EVENT, Schedule((Recurring("half_year", text=SIX_ONE_EVENT), Recurring("year", text=SIX_ONE_EVENT),
                              OnEvent(SIX_ONE_EVENT)))),
    ("Tháng 12/2023", Schedule((Deadline(date(2023, 12, 31), "Tháng 12/2023"),))),
    ("Theo các vụ việc, vấn đề.", Schedule((OnEvent("Theo các vụ việc, vấn đề"),))),
    ("Theo các vụ việc, vấn đề", Schedule((OnEvent("Theo các vụ việc, vấn đề"),))),
    (SIX_AND_YEAR + ".", Schedule((Recurring("half_year", text=SIX_AND_YEAR), Recurring("year", text=SIX_AND_YEAR)))),
    (SIX_AND_YEAR, Schedule((Recurring("half_year", text=SIX_AND_YEAR), Recurring("year", text=SIX_AND_YEAR)))),
    ("Tháng 3/2023", Schedule((Deadline(date(2023, 3, 31), "Tháng 3/2023"),),
                              (early("Tháng 3/2023", "31/03/2023"),))),
    ("Tháng 10/2023", Schedule((Deadline(date(2023, 10, 31), "Tháng 10/2023"),))),
    ("Thường xuyên trong năm; " + QUY_TRINH,
     Schedule((Continuous("Thường xuyên trong năm"), Deadline(date(2022, 6, 30), QUY_TRINH)),
              (early(QUY_TRINH, "30/06/2022"), old_year(QUY_TRINH)))),
    ("Theo thời gian phối hợp trình của các ngành.",
     Schedule((OnEvent("Theo thời gian phối hợp trình của các ngành"),), (UNDATED,))),
    ("Theo thời gian phối hợp trình của các ngành",
     Schedule((OnEvent("Theo thời gian phối hợp trình của các ngành"),), (UNDATED,))),
    ("Quý II/2022", Schedule((Deadline(date(2022, 6, 30), "Quý II/2022"),),
                             (early("Quý II/2022", "30/06/2022"), old_year("Quý II/2022")))),
    ("trước ngày 25/11", Schedule((Deadline(date(2023, 11, 25), "trước ngày 25/11"),))),
    ("định kỳ hằng năm trước ngày 10/12",
     Schedule((Recurring("year", day=10, month=12, text="định kỳ hằng năm trước ngày 10/12"),))),
    ("sơ kết vào năm 2030 và tổng kết vào năm 2035",
     Schedule((Deadline(date(2030, 12, 31), "sơ kết vào năm 2030"),
               Deadline(date(2035, 12, 31), "tổng kết vào năm 2035")))),
]

NGHE_AN_REGIME = "Định kỳ 6 tháng (vào ngày 10 tháng 5), 1 năm (vào ngày 10 tháng 11)"
THANH_LINH_REGIME = "định kỳ 6 tháng (ngày 10 tháng 5), báo cáo năm (ngày 30 tháng 10)"

# Reasonable variants, read without an issue date (so no "before issue" warnings).
VARIANTS = [
    ("Quý I năm 2023", (Deadline(date(2023, 3, 31), "Quý I năm 2023"),)),
    ("quý 3/2023", (Deadline(date(2023, 9, 30), "quý 3/2023"),)),
    ("Quý IV/2023", (Deadline(date(2023, 12, 31), "Quý IV/2023"),)),
    ("tháng 12", (Deadline(date(2023, 12, 31), "tháng 12"),)),
    ("Tháng 2", (Deadline(date(2023, 2, 28), "Tháng 2"),)),
    ("Trước 30/6/2023", (Deadline(date(2023, 6, 30), "Trước 30/6/2023"),)),
    ("trong tháng 9/2023", (Deadline(date(2023, 9, 30), "trong tháng 9/2023"),)),
    ("hằng quý", (Recurring("quarter", text="hằng quý"),)),
    ("hàng tháng", (Recurring("month", text="hàng tháng"),)),
    ("Định kỳ hằng tháng", (Recurring("month", text="Định kỳ hằng tháng"),)),
    ("6 tháng cuối năm 2023", (Deadline(date(2023, 12, 31), "6 tháng cuối năm 2023"),)),
    ("6 tháng đầu năm", (Deadline(date(2023, 6, 30), "6 tháng đầu năm"),)),
    ("Năm 2023", (Deadline(date(2023, 12, 31), "Năm 2023"),)),
    ("Trước ngày 10 tháng 5", (Deadline(date(2023, 5, 10), "Trước ngày 10 tháng 5"),)),
    ("trước ngày 30/6/2024", (Deadline(date(2024, 6, 30), "trước ngày 30/6/2024"),)),
    ("Tháng 11/2023.", (Deadline(date(2023, 11, 30), "Tháng 11/2023"),)),
    ("tháng 6 - 2023", (Deadline(date(2023, 6, 30), "tháng 6 - 2023"),)),
    ("Tháng 4 đến tháng 5 năm 2023", (Deadline(date(2023, 5, 31), "Tháng 4 đến tháng 5 năm 2023"),)),
    ("Thời gian thực hiện: Tháng 6/2023", (Deadline(date(2023, 6, 30), "Tháng 6/2023"),)),
    (NGHE_AN_REGIME, (Recurring("half_year", day=10, month=5, text=NGHE_AN_REGIME),
                      Recurring("year", day=10, month=11, text=NGHE_AN_REGIME))),
    (THANH_LINH_REGIME, (Recurring("half_year", day=10, month=5, text=THANH_LINH_REGIME),
                         Recurring("year", day=30, month=10, text=THANH_LINH_REGIME))),
    ("Định kỳ 6 tháng, 1 năm", (Recurring("half_year", text="Định kỳ 6 tháng, 1 năm"),
                                Recurring("year", text="Định kỳ 6 tháng, 1 năm"))),
    ("trước ngày 10/12 hằng năm", (Recurring("year", day=10, month=12, text="trước ngày 10/12 hằng năm"),)),
    ("ngày 25 hằng tháng", (Recurring("month", day=25, text="ngày 25 hằng tháng"),)),
    ("Đột xuất", (OnEvent("Đột xuất"),)),
    ("Tháng 6 và hằng quý", (Deadline(date(2023, 6, 30), "Tháng 6"), Recurring("quarter", text="hằng quý"))),
    ("Thường xuyên trong năm, báo cáo vào tháng 12/2023",
     (Continuous("Thường xuyên trong năm"), Deadline(date(2023, 12, 31), "báo cáo vào tháng 12/2023"))),
    ("xây dựng và ban hành Quy trình vào Quý II/2023",
     (Deadline(date(2023, 6, 30), "xây dựng và ban hành Quy trình vào Quý II/2023"),)),
]


@pytest.mark.parametrize(("phrase", "expected"), PHRASES, ids=[p for p, _ in PHRASES])
def test_it_reads_every_phrase_of_the_real_plans_and_of_the_design(phrase: str, expected: Schedule) -> None:
    assert read(phrase) == expected


@pytest.mark.skipif(not PLANS.is_dir(), reason="the real plans are not beside the repository")
def test_the_table_holds_every_timeframe_line_of_both_real_plans() -> None:
    lines = [line for plan in sorted(PLANS.glob("*.txt")) for line in plan.read_text(encoding="utf-8").splitlines()]
    written = {m[1].strip() for line in lines if (m := re.match(r"Thời gian thực hiện:(.*)", line))}
    assert written and written <= {phrase for phrase, _ in PHRASES}


@pytest.mark.parametrize(("phrase", "parts"), VARIANTS, ids=[p for p, _ in VARIANTS])
def test_it_reads_reasonable_variants(phrase: str, parts: tuple[Part, ...]) -> None:
    assert read(phrase, issued_on=None) == Schedule(parts)


@pytest.mark.parametrize("phrase", [p for p, _ in PHRASES + VARIANTS])
def test_a_decomposed_unicode_phrase_reads_the_same(phrase: str) -> None:
    assert read(unicodedata.normalize("NFD", phrase)) == read(phrase)


def test_it_tolerates_case_extra_spaces_and_trailing_punctuation() -> None:
    assert read("  THƯỜNG   XUYÊN trong NĂM ;  ") == Schedule((Continuous("THƯỜNG XUYÊN trong NĂM"),))


def test_it_reads_hang_and_hang_with_either_spelling() -> None:
    assert read("định kỳ hàng năm trước ngày 10/12").parts == (
        Recurring("year", day=10, month=12, text="định kỳ hàng năm trước ngày 10/12"),)
    assert read("hằng tháng") == Schedule((Recurring("month", text="hằng tháng"),))


def test_it_reads_a_phrase_typed_without_diacritics() -> None:
    assert read("Quy II/2023", issued_on=None) == Schedule((Deadline(date(2023, 6, 30), "Quy II/2023"),))


def test_a_missing_year_is_the_plan_year() -> None:
    expected = (Deadline(date(2021, 11, 25), "trước ngày 25/11"),)
    assert parse_timeframe("trước ngày 25/11", plan_year=2021).parts == expected


def test_it_warns_about_a_year_before_the_plan_year_even_without_an_issue_date() -> None:
    assert read("Quý II/2022", issued_on=None).warnings == (old_year("Quý II/2022"),)


def test_it_does_not_warn_about_a_later_year() -> None:
    assert read("năm 2030").warnings == ()


def test_a_continuous_duty_of_another_year_is_kept_and_warned_about() -> None:
    schedule = read("Thường xuyên trong năm 2022")
    assert schedule.parts == (Continuous("Thường xuyên trong năm 2022"),)
    assert schedule.warnings[0].startswith("Thời hạn “Thường xuyên trong năm 2022” ghi năm 2022")


IMPOSSIBLE = [
    ("Tháng 13/2023", "tháng 13 không tồn tại"),
    ("trước ngày 31/02", "ngày 31/02/2023 không tồn tại"),
    ("Quý V/2023", "quý V không tồn tại"),
    ("Quý 0/2023", "quý 0 không tồn tại"),
    ("Tháng 5-4/2023", "tháng 5 ở sau tháng 4"),
    ("hằng năm trước ngày 29/02", "ngày 29/02 không có trong mọi năm"),
    ("hằng tháng trước ngày 10/12", "chỉ ghi ngày, không ghi tháng"),
    ("năm 0000", "năm 0 không hợp lệ"),
    ("trước tháng 6/2023", "có hai cách hiểu"),
]


@pytest.mark.parametrize(("phrase", "reason"), IMPOSSIBLE, ids=[p for p, _ in IMPOSSIBLE])
def test_an_impossible_date_is_refused_with_a_vietnamese_message_quoting_it(phrase: str, reason: str) -> None:
    with pytest.raises(TimeframeError) as caught:
        read(phrase)
    assert caught.value.phrase == phrase
    assert str(caught.value).startswith(f"Thời hạn “{phrase}” không đọc được: ")
    assert reason in str(caught.value) and " / Timeframe " in str(caught.value)


@pytest.mark.parametrize("phrase", ["Sắp tới", "Tháng hành động vì trẻ em", "Định kỳ", "Hằng tuần",
                                    "Tháng 6/2023 định kỳ 6 tháng", "Thường xuyên; sau đó"])
def test_an_unknown_phrase_is_refused_quoting_it(phrase: str) -> None:
    with pytest.raises(TimeframeError, match="không nhận ra cách ghi") as caught:
        read(phrase)
    assert f"“{phrase}”" in str(caught.value)


@pytest.mark.parametrize("phrase", ["", "   ", " ; ", ".", "Thời gian thực hiện:"])
def test_an_empty_phrase_is_refused(phrase: str) -> None:
    with pytest.raises(TimeframeError, match="Thời hạn trống"):
        read(phrase)


def test_a_timeframe_error_is_a_value_error_that_survives_pickling() -> None:
    with pytest.raises(ValueError) as caught:
        read("Quý V/2023")
    copy = pickle.loads(pickle.dumps(caught.value))
    assert (str(copy), copy.phrase) == (str(caught.value), "Quý V/2023")


@given(st.integers(1, 12), st.integers(1900, 2100))
def test_every_month_ends_on_its_last_day(month: int, year: int) -> None:
    (part,) = parse_timeframe(f"Tháng {month}/{year}", plan_year=year).parts
    assert isinstance(part, Deadline) and (part.due.year, part.due.month) == (year, month)
    assert (part.due + timedelta(days=1)).day == 1


@given(st.integers(13, 99))
def test_a_month_past_twelve_is_refused(month: int) -> None:
    with pytest.raises(TimeframeError, match=f"tháng {month} không tồn tại"):
        read(f"tháng {month}/2023")


def assert_schedule_or_timeframe_error(text: str) -> None:
    try:
        schedule = read(text)
    except TimeframeError as error:
        assert isinstance(error.phrase, str) and str(error)
        return
    assert isinstance(schedule, Schedule) and schedule.parts
    assert all(isinstance(p, (Deadline, Recurring, Continuous, OnEvent)) for p in schedule.parts)


@given(st.text())
def test_any_text_gives_a_schedule_or_a_timeframe_error(text: str) -> None:
    assert_schedule_or_timeframe_error(text)


VOCABULARY = ["Tháng ", "tháng", "Quý ", "quý", "II", "V", "IV", "0", "01", "13", "31", "99", "/", "-", " - ",
              "2023", "0000", "9999", " năm ", "trước ", "ngày ", "Định kỳ ", "hằng ", "hàng ", "6 tháng",
              " 1 năm", "cả năm", "đột xuất", "Thường xuyên", " trong năm", " và ", ", ", "; ", " hoặc ",
              "(", ")", "vào ", "Theo các vụ việc", "vấn đề", " đầu ", " cuối ", "\u0301", " ", ".", "đến "]


@given(st.lists(st.sampled_from(VOCABULARY), max_size=12).map("".join))
def test_phrases_built_from_the_known_vocabulary_give_a_schedule_or_a_timeframe_error(text: str) -> None:
    assert_schedule_or_timeframe_error(text)


def test_the_module_is_pure() -> None:
    source = Path(timeframes.__file__).read_text(encoding="utf-8")
    tree = ast.parse(source)
    imported = {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    imported |= {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module}
    imported = {i for i in imported if not i.startswith("dondoc.engine.")}  # pure siblings (tests/test_layout.py)
    assert imported <= {"__future__", "collections.abc", "dataclasses", "datetime", "re", "typing", "unicodedata"}
    assert not re.search(r"\b(?:today|now|time)\(", source)
