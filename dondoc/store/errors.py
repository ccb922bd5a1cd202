"""Errors of store operations that the edges (pages, API, CLI) turn into answers."""
from __future__ import annotations

from dondoc.engine.lifecycle import TransitionError


class NotFound(LookupError):
    """Missing, or not yours: the same answer, so nothing leaks."""


class ActionError(ValueError):
    """Bad input; the message is Vietnamese first, then English."""


class Conflict(TransitionError):
    """Well-formed, but refused in the item's present state (a date not after its
    deadline, an agency not in the directory): 409, like an illegal transition."""


class BadFile(ActionError):
    """The file's content is none of the accepted kinds (415)."""


MAX_NOTE = 2000


def clean_text(value: str | None, *, what: str, required: bool = False, limit: int = MAX_NOTE) -> str:
    """Trimmed text without NUL, at most `limit` characters; `what` names the field (Vietnamese / English)."""
    text = (value or "").strip()
    if "\x00" in text:
        raise ActionError(f"{what}: có ký tự không hợp lệ (NUL) / contains a NUL character")
    if len(text) > limit:
        raise ActionError(f"{what}: dài quá {limit} ký tự / longer than {limit} characters")
    if required and not text:
        raise ActionError(f"{what}: bắt buộc, chưa điền / required")
    return text
