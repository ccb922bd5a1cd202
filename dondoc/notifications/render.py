"""One pure render function for every email: templates/{lang}/{kind}.subject|txt|html.

StrictUndefined catches a missing variable; HTML is autoescaped, text is not
(it is plain text). Subjects are collapsed to one line so no CR/LF can reach a header.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from dondoc.engine.calendar import format_vi, weekday_vi

TEMPLATES = Path(__file__).resolve().parent / "templates"
LANGUAGES = ("vi", "en")
KINDS = ("due_soon", "overdue", "escalated", "digest", "weekly_summary", "reported", "compiled_draft",
         "extension", "reassignment", "sent_back", "link")  # the last four: dondoc.notifications.chain
_WEEKDAY_EN = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    html: str


def one_line(text: str) -> str:
    """Header-safe: no CR/LF or other control characters, spaces collapsed."""
    return re.sub(r"\s+", " ", re.sub(r"[\x00-\x1f\x7f]", " ", text)).strip()


def _date_long(value: date | None, lang: str = "vi") -> str:
    if value is None:
        return ""
    if lang == "en":
        return f"{_WEEKDAY_EN[value.weekday()]} {format_vi(value)}"
    return f"{weekday_vi(value)}, {format_vi(value)}"


@lru_cache(maxsize=4)
def environment(html: bool) -> Environment:
    env = Environment(loader=FileSystemLoader(str(TEMPLATES)), undefined=StrictUndefined,
                      autoescape=select_autoescape(enabled_extensions=("html",), default_for_string=False) if html else False,
                      trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
    env.filters["vi_date"] = format_vi
    env.filters["long_date"] = _date_long
    return env


def render(kind: str, lang: str, context: dict[str, Any]) -> Rendered:
    if kind not in KINDS:
        raise ValueError(f"unknown email kind {kind!r}")
    lang = lang if lang in LANGUAGES else "vi"
    ctx = {"lang": lang, **context}
    subject = environment(False).get_template(f"{lang}/{kind}.subject").render(ctx)
    text = environment(False).get_template(f"{lang}/{kind}.txt").render(ctx)
    html = environment(True).get_template(f"{lang}/{kind}.html").render(ctx)
    return Rendered(one_line(subject), text, html)
