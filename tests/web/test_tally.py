"""The dashboard's tally (dondoc.store.tally) against counting the
occurrences: after a build, after status changes of one agency, after a reload
or a new day; and the cached overview never outlives a change."""
from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlmodel import select

from dondoc.engine.calendar import CalendarDecisions, WorkCalendar
from dondoc.engine.lifecycle import Category
from dondoc.store import tally
from dondoc.store.db import session_scope
from dondoc.store.models import Agency, Occurrence, TallyState, Task
from dondoc.store.status import Actor, set_status
from dondoc.store.sweep import sweep_once
from dondoc.web import dashboard_data as dd
from dondoc.web.overview import Overviews, rollup
from dondoc.web.scope import EVERYTHING, Scope
from tests.web.conftest import COMMUNE, NOW, PROVINCE, load_examples, move, occurrence_of
from tests.web.test_dashboard import CULTURE, FINANCE, TODAY, finance_done_late, totals_on

FILTERS = [dd.Filters(as_of=TODAY), dd.Filters(as_of=TODAY, plan=COMMUNE), dd.Filters(as_of=TODAY, plan=PROVINCE),
           dd.Filters(as_of=TODAY, agency="ubnd-xa-thanh-linh"), dd.Filters(as_of=TODAY, level="commune_official"),
           dd.Filters(as_of=TODAY, agency="ubnd-tinh-nghe-an", plan=PROVINCE)]


def counted(engine, f: dd.Filters, scope: Scope = EVERYTHING):
    with session_scope(engine, write=False) as s:
        return dd.agency_rows(s, f, scope, with_oldest=False), dd.trend(s, f, scope)


def from_tally(engine, f: dd.Filters, scope: Scope = EVERYTHING):
    tally.ensure(engine, today=f.as_of, now=NOW)
    with session_scope(engine, write=False) as s:
        ranked, series = dd.tally_view(s, f, scope, dd.agency_infos(s))
    return [dd.as_row(t) for t in ranked], series


def assert_same(engine, scope: Scope = EVERYTHING) -> None:
    for f in FILTERS:
        rows, series = from_tally(engine, f, scope)
        assert (rows, series) == counted(engine, f, scope), f
        assert rows or f.level or scope is not EVERYTHING, f


def state(engine) -> TallyState:
    with session_scope(engine, write=False) as s:
        return s.get(TallyState, 1)


def test_the_tally_counts_what_counting_the_occurrences_counts(loaded):
    assert state(loaded).as_of is None  # loading the plans left it to be built
    assert_same(loaded)
    assert state(loaded).as_of == TODAY
    assert_same(loaded, Scope(frozenset({COMMUNE})))


def test_status_changes_recount_the_agency_in_the_same_transaction(loaded):
    assert_same(loaded)
    before = state(loaded).generation
    finance_done_late(loaded)
    move(loaded, occurrence_of(loaded, COMMUNE, "1.1").id, "reported", "done", by=CULTURE)
    with session_scope(loaded) as s:
        owed = s.exec(select(Occurrence).join(Task).where(Task.plan_id == COMMUNE, Task.number == "1.2",
                                                          Occurrence.status == "not_started")
                      .order_by(Occurrence.due)).first()  # its 10/05 check-point, before the plan's 15/05, is not owed
        set_status(s, owed, "cancelled", actor=Actor("user", "lan"),
                   now=NOW, calendar=WorkCalendar(CalendarDecisions()), note="không còn phù hợp")
    after = state(loaded)
    assert after.as_of == TODAY and after.generation >= before + 5
    assert_same(loaded)
    rows, _ = from_tally(loaded, dd.Filters(as_of=TODAY, plan=COMMUNE))
    finance = next(r for r in rows if r.agency_id == FINANCE)
    assert finance.counts[Category.DONE_LATE] == 1


def test_a_failed_status_change_leaves_the_tally_as_it_was(loaded):
    assert_same(loaded)
    occ = occurrence_of(loaded, COMMUNE, "3.2.1")
    generation = state(loaded).generation
    with pytest.raises(RuntimeError), session_scope(loaded) as s:
        set_status(s, s.get(Occurrence, occ.id), "reported", actor=Actor("agency", FINANCE), now=NOW,
                   calendar=WorkCalendar(CalendarDecisions()))
        raise RuntimeError("the request failed after the change")
    assert state(loaded).generation == generation
    assert_same(loaded)


def test_a_reload_and_a_new_day_rebuild_it(loaded):
    assert_same(loaded)
    load_examples(loaded)  # nothing changed: the tally stays
    assert state(loaded).as_of == TODAY
    tomorrow = TODAY + timedelta(days=1)
    generation = tally.ensure(loaded, today=tomorrow, now=NOW + timedelta(days=1)).generation
    assert state(loaded).as_of == tomorrow and generation > 0
    rows, series = from_tally(loaded, dd.Filters(as_of=tomorrow))
    assert (rows, series) == counted(loaded, dd.Filters(as_of=tomorrow))
    with session_scope(loaded) as s:
        tally.invalidate(s)
    assert state(loaded).as_of is None


