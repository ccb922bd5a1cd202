"""The conversation's state changes against the database (SQLite and
PostgreSQL): a reload keeps an approved extension, indicators load with the
plan (an unknown agency is refused with file:line), a reassignment moves the
tally, and a concurrent second decision is refused."""
from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from dondoc.config.problems import ConfigError
from dondoc.config.reader import read_config
from dondoc.engine.calendar import CalendarDecisions, WorkCalendar
from dondoc.engine.lifecycle import TransitionError
from dondoc.store import conversation as conv
from dondoc.store import tally
from dondoc.store.conversation_models import Indicator
from dondoc.store.db import session_scope
from dondoc.store.loader import apply_config
from dondoc.store.models import AgencyTally, Occurrence, Task
from dondoc.store.status import Actor
from tests.conftest import CONFIG
from tests.web.conversation_helpers import FINANCE, HEALTH, INDICATOR_PLAN

LOADED_AT = datetime(2023, 5, 20, 1, 0, tzinfo=UTC)
NOW = datetime(2023, 6, 1, 2, 0, tzinfo=UTC)
COORDINATOR = Actor("user", "hoa")


def load(engine, tmp_path, text: str = INDICATOR_PLAN) -> None:
    extra = tmp_path / "plan-chi-tieu.yaml"
    extra.write_text(text, encoding="utf-8")
    with session_scope(engine) as s:
        apply_config(s, read_config([CONFIG, extra]), now=LOADED_AT, calendar=WorkCalendar(CalendarDecisions()))


def item(engine, number: str = "3.2.1") -> Occurrence:
    with session_scope(engine, write=False) as s:
        return s.execute(select(Occurrence).join(Task, Task.id == Occurrence.task_id)
                         .where(Task.plan_id == "thanh-linh-2023-tre-em", Task.number == number)
                         .order_by(Occurrence.id)).scalars().first()


def approve(engine, occ_id: int, due: date) -> None:
    with session_scope(engine) as s:
        req = conv.request_extension(s, agency_id=FINANCE, occurrence_id=occ_id, due=due, reason="Chờ kinh phí",
                                     now=NOW)
        conv.decide_extension(s, request_id=req.id, approve=True, note="", actor=COORDINATOR, now=NOW,
                              allowed=lambda r: True)


def test_reloading_the_config_keeps_an_approved_extension(engine, tmp_path):
    load(engine, tmp_path)
    occ = item(engine)
    approve(engine, occ.id, date(2023, 6, 30))
    load(engine, tmp_path)
    again = item(engine)
    assert again.due == date(2023, 6, 30) and again.due_as_written == occ.due


def test_indicators_load_with_the_plan_and_unnamed_assignments_follow_the_tasks_leads(engine, tmp_path):
    load(engine, tmp_path)
    load(engine, tmp_path)  # twice: still one row per number
    with session_scope(engine, write=False) as s:
        rows = {i.number: i for i in s.execute(select(Indicator)).scalars()}
    assert sorted(rows) == [1, 2] and rows[1].agencies == [FINANCE] and rows[2].agencies == [HEALTH]
    assert rows[2].higher_is_better is False and rows[1].target == 100


def test_an_indicator_given_to_an_unknown_agency_is_refused_with_its_line(tmp_path):
    extra = tmp_path / "plan-chi-tieu.yaml"
    extra.write_text(INDICATOR_PLAN.replace("agencies: [tram-y-te-thanh-linh]", "agencies: [khong-co]"), encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        read_config([CONFIG, extra])
    assert "plan-chi-tieu.yaml:" in str(caught.value) and "khong-co" in str(caught.value)


def test_a_reassignment_moves_the_item_in_the_tally(engine, tmp_path):
    load(engine, tmp_path)
    occ = item(engine)
    with session_scope(engine) as s:
        tally.rebuild(s, as_of=date(2023, 6, 1), now=NOW)
    with session_scope(engine) as s:
        req = conv.request_reassignment(s, agency_id=FINANCE, occurrence_id=occ.id, to_agency=HEALTH, reason="r",
                                        now=NOW)
        conv.decide_reassignment(s, request_id=req.id, approve=True, note="", actor=COORDINATOR, now=NOW,
                                 allowed=lambda r: True)
    with session_scope(engine, write=False) as s:
        counts = {(t.owner_id, t.plan_id): t.total for t in s.execute(select(AgencyTally)).scalars()}
    # the finance official had 3.2.1 and the 2023 report (the one of 10/05/2023, before the plan was issued, is not owed)
    assert counts[(FINANCE, "thanh-linh-2023-tre-em")] == 1 and counts[(HEALTH, "thanh-linh-2023-tre-em")] >= 1


def test_a_request_already_decided_cannot_be_decided_again(engine, tmp_path):
    load(engine, tmp_path)
    occ = item(engine)
    with session_scope(engine) as s:
        req = conv.request_extension(s, agency_id=FINANCE, occurrence_id=occ.id, due=date(2023, 6, 30), reason="r",
                                     now=NOW)
        conv.decide_extension(s, request_id=req.id, approve=False, note="Không", actor=COORDINATOR, now=NOW,
                              allowed=lambda r: True)
    with session_scope(engine) as s, pytest.raises(TransitionError):
        conv.decide_extension(s, request_id=req.id, approve=True, note="", actor=COORDINATOR, now=NOW,
                              allowed=lambda r: True)
