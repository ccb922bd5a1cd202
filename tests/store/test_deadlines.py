"""Deadlines a civil servant would sign off, on both databases: make-up working
Saturdays count, a deadline on a day off runs to the next working day (Civil Code
art. 148.5), an item reported on time waits for confirmation without being counted
overdue, periods before the plan's issue are not owed, the roll-over asks the
agencies `reporting.from` names, and one bad row never stops a sweep."""
from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import text, update
from sqlmodel import select

from dondoc.config.reader import read_config
from dondoc.engine.lifecycle import Category, standing_of
from dondoc.store.calendar_days import load_calendar
from dondoc.store.db import session_scope
from dondoc.store.loader import apply_config
from dondoc.store.models import Event, Occurrence, Plan, Task
from dondoc.store.reports import category_counts, late_confirmations, overdue
from dondoc.store.rollover import rollover_once
from dondoc.store.status import Actor, set_status
from dondoc.store.sweep import sweep_once
from tests.factories import write_config

HEALTH = "tram-y-te-an-binh"
SCHOOL = "truong-hoc-an-binh"
FOCAL = "cong-chuc-chinh-sach-an-binh"


YEARLY = '  - {name: Báo cáo năm, due: "15/12", from: leads, to: focal}'


def plan(*, issued_on: str = "2024-01-05", extra: str = "", tasks: str = "", reporting: str = "",
         plan_id: str = "an-binh") -> str:
    lines = ["plans:", f"  - id: {plan_id}", '    number: "7/KH-UBND"', "    title: Kế hoạch thử",
             "    issued_by: ubnd-xa-an-binh", f"    issued_on: {issued_on}", f"    focal: {FOCAL}",
             "    escalation: default", *(f"    {line}" for line in extra.splitlines()), "    reporting:",
             f"    {reporting or YEARLY}", "    tasks:",
             *(f"    {line}" for line in tasks.splitlines())]
    return "\n".join(lines) + "\n"


def task(number: str, lead: str, due: str) -> str:
    return f'  - {{number: "{number}", title: Nhiệm vụ {number}, lead: {lead}, due: {due}}}\n'


def load(engine, folder, *, now: datetime = datetime(2024, 1, 10, 2, tzinfo=UTC)):
    config = read_config([folder])
    with session_scope(engine) as s:
        apply_config(s, config, now=now, calendar=load_calendar(engine))
    return config


def occurrence(engine, number: str) -> Occurrence:
    with session_scope(engine, write=False) as s:
        return s.exec(select(Occurrence).join(Task).where(Task.number == number)).one()


def test_five_working_days_before_a_deadline_count_the_make_up_saturday(tmp_path, engine):
    # Wed 8/5/2024 - 5 working days: Tue 7, Mon 6, Sat 4 (made up for Mon 29/4), Fri 3, Thu 2.
    load(engine, write_config(tmp_path, plan=plan(tasks=task("1", HEALTH, "2024-05-08"))))
    assert occurrence(engine, "1").next_check_on == date(2024, 5, 2)


def test_a_deadline_on_a_make_up_saturday_is_kept(tmp_path, engine):
    load(engine, write_config(tmp_path, plan=plan(tasks=task("1", HEALTH, "2024-05-04"))))
    occ = occurrence(engine, "1")
    assert (occ.written_due, occ.due) == (date(2024, 5, 4), date(2024, 5, 4))


def test_a_sunday_deadline_runs_to_monday_and_is_overdue_only_after_it(tmp_path, engine):
    load(engine, write_config(tmp_path, plan=plan(tasks=task("1", HEALTH, "2024-06-02"))))
    occ = occurrence(engine, "1")
    assert (occ.written_due, occ.due) == (date(2024, 6, 2), date(2024, 6, 3))
    assert standing_of(occ, date(2024, 6, 3)).category == Category.IN_PROGRESS_ON_TIME
    assert standing_of(occ, date(2024, 6, 5)).days_overdue == 2  # counted from Monday, the effective deadline
    with session_scope(engine, write=False) as s:
        assert overdue(s, as_of=date(2024, 6, 3)) == []
        (item,) = overdue(s, as_of=date(2024, 6, 4))
    assert (item.due, item.written_due, item.days_overdue) == ("2024-06-03", "2024-06-02", 1)


