"""Migration 0007 (conversation) creates exactly what the models describe,
downgrades to 0004 and upgrades again, on SQLite and PostgreSQL; rows that
existed before read as never extended, with no reviewer comment."""
from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlmodel import SQLModel

import dondoc.store.conversation_models  # noqa: F401
import dondoc.web.models  # noqa: F401
from dondoc.store.db import MIGRATIONS

TABLES = {"extension_request", "reassignment_request", "evidence", "indicator", "indicator_value"}


def _alembic(conn) -> Config:  # noqa: ANN001
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["connection"] = conn
    return cfg


def test_after_migrating_the_conversation_schema_matches_the_models(engine):
    with engine.connect() as conn:
        diffs = compare_metadata(MigrationContext.configure(conn), SQLModel.metadata)
    ours = [d for d in diffs if any(t in str(d) for t in TABLES | {"due_as_written", "review_comment", "extensions_by"})]
    assert ours == []
    assert TABLES <= set(inspect(engine).get_table_names())


def test_0007_downgrades_to_0004_and_back_keeping_existing_rows(engine):
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO agency (id, name, level, email, emails, aliases, language, active) "
                          "VALUES ('a', 'A', 'unit', 'a@x.vn', '[]', '[]', 'vi', true)"))
        command.downgrade(_alembic(conn), "0004")
    names = set(inspect(engine).get_table_names())
    assert not TABLES & names
    assert "due_as_written" not in {c["name"] for c in inspect(engine).get_columns("occurrence")}
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO plan (id, number, title, issued_by, issued_on, focal_id, escalation, reporting, "
                          "starts_on, ends_on, source, warnings, active) VALUES ('p', '1', 'P', 'a', '2023-01-01', "
                          "'a', 'default', '[]', '2023-01-01', '2023-12-31', '', '[]', true)"))
        command.upgrade(_alembic(conn), "head")
    assert TABLES <= set(inspect(engine).get_table_names())
    with engine.connect() as conn:
        assert conn.execute(text("SELECT extensions_by FROM plan WHERE id = 'p'")).scalar() == "focal"