def test_the_cached_overview_is_never_served_after_a_change(loaded):
    cache = Overviews()
    f = dd.Filters(as_of=TODAY, plan=COMMUNE)
    first = cache.get(loaded, f, EVERYTHING, today=TODAY, now=NOW)
    assert cache.get(loaded, f, EVERYTHING, today=TODAY, now=NOW) is first
    finance_done_late(loaded)
    second = cache.get(loaded, f, EVERYTHING, today=TODAY, now=NOW)
    assert second is not first and second.generation > first.generation
    assert second.totals[Category.DONE_LATE] == first.totals[Category.DONE_LATE] + 1
    past = dd.Filters(as_of=date(2023, 4, 5), plan=COMMUNE)
    assert cache.get(loaded, past, EVERYTHING, today=TODAY, now=NOW).from_tally is False
    assert cache.get(loaded, dd.Filters(as_of=TODAY, escalation=1), EVERYTHING, today=TODAY, now=NOW).from_tally is False


def test_the_dashboard_shows_a_change_made_through_another_app(as_user, loaded, app):
    client = as_user("lan")
    before = totals_on(client.get(f"/dashboard?plan={COMMUNE}").text)
    finance_done_late(loaded)  # straight into the database, as another process would
    after = totals_on(client.get(f"/dashboard?plan={COMMUNE}").text)
    assert after["done_late"] == before["done_late"] + 1


def test_the_rollup_sums_each_row_into_the_unit_directly_below_the_root():
    infos = {"tinh": dd.AgencyInfo("Tỉnh", "province", None, 0), "so": dd.AgencyInfo("Sở", "department", "tinh", 1),
             "phong": dd.AgencyInfo("Phòng", "office", "so", 2), "xa": dd.AgencyInfo("Xã", "commune", "tinh", 3),
             "bo": dd.AgencyInfo("Bộ", "ministry", None, 4)}

    def row(agency: str, overdue: int) -> dd.Tallied:
        return dd.Tallied(agency, infos[agency].name, infos[agency].level, 3 + overdue, 1, 0, overdue)

    rows = [row("phong", 3), row("so", 1), row("xa", 2), row("tinh", 5), row("bo", 0)]
    top = {r.agency_id: r.overdue for r in rollup(rows, infos, None)}
    assert top == {"tinh": 11, "bo": 0}
    below = {r.agency_id: r.overdue for r in rollup(rows, infos, "tinh")}
    assert below == {"so": 4, "xa": 2, "tinh": 5}
    assert {r.agency_id: r.counts[Category.DONE_ON_TIME] for r in rollup(rows, infos, "so")} == {"phong": 1, "so": 1}
    assert rollup(rows, infos, "xa")[0].agency_id == "xa"


def test_after_midnight_the_first_reader_rebuilds_for_the_new_day(loaded):
    cache = Overviews()
    cache.get(loaded, dd.Filters(as_of=TODAY), EVERYTHING, today=TODAY, now=NOW)
    later = datetime(2023, 6, 2, 2, tzinfo=UTC)
    ov = cache.get(loaded, dd.Filters(as_of=date(2023, 6, 2)), EVERYTHING, today=date(2023, 6, 2), now=later)
    assert ov.from_tally and state(loaded).as_of == date(2023, 6, 2)
    assert [dd.as_row(t) for t in ov.ranked] == counted(loaded, dd.Filters(as_of=date(2023, 6, 2)))[0]


def test_after_a_load_the_overview_names_agencies_as_the_load_left_them(loaded):
    cache = Overviews()
    f = dd.Filters(as_of=TODAY, plan=COMMUNE)
    names = {t.agency_id: t.name for t in cache.get(loaded, f, EVERYTHING, today=TODAY, now=NOW).ranked}
    assert names[FINANCE] == "Công chức tài chính – kế toán"
    with session_scope(loaded) as s:
        s.get(Agency, FINANCE).name = "Công chức Tài chính xã Thanh Lĩnh"
        tally.invalidate(s)  # what apply_config does after it changed anything
    names = {t.agency_id: t.name for t in cache.get(loaded, f, EVERYTHING, today=TODAY, now=NOW).ranked}
    assert names[FINANCE] == "Công chức Tài chính xã Thanh Lĩnh"


def test_a_sweep_makes_the_cached_overview_show_the_new_escalation_levels(loaded):
    cache = Overviews()
    f = dd.Filters(as_of=TODAY, plan=COMMUNE)
    before = cache.get(loaded, f, EVERYTHING, today=TODAY, now=NOW)
    result = sweep_once(loaded, now=NOW, calendar=WorkCalendar(CalendarDecisions()))
    assert result.escalated + result.overdue > 0
    after = cache.get(loaded, f, EVERYTHING, today=TODAY, now=NOW)
    assert after is not before
    levels = {i.occurrence_id: i.escalation_level for i in after.items}
    assert levels != {i.occurrence_id: i.escalation_level for i in before.items}
    assert after.ranked == before.ranked  # a sweep changes levels, not the categories
