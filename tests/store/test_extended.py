"""The SQL of 'done on time after an extension' agrees with the Python predicate, on both databases."""
from __future__ import annotations

from datetime import UTC, date, datetime
from itertools import product

from dondoc.engine.lifecycle import on_time_after_extension
from dondoc.store.db import session_scope
from dondoc.store.extended import by_owner, extended_counts
from dondoc.store.models import Agency, Occurrence, Plan, Task

NOW = datetime(2023, 7, 10, 2, 0, tzinfo=UTC)
AS_OF = date(2023, 7, 1)
DUES = (None, date(2023, 3, 31), date(2023, 6, 30))
COMPLETIONS = (None, date(2023, 3, 1), date(2023, 5, 1), date(2023, 6, 30), date(2023, 7, 5))
STATUSES = ("in_progress", "done", "waived")


def rows():
    for i, (written, completed, status) in enumerate(product(DUES, COMPLETIONS, STATUSES)):
        yield dict(period=f"p{i}", due_as_written=written, completed_on=completed if status == "done" else None,
                   status=status, due=date(2023, 6, 30) if written else date(2023, 3, 31))


def test_the_sql_count_and_the_python_predicate_agree(engine):
    with session_scope(engine) as s:
        s.add(Agency(id="a", name="A", level="unit", email="a@x.vn"))
        s.flush()
        s.add(Plan(id="p", number="1/KH", title="P", issued_by="a", issued_on=date(2023, 1, 1), focal_id="a",
                   starts_on=date(2023, 1, 1), ends_on=date(2023, 12, 31)))
        s.flush()
        task = Task(plan_id="p", number="1", title="T", lead_id="a")
        s.add(task)
        s.flush()
        s.add_all([Occurrence(task_id=task.id, plan_id="p", owner_id="a", **r) for r in rows()])
    want = sum(on_time_after_extension(status=r["status"], due=r["due"], due_as_written=r["due_as_written"],
                                       completed_on=r["completed_on"], as_of=AS_OF) for r in rows())
    extended = sum(1 for r in rows() if r["due_as_written"] and r["status"] != "waived")
    with session_scope(engine, write=False) as s:
        got = extended_counts(s, as_of=AS_OF)
        assert got.done_on_time_extended == want > 0 and got.extended == extended
        assert by_owner(s, as_of=AS_OF) == {"a": want}
        assert extended_counts(s, as_of=AS_OF, plan_id="other").extended == 0
