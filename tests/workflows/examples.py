"""The example plans loaded into a database, and the outbox read back for comparison."""
from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.engine import Engine

from dondoc import clock
from dondoc.config.reader import read_config
from dondoc.engine.calendar import CalendarDecisions, WorkCalendar
from dondoc.settings import Settings
from dondoc.store.db import get_engine, migrate, session_scope
from dondoc.store.loader import apply_config
from dondoc.store.outbox_models import Email, Notification
from dondoc.workflows.jobs import Runtime, run_sweep
from tests.conftest import CONFIG

LOADED_AT = datetime(2023, 5, 20, 1, 0, tzinfo=UTC)
NOW = "2023-06-01T07:30"  # a Thursday morning in Asia/Ho_Chi_Minh, two weeks after loading


def example_database(url: str) -> Engine:
    engine = get_engine(url)
    migrate(engine)
    with session_scope(engine) as s:
        apply_config(s, read_config([CONFIG]), now=LOADED_AT, calendar=WorkCalendar(CalendarDecisions()))
    return engine


def plain_sweep(url: str) -> Engine:
    """The example database swept once by the plain function, as `dondoc check` does."""
    engine = example_database(url)
    run_sweep(engine, Runtime.from_settings(Settings(database_url=url)), now=clock.parse_now(NOW))
    return engine


def outbox(engine: Engine) -> tuple[list[str], list[tuple[str, list[str]]]]:
    """Notification keys, and each email's recipient and addresses (email keys hash row ids)."""
    with session_scope(engine, write=False) as s:
        keys = sorted(s.execute(select(Notification.key)).scalars())
        emails = sorted((e.recipient, e.to_addrs) for e in s.execute(select(Email)).scalars())
    return keys, emails
