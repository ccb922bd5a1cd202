"""'Completed on time after an extension' is counted apart (pure)."""
from __future__ import annotations

from datetime import date

from dondoc.engine.lifecycle import Category, on_time_after_extension, standing

WRITTEN, EXTENDED, AS_OF = date(2023, 3, 31), date(2023, 6, 30), date(2023, 7, 10)


def counted(completed_on, due_as_written=WRITTEN, due=EXTENDED, status="done", as_of=AS_OF) -> bool:  # noqa: ANN001
    return on_time_after_extension(status=status, due=due, due_as_written=due_as_written, completed_on=completed_on,
                                   as_of=as_of)


def test_done_after_the_written_deadline_but_by_the_extended_one_is_on_time_after_an_extension():
    assert counted(date(2023, 6, 1))
    assert standing(status="done", due=EXTENDED, completed_on=date(2023, 6, 1), as_of=AS_OF).category == \
        Category.DONE_ON_TIME


def test_done_by_the_written_deadline_needed_no_extension():
    assert not counted(date(2023, 3, 30))


def test_done_after_the_extended_deadline_is_late_not_extended():
    assert not counted(date(2023, 7, 5))


def test_an_item_never_extended_or_not_done_by_the_day_is_not_counted():
    assert not counted(date(2023, 6, 1), due_as_written=None)
    assert not counted(date(2023, 6, 1), status="in_progress")
    assert not counted(date(2023, 6, 1), as_of=date(2023, 5, 31))
