from datetime import date

import pytest

from dondoc.engine.lifecycle import Category, Status, TransitionError, check_transition, standing

AS_OF = date(2023, 7, 1)


@pytest.mark.parametrize("current,target", [
    ("not_started", "in_progress"), ("in_progress", "reported"), ("reported", "done"),
    ("reported", "in_progress"), ("not_started", "reported"), ("in_progress", "done"),
])
def test_the_normal_path_is_allowed(current, target):
    assert check_transition(current, target) == Status(target)


@pytest.mark.parametrize("current,target", [
    ("done", "in_progress"), ("cancelled", "in_progress"), ("waived", "done"), ("not_started", "not_started"),
])
def test_closed_occurrences_cannot_move(current, target):
    with pytest.raises(TransitionError):
        check_transition(current, target)


def test_cancelling_needs_a_reason():
    with pytest.raises(TransitionError, match="lý do"):
        check_transition("in_progress", "cancelled")
    assert check_transition("in_progress", "cancelled", reason="Trùng nhiệm vụ") == Status.CANCELLED


def test_unknown_status_is_an_error_naming_the_valid_ones():
    with pytest.raises(TransitionError, match="in_progress"):
        check_transition("in_progress", "finished")


def test_open_before_the_deadline_is_in_progress_on_time():
    s = standing(status="in_progress", due=date(2023, 7, 1), completed_on=None, as_of=AS_OF)
    assert s.category == Category.IN_PROGRESS_ON_TIME and s.days_overdue == 0


def test_open_after_the_deadline_is_overdue_by_calendar_days():
    s = standing(status="not_started", due=date(2023, 6, 20), completed_on=None, as_of=AS_OF)
    assert s.category == Category.IN_PROGRESS_OVERDUE and s.days_overdue == 11


def test_done_on_the_due_day_is_on_time_and_the_day_after_is_late():
    on_time = standing(status="done", due=date(2023, 6, 20), completed_on=date(2023, 6, 20), as_of=AS_OF)
    late = standing(status="done", due=date(2023, 6, 20), completed_on=date(2023, 6, 21), as_of=AS_OF)
    assert on_time.category == Category.DONE_ON_TIME
    assert late.category == Category.DONE_LATE


def test_done_after_the_as_of_date_was_still_open_then():
    s = standing(status="done", due=date(2023, 6, 20), completed_on=date(2023, 7, 5), as_of=AS_OF)
    assert s.category == Category.IN_PROGRESS_OVERDUE


def test_cancelled_is_outside_the_four_categories():
    assert standing(status="cancelled", due=date(2023, 6, 1), completed_on=None, as_of=AS_OF).category is None


def test_a_period_not_owed_can_be_reopened_by_a_coordinator_with_a_reason():
    with pytest.raises(TransitionError, match="lý do"):
        check_transition("waived", "not_started")
    assert check_transition("waived", "not_started", reason="Cấp trên vẫn yêu cầu báo cáo") == Status.NOT_STARTED


def test_an_item_reported_by_its_deadline_waits_for_confirmation_and_is_never_overdue():
    s = standing(status="reported", due=date(2023, 6, 30), completed_on=None, reported_on=date(2023, 6, 28),
                 as_of=date(2023, 7, 15))
    assert s.category == Category.AWAITING_CONFIRMATION and s.days_overdue == 0


def test_an_item_reported_late_stays_overdue_by_the_days_until_it_was_reported():
    s = standing(status="reported", due=date(2023, 6, 30), completed_on=None, reported_on=date(2023, 7, 4),
                 as_of=date(2023, 7, 15))
    assert s.category == Category.IN_PROGRESS_OVERDUE and s.days_overdue == 4


def test_a_report_made_after_as_of_does_not_count_yet():
    s = standing(status="reported", due=date(2023, 6, 30), completed_on=None, reported_on=date(2023, 6, 28),
                 as_of=date(2023, 6, 20))
    assert s.category == Category.IN_PROGRESS_ON_TIME


def test_every_category_comes_from_one_rule_table_that_ends_with_a_catch_all():
    from dondoc.engine.lifecycle import CATEGORY_RULES
    from dondoc.engine.rules import Always
    outcomes = [c for c, _ in CATEGORY_RULES]
    assert set(outcomes) == {None, *Category} and isinstance(CATEGORY_RULES[-1][1], Always)
