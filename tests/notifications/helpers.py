"""Shared setup for email tests: the An Bình personas loaded, a runtime
pointed at the test SMTP server."""
from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, datetime

from dondoc.config.reader import read_config
from dondoc.engine.calendar import CalendarDecisions, WorkCalendar
from dondoc.notifications.compose import MailContext
from dondoc.notifications.sender import SendPolicy, SmtpConfig
from dondoc.store.db import session_scope
from dondoc.store.loader import apply_config
from dondoc.workflows.jobs import Runtime

LOADED_AT = datetime(2023, 3, 1, 1, 0, tzinfo=UTC)
SECRET = "test-secret"
BASE_URL = "http://127.0.0.1:8000"


def load(engine, folder):
    with session_scope(engine) as s:
        apply_config(s, read_config([folder]), now=LOADED_AT, calendar=WorkCalendar(CalendarDecisions()))


def runtime(port: int, **send) -> Runtime:
    return Runtime(smtp=SmtpConfig(host="127.0.0.1", port=port, mail_from="Hệ thống dondoc <dondoc@anphu.example.vn>"),
                   send=replace(SendPolicy(concurrency=4, rate_per_s=0, backoff_s=60), **send),
                   mail=MailContext(base_url=BASE_URL, secret=SECRET), admins=("admin@anphu.example.vn",),
                   dashboard_url=BASE_URL + "/dashboard")


def local(text: str) -> datetime:
    """A wall-clock time in Hà Nội -> aware UTC."""
    from dondoc.clock import parse_now

    return parse_now(text)


def text_part(msg) -> str:  # noqa: ANN001
    return msg.get_body(preferencelist=("plain",)).get_content()


def html_part(msg) -> str:  # noqa: ANN001
    return msg.get_body(preferencelist=("html",)).get_content()


def link_in(msg) -> str:  # noqa: ANN001
    return re.search(r"http://\S+/r/\S+", text_part(msg)).group(0)
