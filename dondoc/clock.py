"""The one clock. Only the edges (CLI, web, runners) call it and pass `now` down."""
from __future__ import annotations

from datetime import UTC, date, datetime

from dondoc.engine.calendar import VN_TZ


def now() -> datetime:
    """Current time, aware, in UTC (how timestamps are stored)."""
    return datetime.now(UTC)


def today() -> date:
    """Today in Asia/Ho_Chi_Minh."""
    return datetime.now(VN_TZ).date()


def parse_now(text: str | None) -> datetime:
    """An ISO date or datetime from the command line (local time if naive) -> aware UTC."""
    if not text:
        return now()
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=VN_TZ)
    return moment.astimezone(UTC)
