"""Migration 0003 creates exactly the web tables the models describe."""
from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from sqlalchemy import inspect
from sqlmodel import SQLModel

import dondoc.web.models  # noqa: F401
from dondoc.store.db import MIGRATIONS


def _alembic(conn) -> Config:  # noqa: ANN001
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["connection"] = conn
    return cfg


def test_after_migrating_the_web_tables_match_the_models(engine):
    with engine.connect() as conn:
        diffs = compare_metadata(MigrationContext.configure(conn), SQLModel.metadata)
    web = [d for d in diffs if "user" in str(d) or "apitoken" in str(d)]
    assert web == []
    assert {"user", "apitoken"} <= set(inspect(engine).get_table_names())


def test_0003_downgrades_to_0002_and_back(engine):
    with engine.begin() as conn:
        command.downgrade(_alembic(conn), "0002")
    assert "user" not in inspect(engine).get_table_names()
    with engine.begin() as conn:
        command.upgrade(_alembic(conn), "head")
    assert "apitoken" in inspect(engine).get_table_names()
