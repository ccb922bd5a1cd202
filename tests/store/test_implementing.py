"""Implementing plans: a plan asks its subordinate units to issue their own;
each one is an obligation (task KH.<agency>) fulfilled by loading the plan
that implements it, and escalated like any task while it is missing."""
from __future__ import annotations

from datetime import UTC, date, datetime

from sqlmodel import select

from dondoc.store import tally
from dondoc.store.db import session_scope
from dondoc.store.models import AgencyTally, Event, Occurrence, Task
from dondoc.store.outbox_models import Notification
from dondoc.store.rollover import rollover_once
from dondoc.store.sweep import sweep_once
from tests.store.implementing_data import CAL, PROVINCE, commune_plan, load, write


def obligations(engine, plan_id="tinh-2025"):
    with session_scope(engine, write=False) as s:
        q = (select(Task.number, Task.kind, Occurrence).join(Occurrence, Occurrence.task_id == Task.id)
             .where(Task.plan_id == plan_id, Task.kind == "plan").order_by(Task.number))
        return {number: occ for number, kind, occ in s.exec(q)}


def test_children_of_an_agency_each_get_an_obligation_numbered_kh_and_their_id(tmp_path, engine):
    load(engine, write(tmp_path, plan=PROVINCE))
    found = obligations(engine)
    # the communes at any depth below the province (Tân Lập is under a district), the merged-away one not asked
    assert sorted(found) == ["KH.ubnd-xa-an-hoa", "KH.ubnd-xa-my-loc", "KH.ubnd-xa-tan-lap"]
    occ = found["KH.ubnd-xa-my-loc"]
    assert occ.owner_id == "ubnd-xa-my-loc" and occ.due == date(2025, 12, 31) and occ.status == "not_started"
    assert occ.next_check_on == date(2025, 12, 24)  # five working days before, as any task of the policy


def test_without_a_level_children_are_the_direct_subordinates_that_are_active(tmp_path, engine):
    direct = PROVINCE.replace(', level: commune, due: "trước ngày 31/12/2025"', ', due: "Quý I/2026"')
    load(engine, write(tmp_path, plan=direct))
    found = obligations(engine)
    assert sorted(found) == ["KH.so-ldtbxh-binh-an", "KH.ubnd-huyen-dong", "KH.ubnd-xa-an-hoa", "KH.ubnd-xa-my-loc"]
    assert {o.due for o in found.values()} == {date(2026, 3, 31)}


def test_listed_agencies_get_an_obligation_with_an_explicit_date(tmp_path, engine):
    listed = PROVINCE.replace('{by: ["children of ubnd-tinh-binh-an"], level: commune, due: "trước ngày 31/12/2025"}',
                              "{by: [ubnd-huyen-dong, so-ldtbxh-binh-an], due: 2025-11-15}")
    load(engine, write(tmp_path, plan=listed))
    found = obligations(engine)
    assert sorted(found) == ["KH.so-ldtbxh-binh-an", "KH.ubnd-huyen-dong"]
    assert {o.written_due for o in found.values()} == {date(2025, 11, 15)}  # a Saturday: as written
    assert {o.due for o in found.values()} == {date(2025, 11, 17)}  # runs to the next working day (art. 148.5)


def test_children_of_an_agency_known_only_from_the_database_are_found(tmp_path, engine):
    load(engine, write(tmp_path / "first", plan=PROVINCE))
    huyen = PROVINCE.replace("tinh-2025", "tinh-2025-b").replace("children of ubnd-tinh-binh-an", "children of ubnd-huyen-dong")
    folder = tmp_path / "second"
    folder.mkdir()
    (folder / "plan.yaml").write_text(huyen, encoding="utf-8")
    load(engine, folder)
    assert sorted(obligations(engine, "tinh-2025-b")) == ["KH.ubnd-xa-tan-lap"]


def test_reloading_changes_nothing(tmp_path, engine):
    folder = write(tmp_path, plan=PROVINCE)
    load(engine, folder)
    assert load(engine, folder) == {}


