"""Offsets and day-months as config writes them: '-5 working days', '10/05'."""
from __future__ import annotations

import re
from datetime import date

_OFFSET = re.compile(r"^([+-]?\d+)\s*(working days?|days?|weeks?|ngày làm việc|ngày|tuần)$", re.IGNORECASE)
_DAY_MONTH = re.compile(r"^(\d{1,2})/(\d{1,2})$")
_DAY_MONTH_YEAR = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")


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
    """'10/05' -> (10, 5): a date that comes back every year. One rule for
    29/02 everywhere (config, reporting, recurring timeframes): it is not there
    every year, so it is refused with a pointer to 28/02 or 01/03."""
    m = _DAY_MONTH.match(text.strip())
    if not m:
        raise ValueError(f"'{text}': cần dạng ngày/tháng, ví dụ '10/05' / expected dd/mm")
    day, month = int(m.group(1)), int(m.group(2))
    if not 1 <= month <= 12:
        raise ValueError(f"'{text}': tháng {month} không tồn tại / no such month")
    recurs_every_year(day, month, text)
    return day, month


def recurs_every_year(day: int, month: int, text: str) -> None:
    """Raise ValueError unless day/month exists in every year (so not 29/02)."""
    try:
        date(2024, month, day)
    except ValueError:
        raise ValueError(f"'{text}': ngày {day}/{month} không tồn tại / no such day") from None
    if (day, month) == (29, 2):
        raise ValueError(f"'{text}': ngày 29/02 không có trong mọi năm, hãy ghi 28/02 hoặc 01/03 / "
                         "29/02 is not in every year: write 28/02 or 01/03")


def parse_day_month_year(text: str) -> date:
    """'30/12/2025' -> date(2025, 12, 30)."""
    m = _DAY_MONTH_YEAR.match(text.strip())
    if not m:
        raise ValueError(f"'{text}': cần dạng ngày/tháng/năm, ví dụ '30/12/2025' / expected dd/mm/yyyy")
    try:
        return date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
    except ValueError:
        raise ValueError(f"'{text}': ngày không tồn tại / no such date") from None
