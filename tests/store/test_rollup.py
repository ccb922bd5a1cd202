"""Roll-up: a plan and the plans implementing it, at any depth, each with the
four statuses; the numbers equal counting the occurrences one by one."""
from __future__ import annotations

import textwrap
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import update
from sqlmodel import select

from dondoc.engine.lifecycle import Category, standing
from dondoc.store.db import session_scope
from dondoc.store.models import Occurrence, Plan, Task
from dondoc.store.rollup import plan_tree, rollup
from dondoc.store.status import Actor, set_status
from tests.store.implementing_data import CAL, PROVINCE, commune_plan, load, write

ADMIN = Actor("user", "lan")

# The years with districts: province -> district -> commune.
OLD_PROVINCE = textwrap.dedent("""\
    plans:
      - id: tinh-2021
        number: "80/KH-UBND"
        title: Công tác trẻ em năm 2021
        issued_by: ubnd-tinh-binh-an
        issued_on: 2021-03-01
        focal: so-ldtbxh-binh-an
        implementing_plans: {by: [ubnd-huyen-dong], due: 2021-04-30}
        tasks:
          - {number: "1", title: Hướng dẫn các huyện, lead: so-ldtbxh-binh-an, due: 2021-06-30}
    """)
DISTRICT = textwrap.dedent("""\
    plans:
      - id: huyen-dong-2021
        number: "21/KH-UBND"
        title: Công tác trẻ em huyện Đông năm 2021
        issued_by: ubnd-huyen-dong
        issued_on: 2021-04-20
        focal: ubnd-huyen-dong
        implements: tinh-2021
        implementing_plans: {by: ["children of ubnd-huyen-dong"], due: "Tháng 5/2021"}
        tasks:
          - {number: "1", title: Kiểm tra các xã, lead: ubnd-huyen-dong, due: 2021-09-30}
          - {number: "2", title: Báo cáo tỉnh, lead: ubnd-huyen-dong, due: 2021-11-30}
    """)
COMMUNE = commune_plan("ubnd-xa-tan-lap", plan_id="tan-lap-2021", implements="huyen-dong-2021", issued_on="2021-06-02",
                       due="2021-12-31")
OLD = datetime(2021, 3, 2, 1, 0, tzinfo=UTC)


def by_hand(engine, plan_ids: list[str], as_of: date) -> dict[Category, int]:
    """The four categories counted one occurrence at a time with lifecycle.standing."""
    out = dict.fromkeys(Category, 0)
    with session_scope(engine, write=False) as s:
        for o in s.exec(select(Occurrence).where(Occurrence.plan_id.in_(plan_ids))):
            cat = standing(status=o.status, due=o.due, completed_on=o.completed_on, as_of=as_of).category
            if cat is not None:
                out[cat] += 1
    return out


def move(engine, plan: str, number: str, target: str, at: datetime, note: str = "") -> None:
    with session_scope(engine) as s:
        occ = s.exec(select(Occurrence).join(Task, Task.id == Occurrence.task_id)
                     .where(Task.plan_id == plan, Task.number == number)).first()
        set_status(s, occ, target, actor=ADMIN, now=at, calendar=CAL, note=note)


@pytest.fixture
def three_levels(tmp_path, engine):
    load(engine, write(tmp_path, a=OLD_PROVINCE, b=DISTRICT, c=COMMUNE), now=OLD)
    move(engine, "huyen-dong-2021", "1", "done", datetime(2021, 9, 1, 3, tzinfo=UTC))      # on time
    move(engine, "huyen-dong-2021", "2", "waived", datetime(2021, 5, 1, 3, tzinfo=UTC), note="gộp vào báo cáo năm")
    move(engine, "tan-lap-2021", "1", "done", datetime(2022, 2, 20, 3, tzinfo=UTC))        # late
    return engine


def test_the_tree_goes_from_the_province_through_the_district_to_the_commune(three_levels):
    with session_scope(three_levels, write=False) as s:
        nodes = plan_tree(s, "tinh-2021")
    assert [(n.id, n.depth, n.parent) for n in nodes] == [
        ("tinh-2021", 0, None), ("huyen-dong-2021", 1, "tinh-2021"), ("tan-lap-2021", 2, "huyen-dong-2021")]


@pytest.mark.parametrize("as_of", [date(2021, 4, 1), date(2021, 7, 1), date(2021, 12, 31), date(2022, 3, 1)])
def test_roll_up_counts_equal_counting_the_occurrences_of_each_plan_and_of_those_below(three_levels, as_of):
    with session_scope(three_levels, write=False) as s:
        rows = {r.node.id: r for r in rollup(s, "tinh-2021", as_of)}
    for plan, below in [("tinh-2021", ["huyen-dong-2021", "tan-lap-2021"]), ("huyen-dong-2021", ["tan-lap-2021"]),
                        ("tan-lap-2021", [])]:
        assert rows[plan].own == by_hand(three_levels, [plan], as_of)
        assert rows[plan].with_below == by_hand(three_levels, [plan, *below], as_of)


def test_fulfilled_obligations_count_in_the_parent_plan(three_levels):
    with session_scope(three_levels, write=False) as s:
        top = rollup(s, "tinh-2021", date(2021, 12, 31))[0]
    # task 1 (open, overdue) and KH.ubnd-huyen-dong (done 20/04, due 30/04: on time)
    assert top.own[Category.DONE_ON_TIME] == 1 and top.own[Category.IN_PROGRESS_OVERDUE] == 1


def test_a_circle_that_reached_the_database_is_shown_once_and_not_followed_forever(three_levels):
    with session_scope(three_levels) as s:
        s.execute(update(Plan).where(Plan.id == "tinh-2021").values(implements="tan-lap-2021"))
    with session_scope(three_levels, write=False) as s:
        assert [n.id for n in plan_tree(s, "tinh-2021")] == ["tinh-2021", "huyen-dong-2021", "tan-lap-2021"]
        assert len(rollup(s, "huyen-dong-2021", date(2021, 12, 31))) == 3


def test_a_plan_outside_the_scope_is_left_out_with_those_below_it(three_levels):
    with session_scope(three_levels, write=False) as s:
        rows = rollup(s, "tinh-2021", date(2021, 12, 31), keep=lambda p: p != "huyen-dong-2021")
    assert [r.node.id for r in rows] == ["tinh-2021"]


def test_province_to_communes_after_2025(tmp_path, engine):
    load(engine, write(tmp_path, plan=PROVINCE, a=commune_plan("ubnd-xa-an-hoa"), b=commune_plan("ubnd-xa-my-loc",
                                                                                                   issued_on="2026-01-05")))
    with session_scope(engine, write=False) as s:
        rows = rollup(s, "tinh-2025", date(2026, 1, 10))
    assert [(r.node.id, r.node.depth) for r in rows] == [("tinh-2025", 0), ("ubnd-xa-an-hoa-2025", 1),
                                                          ("ubnd-xa-my-loc-2025", 1)]
    own = rows[0].own  # task 1 and Tân Lập's plan overdue; An Hòa's plan on time, Mỹ Lộc's late
    assert (own[Category.IN_PROGRESS_OVERDUE], own[Category.DONE_ON_TIME], own[Category.DONE_LATE]) == (2, 1, 1)
    assert rows[0].with_below == by_hand(engine, [r.node.id for r in rows], date(2026, 1, 10))