def test_loading_a_commune_plan_that_implements_it_fulfils_its_obligation_with_an_event(tmp_path, engine):
    load(engine, write(tmp_path / "v1", plan=PROVINCE))
    with session_scope(engine) as s:
        tally.rebuild(s, as_of=date(2025, 12, 15), now=datetime(2025, 12, 15, tzinfo=UTC))
    counts = load(engine, write(tmp_path / "v2", plan=PROVINCE, child=commune_plan("ubnd-xa-an-hoa")))
    assert counts["obligation_fulfilled"] == 1
    found = obligations(engine)
    done, missing = found["KH.ubnd-xa-an-hoa"], found["KH.ubnd-xa-my-loc"]
    assert done.status == "done" and done.completed_on == date(2025, 12, 10) and done.next_check_on is None
    assert missing.status == "not_started"
    with session_scope(engine, write=False) as s:
        ev = s.exec(select(Event).where(Event.occurrence_id == done.id, Event.kind == "occurrence.status")).one()
        assert ev.before == {"status": "not_started"} and ev.after["implemented_by"] == "ubnd-xa-an-hoa-2025"
        assert tally.state(s).as_of is None  # the load invalidated the tally: the next reader recounts
    state = tally.ensure(engine, today=date(2025, 12, 15), now=datetime(2025, 12, 15, tzinfo=UTC))
    with session_scope(engine, write=False) as s:
        row = s.get(AgencyTally, ("ubnd-xa-an-hoa", "tinh-2025"))
        assert state.as_of == date(2025, 12, 15) and (row.total, row.done_on_time) == (1, 1)


def test_a_plan_loaded_before_the_plan_it_implements_fulfils_it_when_that_one_comes(tmp_path, engine):
    load(engine, write(tmp_path / "child", child=commune_plan("ubnd-xa-an-hoa")))
    assert obligations(engine) == {}
    parent = tmp_path / "parent"
    parent.mkdir()
    (parent / "plan.yaml").write_text(PROVINCE, encoding="utf-8")
    load(engine, parent)
    assert obligations(engine)["KH.ubnd-xa-an-hoa"].status == "done"
    assert obligations(engine)["KH.ubnd-xa-my-loc"].status == "not_started"


def test_a_plan_issued_by_another_agency_fulfils_nothing(tmp_path, engine):
    stranger = commune_plan("so-ldtbxh-binh-an")
    load(engine, write(tmp_path, plan=PROVINCE, child=stranger))
    assert {o.status for o in obligations(engine).values()} == {"not_started"}


def test_a_missing_plan_escalates_after_its_due_date(tmp_path, engine):
    load(engine, write(tmp_path, plan=PROVINCE, child=commune_plan("ubnd-xa-an-hoa")))
    result = sweep_once(engine, now=datetime(2026, 1, 12, 1, 0, tzinfo=UTC), calendar=CAL)
    assert result.escalated >= 1
    found = obligations(engine)
    assert found["KH.ubnd-xa-my-loc"].escalation_level >= 2
    assert found["KH.ubnd-xa-an-hoa"].escalation_level == 0
    with session_scope(engine, write=False) as s:
        notes = s.exec(select(Notification).where(Notification.occurrence_id == found["KH.ubnd-xa-my-loc"].id)).all()
        assert {"ubnd-xa-my-loc", "ubnd-tinh-binh-an"} <= {n.recipient for n in notes}  # the lead, then its parent
        assert not s.exec(select(Notification).where(Notification.occurrence_id == found["KH.ubnd-xa-an-hoa"].id)).all()


def test_an_agency_dropped_from_the_list_has_its_obligation_cancelled(tmp_path, engine):
    load(engine, write(tmp_path / "v1", plan=PROVINCE))
    fewer = PROVINCE.replace('by: ["children of ubnd-tinh-binh-an"], level: commune', "by: [ubnd-xa-an-hoa]")
    counts = load(engine, write(tmp_path / "v2", plan=fewer))
    assert counts["task_removed"] == 2
    assert obligations(engine)["KH.ubnd-xa-my-loc"].status == "cancelled"
    assert obligations(engine)["KH.ubnd-xa-an-hoa"].status == "not_started"


def test_the_roll_over_adds_nothing_to_an_obligation(tmp_path, engine):
    load(engine, write(tmp_path, plan=PROVINCE))
    assert rollover_once(engine, now=datetime(2025, 12, 1, 1, 0, tzinfo=UTC), calendar=CAL) == 0
    assert len(obligations(engine)) == 3
