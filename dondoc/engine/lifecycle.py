"""Occurrence lifecycle (pure): legal transitions and the four report statuses.

not_started -> in_progress -> reported (awaiting the focal agency) -> done;
cancelled and waived need a reason; a waived period (e.g. one that ended
before the plan was issued) may be reopened, with a reason. Overdue is never stored: it is derived
from the due date and `today`.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Protocol

from dondoc.engine.rules import AS_OF, Always, Before, Cond, Flag, In, Not, OnOrBefore, all_of, first_match, holds


class Status(StrEnum):
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    REPORTED = "reported"
    DONE = "done"
    CANCELLED = "cancelled"
    WAIVED = "waived"


OPEN = frozenset({Status.NOT_STARTED, Status.IN_PROGRESS, Status.REPORTED})  # OPEN_STATUSES: the same, as strings
CLOSED = frozenset({Status.DONE, Status.CANCELLED, Status.WAIVED})
NEEDS_REASON = frozenset({Status.CANCELLED, Status.WAIVED})

_ALLOWED: dict[Status, frozenset[Status]] = {
    Status.NOT_STARTED: frozenset({Status.IN_PROGRESS, Status.REPORTED, Status.DONE, Status.CANCELLED, Status.WAIVED}),
    Status.IN_PROGRESS: frozenset({Status.REPORTED, Status.DONE, Status.CANCELLED, Status.WAIVED}),
    Status.REPORTED: frozenset({Status.DONE, Status.IN_PROGRESS, Status.CANCELLED, Status.WAIVED}),
    Status.DONE: frozenset(),
    Status.CANCELLED: frozenset(),
    Status.WAIVED: frozenset({Status.NOT_STARTED}),  # a coordinator may still ask for a period not owed
}

STATUS_VI = {
    Status.NOT_STARTED: "Chưa thực hiện",
    Status.IN_PROGRESS: "Đang thực hiện",
    Status.REPORTED: "Đã báo cáo, chờ xác nhận",
    Status.DONE: "Hoàn thành",
    Status.CANCELLED: "Hủy",
    Status.WAIVED: "Miễn thực hiện",
}


class TransitionError(ValueError):
    """An illegal status change; the message is Vietnamese first."""


def check_transition(current: Status | str, target: Status | str, *, reason: str | None = None) -> Status:
    """Return the target status if current -> target is legal, else raise."""
    try:
        cur, new = Status(current), Status(target)
    except ValueError as exc:
        raise TransitionError(f"Trạng thái không hợp lệ / invalid status: {exc}. Hợp lệ: {', '.join(Status)}") from None
    if new not in _ALLOWED[cur]:
        raise TransitionError(
            f"Không thể chuyển từ '{cur}' sang '{new}' / illegal transition {cur} -> {new}"
        )
    if (new in NEEDS_REASON or cur == Status.WAIVED) and not (reason or "").strip():
        raise TransitionError(f"Chuyển sang '{new}' cần ghi lý do (--note) / '{new}' needs a reason")
    return new


class Category(StrEnum):
    """The four statuses Vietnamese task-tracking reports use, and "Chờ xác nhận":
    reported by its deadline, waiting for the confirming agency (never overdue
    for its owner)."""

    IN_PROGRESS_ON_TIME = "in_progress_on_time"
    IN_PROGRESS_OVERDUE = "in_progress_overdue"
    AWAITING_CONFIRMATION = "awaiting_confirmation"
    DONE_ON_TIME = "done_on_time"
    DONE_LATE = "done_late"


CATEGORY_VI = {
    Category.IN_PROGRESS_ON_TIME: "Đang thực hiện trong hạn",
    Category.IN_PROGRESS_OVERDUE: "Đang thực hiện quá hạn",
    Category.AWAITING_CONFIRMATION: "Chờ xác nhận",
    Category.DONE_ON_TIME: "Hoàn thành đúng hạn",
    Category.DONE_LATE: "Hoàn thành quá hạn",
}

EXCLUDED = (str(Status.CANCELLED), str(Status.WAIVED))
OPEN_STATUSES = tuple(str(s) for s in (Status.NOT_STARTED, Status.IN_PROGRESS, Status.REPORTED))

# Columns read: status, due (the effective deadline), reported_on, completed_on, on_event.
DONE_BY = all_of(In("status", (str(Status.DONE),)), OnOrBefore("completed_on", AS_OF))
REPORTED_BY = all_of(In("status", (str(Status.REPORTED), str(Status.DONE))), OnOrBefore("reported_on", AS_OF))
OVERDUE = all_of(Not(Flag("on_event")), Before("due", AS_OF))

# The one definition of the categories, first match wins; None: cancelled or
# waived, outside the categories. dondoc.store.vocabulary renders the same
# table as a SQL CASE, so pages, the API, the exports and the tally agree.
CATEGORY_RULES: tuple[tuple[Category | None, Cond], ...] = (
    (None, In("status", EXCLUDED)),
    # Here goes "completed on time after an extension" (hoàn thành đúng hạn sau gia hạn), counted apart:
    # (Category.DONE_ON_TIME_EXTENDED, all_of(DONE_BY, Not(Before("due", "completed_on")), <due extended>)),
    (Category.DONE_ON_TIME, all_of(DONE_BY, Not(Before("due", "completed_on")))),
    (Category.DONE_LATE, DONE_BY),
    (Category.AWAITING_CONFIRMATION, all_of(REPORTED_BY, Not(Before("due", "reported_on")))),
    (Category.IN_PROGRESS_OVERDUE, OVERDUE),
    (Category.IN_PROGRESS_ON_TIME, Always()),
)


@dataclass(frozen=True)
class Standing:
    """What an occurrence looked like on `as_of`."""

    category: Category | None  # None: cancelled or waived, outside the categories
    days_overdue: int


def standing(*, status: str, due: date | None, completed_on: date | None, as_of: date,
             reported_on: date | None = None, on_event: bool = False) -> Standing:
    """Classify one occurrence as of a date by CATEGORY_RULES. Done counts only
    if completed by `as_of`; an occurrence finished later was still open then.
    Days overdue count from the effective deadline; an item reported late
    stops counting on the day it was reported."""
    row = dict(status=status, due=due, completed_on=completed_on, reported_on=reported_on, on_event=on_event)
    category = first_match(CATEGORY_RULES, row, as_of)
    if category != Category.IN_PROGRESS_OVERDUE:
        return Standing(category, 0)
    acted = reported_on if reported_on is not None and holds(REPORTED_BY, row, as_of) else as_of
    assert due is not None
    return Standing(category, max(1, (acted - due).days))


class OccurrenceLike(Protocol):
    """What standing_of() reads: an occurrence row, or anything with its columns."""

    status: str
    due: date | None
    completed_on: date | None


def standing_of(occ: OccurrenceLike, as_of: date) -> Standing:
    """standing() of an object with the occurrence's columns."""
    return standing(status=occ.status, due=occ.due, completed_on=occ.completed_on,
                    reported_on=getattr(occ, "reported_on", None), on_event=bool(getattr(occ, "on_event", False)),
                    as_of=as_of)