def test_a_deadline_inside_tet_runs_to_the_first_working_day_after_it(tmp_path, engine):
    load(engine, write_config(tmp_path, plan=plan(issued_on="2024-12-20", tasks=task("1", HEALTH, "2025-01-29"))),
         now=datetime(2024, 12, 21, 2, tzinfo=UTC))
    assert occurrence(engine, "1").due == date(2025, 2, 3)


def test_a_plan_may_keep_deadlines_as_written(tmp_path, engine):
    load(engine, write_config(tmp_path, plan=plan(extra="deadline_on_day_off: as_written\n",
                                                  tasks=task("1", HEALTH, "2024-06-02"))))
    occ = occurrence(engine, "1")
    assert (occ.written_due, occ.due) == (date(2024, 6, 2), date(2024, 6, 2))


def test_a_calendar_decision_in_config_moves_a_deadline(tmp_path, engine):
    folder = write_config(tmp_path, plan=plan(tasks=task("1", HEALTH, "2024-06-05")))
    (folder / "calendar.yaml").write_text("calendar:\n  days_off: [2024-06-05]\n", encoding="utf-8")
    load(engine, folder)
    assert occurrence(engine, "1").due == date(2024, 6, 6)
    assert not load_calendar(engine).is_working_day(date(2024, 6, 5))


def test_an_item_reported_on_time_waits_for_confirmation_without_being_overdue(tmp_path, engine):
    load(engine, write_config(tmp_path, plan=plan(tasks=task("1", HEALTH, "2024-06-28"))))
    with session_scope(engine) as s:
        occ = s.exec(select(Occurrence).join(Task).where(Task.number == "1")).one()
        set_status(s, occ, "reported", actor=Actor("agency", HEALTH), now=datetime(2024, 6, 26, 3, tzinfo=UTC),
                   calendar=load_calendar(engine))
    on_15_july = date(2024, 7, 15)
    assert standing_of(occurrence(engine, "1"), on_15_july).category == Category.AWAITING_CONFIRMATION
    with session_scope(engine, write=False) as s:
        assert overdue(s, as_of=on_15_july) == []
        counts = category_counts(s, as_of=on_15_july)
        (late,) = late_confirmations(s, as_of=on_15_july)
    assert counts[Category.AWAITING_CONFIRMATION] == 1 and counts[Category.IN_PROGRESS_OVERDUE] == 0
    assert (late.agency, late.items, late.oldest_days) == (FOCAL, 1, 17)  # 28/6 -> 15/7, the focal agency's delay
    with session_scope(engine, write=False) as s:
        assert late_confirmations(s, as_of=date(2024, 6, 28)) == []  # not late before the deadline


def test_confirmed_later_it_is_done_on_time(tmp_path, engine):
    load(engine, write_config(tmp_path, plan=plan(tasks=task("1", HEALTH, "2024-06-28"))))
    calendar = load_calendar(engine)
    with session_scope(engine) as s:
        occ = s.exec(select(Occurrence).join(Task).where(Task.number == "1")).one()
        set_status(s, occ, "reported", actor=Actor("agency", HEALTH), now=datetime(2024, 6, 26, 3, tzinfo=UTC),
                   calendar=calendar)
        set_status(s, occ, "done", actor=Actor("user", "coordinator"), now=datetime(2024, 7, 20, 3, tzinfo=UTC),
                   calendar=calendar)
    with session_scope(engine, write=False) as s:
        assert category_counts(s, as_of=date(2024, 7, 21))[Category.DONE_ON_TIME] == 1


