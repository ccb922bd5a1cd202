"""Occurrence lifecycle (pure): legal transitions and the four report statuses.

not_started -> in_progress -> reported (awaiting the focal agency) -> done;
cancelled and waived need a reason. Overdue is never stored: it is derived
from the due date and `today`.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum


class Status(StrEnum):
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    REPORTED = "reported"
    DONE = "done"
    CANCELLED = "cancelled"
    WAIVED = "waived"


OPEN = frozenset({Status.NOT_STARTED, Status.IN_PROGRESS, Status.REPORTED})
CLOSED = frozenset({Status.DONE, Status.CANCELLED, Status.WAIVED})
NEEDS_REASON = frozenset({Status.CANCELLED, Status.WAIVED})

_ALLOWED: dict[Status, frozenset[Status]] = {
    Status.NOT_STARTED: frozenset({Status.IN_PROGRESS, Status.REPORTED, Status.DONE, Status.CANCELLED, Status.WAIVED}),
    Status.IN_PROGRESS: frozenset({Status.REPORTED, Status.DONE, Status.CANCELLED, Status.WAIVED}),
    Status.REPORTED: frozenset({Status.DONE, Status.IN_PROGRESS, Status.CANCELLED, Status.WAIVED}),
    Status.DONE: frozenset(),
    Status.CANCELLED: frozenset(),
    Status.WAIVED: frozenset(),
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
    if new in NEEDS_REASON and not (reason or "").strip():
        raise TransitionError(f"Chuyển sang '{new}' cần ghi lý do (--note) / '{new}' needs a reason")
    return new


class Category(StrEnum):
    """The four statuses Vietnamese task-tracking reports use."""

    IN_PROGRESS_ON_TIME = "in_progress_on_time"
    IN_PROGRESS_OVERDUE = "in_progress_overdue"
    DONE_ON_TIME = "done_on_time"
    DONE_LATE = "done_late"


CATEGORY_VI = {
    Category.IN_PROGRESS_ON_TIME: "Đang thực hiện trong hạn",
    Category.IN_PROGRESS_OVERDUE: "Đang thực hiện quá hạn",
    Category.DONE_ON_TIME: "Hoàn thành đúng hạn",
    Category.DONE_LATE: "Hoàn thành quá hạn",
}


@dataclass(frozen=True)
class Standing:
    """What an occurrence looked like on `as_of`."""

    category: Category | None  # None: cancelled or waived, outside the four categories
    days_overdue: int


def standing(*, status: str, due: date | None, completed_on: date | None, as_of: date) -> Standing:
    """Classify one occurrence as of a date. Done counts only if completed by
    `as_of`; an occurrence finished later was still open on that day."""
    if status in (Status.CANCELLED, Status.WAIVED):
        return Standing(None, 0)
    if status == Status.DONE and completed_on is not None and completed_on <= as_of:
        late = due is not None and completed_on > due
        return Standing(Category.DONE_LATE if late else Category.DONE_ON_TIME, 0)
    overdue = 0 if due is None else max(0, (as_of - due).days)
    return Standing(Category.IN_PROGRESS_OVERDUE if overdue else Category.IN_PROGRESS_ON_TIME, overdue)


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
