"""Request parameters with the bounds the database needs, shared by the pages
and the API so that no input reaches SQL it cannot hold: row ids that fit a
PostgreSQL `integer` key, ISO dates only (not Unix timestamps), no NUL
characters in text (PostgreSQL refuses them). Out of bounds answers 422."""
from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any, Literal

from fastapi import Path, Query
from pydantic import BeforeValidator

MAX_ROW_ID = 2**31 - 1
MAX_LEVEL = 99
NO_NUL = r"^[^\x00]*$"
EVIDENCE_URL = r"^([hH][tT][tT][pP][sS]?://[^\s\x1c-\x1f\x00]*)?$"  # no character str.isspace() calls space
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def iso_date(value: Any) -> Any:
    """Only YYYY-MM-DD (pydantic alone would also read '0' as 1970-01-01)."""
    if isinstance(value, str) and not _ISO_DATE.fullmatch(value):
        raise ValueError(f"'{value}' cần dạng YYYY-MM-DD / expected YYYY-MM-DD")
    return value


MIN_DAY, MAX_DAY = date(2000, 1, 1), date(2100, 12, 31)  # what the calendar and the sweep can step around


def bounded_day(text: str) -> date:
    """A YYYY-MM-DD date within MIN_DAY..MAX_DAY (ValueError, bilingual, otherwise)."""
    value = date.fromisoformat(iso_date(text))
    if not MIN_DAY <= value <= MAX_DAY:
        raise ValueError(f"Ngày '{text}' phải trong khoảng {MIN_DAY.year}-{MAX_DAY.year} / date out of range")
    return value


RowId = Annotated[int, Path(ge=1, le=MAX_ROW_ID)]
Key = Annotated[str, Path(pattern=NO_NUL, max_length=120)]
RowIdQuery = Annotated[int | None, Query(ge=1, le=MAX_ROW_ID)]
IsoDate = Annotated[date, BeforeValidator(iso_date)]
Text = Annotated[str | None, Query(pattern=NO_NUL, max_length=200)]
Level = Annotated[int | None, Query(ge=0, le=MAX_LEVEL)]
StatusName = Literal[  # the engine's Status values (tests/web/test_access.py keeps them equal)
    "not_started", "in_progress", "reported", "done", "cancelled", "waived"]
StatusFilter = Literal["open", StatusName]
