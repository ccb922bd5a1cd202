"""Migration 0006 (deadlines) matches the models and downgrades to 0004 and back,
on SQLite and PostgreSQL."""
from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from sqlalchemy import inspect
from sqlmodel import SQLModel

import dondoc.store.calendar_days  # noqa: F401  (registers calendar_day)
import dondoc.store.models  # noqa: F401
import dondoc.store.outbox_models  # noqa: F401
from dondoc.store.db import MIGRATIONS

OURS = {("occurrence", "written_due"), ("plan", "deadline_on_day_off"), ("agency_tally", "awaiting"),
        ("notification", "reminded_before")}


def _alembic(conn) -> Config:  # noqa: ANN001
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["connection"] = conn
    return cfg


def columns(engine) -> set[tuple[str, str]]:
    found = inspect(engine)
    return {(t, c["name"]) for t in found.get_table_names() for c in found.get_columns(t)}


def test_after_migrating_the_deadline_columns_and_the_calendar_match_the_models(engine):
    with engine.connect() as conn:
        diffs = compare_metadata(MigrationContext.configure(conn), SQLModel.metadata)
    mine = [d for d in diffs if any(name in str(d) for name in ("calendar_day", "written_due", "deadline_on_day_off",
                                                                 "awaiting", "reminded_before"))]
    assert mine == []
    assert OURS <= columns(engine) and "calendar_day" in inspect(engine).get_table_names()


def test_0006_downgrades_to_0004_and_back(engine):
    with engine.begin() as conn:
        command.downgrade(_alembic(conn), "0004")
    assert not OURS & columns(engine) and "calendar_day" not in inspect(engine).get_table_names()
    with engine.begin() as conn:
        command.upgrade(_alembic(conn), "head")
    assert OURS <= columns(engine)
