"""Errors of store operations that the edges (pages, API, CLI) turn into answers."""
from __future__ import annotations


class NotFound(LookupError):
    """Missing, or not yours: the same answer, so nothing leaks."""


class ActionError(ValueError):
    """Bad input; the message is Vietnamese first, then English."""


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