def counts_from(*, total: int, on_time: int, late: int, overdue: int, awaiting: int) -> dict[Category, int]:
    """The categories from the tally's counts: the rest of `total` is in progress on time."""
    return {Category.DONE_ON_TIME: on_time, Category.DONE_LATE: late, Category.IN_PROGRESS_OVERDUE: overdue,
            Category.AWAITING_CONFIRMATION: awaiting,
            Category.IN_PROGRESS_ON_TIME: total - on_time - late - overdue - awaiting}


def completion_date(*, reported_on: date | None, confirmed_on: date) -> date:
    """On time is judged on the day the agency reported completion, not the
    day the focal agency got round to confirming it."""
    return reported_on or confirmed_on


# --- Extensions (issue 16, conversation): "completed on time after an extension" is counted apart,
# inside "Hoàn thành đúng hạn". The SQL twin is dondoc.store.tally.done_on_time_extended.
DONE_ON_TIME_EXTENDED_VI = "Hoàn thành đúng hạn sau gia hạn"


def on_time_after_extension(*, status: str, due: date | None, due_as_written: date | None,
                            completed_on: date | None, as_of: date) -> bool:
    """Done on time only because an approved extension moved the deadline
    past the written one (`due_as_written` is None for an item never extended)."""
    if status != Status.DONE or completed_on is None or completed_on > as_of:
        return False
    if due_as_written is None or due is None:
        return False
    return due_as_written < completed_on <= due
