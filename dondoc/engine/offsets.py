"""Offsets and day-months as config writes them: '-5 working days', '10/05'."""
from __future__ import annotations

import re
from datetime import date

_OFFSET = re.compile(r"^([+-]?\d+)\s*(working days?|days?|weeks?|ngày làm việc|ngày|tuần)$", re.IGNORECASE)
_DAY_MONTH = re.compile(r"^(\d{1,2})/(\d{1,2})$")


def parse_offset(text: str) -> tuple[int, bool]:
    """'-5 working days' -> (-5, True); '+1 day' -> (1, False); weeks are 7 days."""
    m = _OFFSET.match(text.strip())
    if not m:
        raise ValueError(f"'{text}': cần dạng '+1 day', '-5 working days', '+2 weeks' / expected e.g. '-5 working days'")
    n, unit = int(m.group(1)), m.group(2).lower()
    working = unit.startswith("working") or unit == "ngày làm việc"
    if unit.startswith("week") or unit == "tuần":
        n *= 7
    return n, working


def parse_day_month(text: str) -> tuple[int, int]:
    """'10/05' -> (10, 5), checked against a leap year so 29/02 is allowed."""
    m = _DAY_MONTH.match(text.strip())
    if not m:
        raise ValueError(f"'{text}': cần dạng ngày/tháng, ví dụ '10/05' / expected dd/mm")
    day, month = int(m.group(1)), int(m.group(2))
    if not 1 <= month <= 12:
        raise ValueError(f"'{text}': tháng {month} không tồn tại / no such month")
    try:
        date(2024, month, day)
    except ValueError:
        raise ValueError(f"'{text}': ngày {day}/{month} không tồn tại / no such day") from None
    return day, month
