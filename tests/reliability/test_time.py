"""Time: ten days of downtime, a clock going backwards, deadlines on holidays."""
from __future__ import annotations

from collections import Counter
from datetime import date

import pytest
from sqlmodel import select

from dondoc.store.db import session_scope
from dondoc.store.models import Occurrence, Task
from dondoc.store.outbox_models import Email, Notification
from dondoc.workflows.jobs import run_sweep
from tests.factories import PLAN, write_config
from tests.notifications.helpers import load, local, runtime

pytestmark = pytest.mark.reliability


def notifications(engine) -> list[Notification]:
    with session_scope(engine, write=False) as s:
        return list(s.exec(select(Notification)))


def test_ten_days_down_then_one_catch_up_sweep_sends_no_flood(tmp_path, engine):
    load(engine, write_config(tmp_path))
    rt = runtime(2525)
    run_sweep(engine, rt, now=local("2023-06-20T07:30"))
    before = {n.key for n in notifications(engine)}
    result = run_sweep(engine, rt, now=local("2023-06-30T07:30"))
    new = [n for n in notifications(engine) if n.key not in before]
    per_occurrence = Counter((n.occurrence_id, n.recipient) for n in new)
    assert per_occurrence and max(per_occurrence.values()) == 1  # one step per occurrence, not every missed one
    with session_scope(engine, write=False) as s:
        emails = s.exec(select(Email)).all()
    after = [e for e in emails if e.created_at >= local("2023-06-30T07:30")]
    assert len(after) == result.emails_queued == len({e.to_addrs[0] for e in after})  # one email per recipient


def test_a_clock_going_backwards_escalates_nothing_twice(tmp_path, engine):
    load(engine, write_config(tmp_path))
    rt = runtime(2525)
    run_sweep(engine, rt, now=local("2023-07-20T07:30"))
    count = len(notifications(engine))
    back = run_sweep(engine, rt, now=local("2023-07-05T07:30"))
    assert back.notifications == 0 and len(notifications(engine)) == count


def test_a_deadline_on_a_holiday_counts_working_days_as_the_policy_says(tmp_path, engine):
    plan = PLAN.replace("timeframe: Tháng 6 năm 2023", "timeframe: trước ngày 2/9")  # Quốc khánh, a Saturday
    load(engine, write_config(tmp_path, plan=plan))
    with session_scope(engine, write=False) as s:
        occ = s.exec(select(Occurrence).join(Task).where(Task.number == "1.1")).one()
    # Art. 148.5: the time limit runs to Tuesday 5/9 (1/9, 2/9 and 4/9 are days off); -5 working days skips 1/9.
    assert (occ.written_due, occ.due) == (date(2023, 9, 2), date(2023, 9, 5))
    assert occ.next_check_on == date(2023, 8, 25)
    rt = runtime(2525)
    for day, template in [("2023-09-05", "due_soon"), ("2023-09-06", "overdue"), ("2023-09-11", None),
                          ("2023-09-12", "escalated")]:
        run_sweep(engine, rt, now=local(f"{day}T07:30"))
        fired = {n.template for n in notifications(engine) if n.occurrence_id == occ.id
                 and n.created_at.date() == date.fromisoformat(day)}
        assert fired == ({template} if template else set()), day
