"""Migration 0005 creates exactly the access tables the models describe, and
downgrades to 0004 and back, on SQLite and PostgreSQL."""
from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect
from sqlmodel import SQLModel

import dondoc.web.access_models  # noqa: F401
from tests.web.test_migration import _alembic

TABLES = {"web_session", "agency_links"}


def test_after_migrating_the_access_tables_match_the_models(engine):
    with engine.connect() as conn:
        diffs = compare_metadata(MigrationContext.configure(conn), SQLModel.metadata)
    assert [d for d in diffs if any(t in str(d) for t in TABLES)] == []
    assert TABLES <= set(inspect(engine).get_table_names())


def test_0005_downgrades_to_0004_and_back(engine):
    with engine.begin() as conn:
        command.downgrade(_alembic(conn), "0004")
    assert not TABLES & set(inspect(engine).get_table_names())
    with engine.begin() as conn:
        command.upgrade(_alembic(conn), "head")
    assert TABLES <= set(inspect(engine).get_table_names())