def test_a_report_due_before_the_plan_was_issued_is_not_owed(tmp_path, engine):
    six_months = '  - {name: Báo cáo 6 tháng, every: "6 months", due: "10/05", from: leads, to: focal}'
    folder = write_config(tmp_path, plan=plan(issued_on="2024-06-01", reporting=six_months,
                                              tasks=task("1", HEALTH, "2024-09-30")))
    config = load(engine, folder, now=datetime(2024, 6, 2, 2, tzinfo=UTC))
    assert any("10/05/2024" in w.message and "plan.yaml" in w.file for w in config.warnings)
    with session_scope(engine, write=False) as s:
        rows = {o.period: o for o in s.exec(select(Occurrence).join(Task).where(Task.number == "BC-1"))}
        assert rows["2024-H1"].status == "waived" and rows["2024-H2"].status == "not_started"
        assert rows["2024-H2"].due == date(2024, 11, 11)  # 10/11/2024 is a Sunday
        assert s.exec(select(Event).where(Event.occurrence_id == rows["2024-H1"].id)).first() is not None
        assert overdue(s, as_of=date(2024, 6, 15)) == []


def test_rollover_asks_only_the_agencies_reporting_from_names(tmp_path, engine):
    from_school = f'  - {{name: Báo cáo năm, due: "15/12", from: [{SCHOOL}], to: focal}}'
    folder = write_config(tmp_path, plan=plan(extra="period: {from: 2024-01-01, to: 2026-12-31}\n",
                                              reporting=from_school, tasks=task("1", HEALTH, "2024-09-30")))
    load(engine, folder)
    assert rollover_once(engine, now=datetime(2025, 2, 1, 2, tzinfo=UTC), calendar=load_calendar(engine)) >= 1
    with session_scope(engine, write=False) as s:
        owners = {(o.owner_id, o.period) for o in s.exec(select(Occurrence).join(Task).where(Task.number == "BC-1"))}
    assert owners == {(SCHOOL, "2024"), (SCHOOL, "2025")}


def test_a_failing_row_is_counted_recorded_pushed_back_and_the_sweep_goes_on(tmp_path, engine):
    load(engine, write_config(tmp_path, plan=plan(tasks=task("1", HEALTH, "2024-06-28") + task("2", SCHOOL, "2024-06-28"))))
    other = plan(plan_id="an-binh-b", tasks=task("9", HEALTH, "2024-06-28"))
    load(engine, write_config(tmp_path / "b", plan=other))
    with session_scope(engine) as s:  # the second plan's policy has gone: its row cannot be decided
        s.execute(update(Plan).where(Plan.id == "an-binh-b").values(escalation="gone"))
    result = sweep_once(engine, now=datetime(2024, 7, 2, 2, tzinfo=UTC), calendar=load_calendar(engine))
    bad = occurrence(engine, "9")
    assert result.errors == 1 and result.failures[0]["occurrence_id"] == bad.id and "gone" in result.failures[0]["reason"]
    assert result.overdue == 2 and result.notifications > 0  # the rest of the sweep went on
    assert bad.next_check_on == date(2024, 7, 3) and bad.last_step == -1
    with session_scope(engine, write=False) as s:
        kinds = [e.kind for e in s.exec(select(Event).where(Event.occurrence_id == bad.id))]
        assert "occurrence.sweep_failed" in kinds
        assert s.execute(text("SELECT count(*) FROM notification WHERE occurrence_id = :i"), {"i": bad.id}).scalar() == 0


def test_a_coordinator_can_still_ask_for_a_period_not_owed(tmp_path, engine):
    six_months = '  - {name: Báo cáo 6 tháng, every: "6 months", due: "10/05", from: leads, to: focal}'
    load(engine, write_config(tmp_path, plan=plan(issued_on="2024-06-01", reporting=six_months,
                                                  tasks=task("1", HEALTH, "2024-09-30"))),
         now=datetime(2024, 6, 2, 2, tzinfo=UTC))
    with session_scope(engine) as s:
        early = s.exec(select(Occurrence).join(Task).where(Task.number == "BC-1", Occurrence.period == "2024-H1")).one()
        set_status(s, early, "not_started", actor=Actor("user", "coordinator"), now=datetime(2024, 6, 3, 2, tzinfo=UTC),
                   calendar=load_calendar(engine), note="Huyện vẫn yêu cầu báo cáo kỳ này")
        assert early.status == "not_started" and early.next_check_on is not None
