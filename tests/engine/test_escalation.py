"""decide(): the DESIGN.md default policy on a task due Friday 2023-06-30."""
from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from dondoc.engine.calendar import CalendarDecisions, WorkCalendar
from dondoc.engine.escalation import OccurrenceState, Policy, decide, first_check, step_date

CAL = WorkCalendar(CalendarDecisions())
DUE = date(2023, 6, 30)  # a Friday
DEFAULT = Policy.from_config("default", [
    {"at": "-5 working days", "notify": ["lead"], "template": "due_soon"},
    {"at": "+1 day", "notify": ["lead"], "cc": ["focal"], "template": "overdue", "level": 1},
    {"at": "+5 working days", "notify": ["lead", "lead.parent"], "cc": ["focal"], "template": "escalated", "level": 2},
    {"at": "+10 working days", "notify": ["issuer"], "cc": ["focal", "lead"], "template": "escalated", "level": 3},
], "7 days")


def occ(status="not_started", last_step=-1, level=0, due=DUE, on_event=False):
    return OccurrenceState(1, due, status, on_event, level, last_step)


def test_the_steps_fall_on_the_expected_days():
    assert [step_date(DEFAULT, i, DUE, CAL) for i in range(5)] == [
        date(2023, 6, 23), date(2023, 7, 1), date(2023, 7, 7), date(2023, 7, 14), date(2023, 7, 21)]


def test_nothing_fires_before_the_due_soon_day():
    d = decide(occ(), DEFAULT, today=date(2023, 6, 22), calendar=CAL)
    assert d.fired is None and d.next_check_on == date(2023, 6, 23)


def test_it_reminds_five_working_days_before_the_deadline():
    d = decide(occ(), DEFAULT, today=date(2023, 6, 23), calendar=CAL)
    assert d.fired.index == 0 and d.fired.step.template == "due_soon"
    assert d.last_step == 0 and d.escalation_level == 0 and d.next_check_on == date(2023, 7, 1)


def test_it_notifies_the_day_after_the_deadline_at_level_one():
    d = decide(occ(last_step=0), DEFAULT, today=date(2023, 7, 1), calendar=CAL)
    assert d.fired.index == 1 and d.escalation_level == 1


def test_it_escalates_after_five_working_days():
    d = decide(occ(last_step=1, level=1), DEFAULT, today=date(2023, 7, 7), calendar=CAL)
    assert d.fired.index == 2 and d.escalation_level == 2 and "lead.parent" in d.fired.step.notify


def test_after_downtime_only_the_step_that_applies_now_fires():
    d = decide(occ(), DEFAULT, today=date(2023, 7, 15), calendar=CAL)
    assert d.fired.index == 3 and d.escalation_level == 3 and d.last_step == 3


def test_after_the_last_step_it_repeats_every_seven_days():
    d = decide(occ(last_step=3, level=3), DEFAULT, today=date(2023, 7, 21), calendar=CAL)
    assert d.fired.index == 4 and d.fired.step.template == "escalated" and d.next_check_on == date(2023, 7, 28)


def test_a_step_already_fired_does_not_fire_again_on_the_same_day():
    d = decide(occ(last_step=1, level=1), DEFAULT, today=date(2023, 7, 1), calendar=CAL)
    assert d.fired is None and d.last_step == 1


def test_a_clock_going_backwards_fires_nothing():
    d = decide(occ(last_step=3, level=3), DEFAULT, today=date(2023, 6, 25), calendar=CAL)
    assert d.fired is None and d.escalation_level == 3


def test_nothing_fires_for_closed_reported_or_on_event_occurrences():
    for state in (occ(status="done"), occ(status="cancelled"), occ(status="waived"), occ(status="reported"),
                  occ(on_event=True), occ(due=None)):
        d = decide(state, DEFAULT, today=date(2023, 8, 1), calendar=CAL)
        assert d.fired is None and d.next_check_on is None


def test_a_fresh_occurrence_is_first_looked_at_on_the_due_soon_day():
    assert first_check(DEFAULT, DUE, CAL) == date(2023, 6, 23)
    assert first_check(DEFAULT, None, CAL) is None


def test_a_deadline_on_a_holiday_counts_working_days_from_the_holiday():
    due = date(2023, 9, 2)  # National Day, a Saturday
    assert step_date(DEFAULT, 2, due, CAL) == date(2023, 9, 11)


@settings(max_examples=300, deadline=None)
@given(due_offset=st.integers(-60, 60), days=st.lists(st.integers(0, 120), min_size=1, max_size=12))
def test_steps_fire_at_most_once_and_levels_never_drop(due_offset, days):
    due = date(2023, 6, 1) + timedelta(days=due_offset)
    state, fired = occ(due=due), []
    for day in sorted(days):
        d = decide(state, DEFAULT, today=date(2023, 4, 1) + timedelta(days=day), calendar=CAL)
        assert d.escalation_level >= state.escalation_level
        assert d.last_step >= state.last_step
        if d.fired:
            fired.append(d.fired.index)
        state = OccurrenceState(1, due, "in_progress", False, d.escalation_level, d.last_step)
    assert len(fired) == len(set(fired))


@settings(max_examples=200, deadline=None)
@given(gap=st.integers(0, 400), status=st.sampled_from(["not_started", "in_progress"]))
def test_one_sweep_after_any_downtime_fires_at_most_one_step(gap, status):
    d = decide(occ(status=status), DEFAULT, today=DUE + timedelta(days=gap - 30), calendar=CAL)
    if d.fired:
        assert d.next_check_on is None or d.next_check_on > DUE + timedelta(days=gap - 30)
