"""Alembic environment: uses the connection dondoc passes in, or DONDOC_DATABASE_URL."""
from __future__ import annotations

import os

from alembic import context
from sqlmodel import SQLModel

import dondoc.store.calendar_days  # noqa: F401
import dondoc.store.conversation_models  # noqa: F401
import dondoc.store.models  # noqa: F401  (registers tables)
import dondoc.store.outbox_models  # noqa: F401
import dondoc.web.access_models  # noqa: F401
import dondoc.web.models  # noqa: F401
import dondoc.workflows.models  # noqa: F401
from dondoc.store.db import get_engine

target_metadata = SQLModel.metadata


def run() -> None:
    connection = context.config.attributes.get("connection")
    if connection is None:
        engine = get_engine(os.environ.get("DONDOC_DATABASE_URL", "sqlite:///dondoc.db"))
        with engine.begin() as conn:
            _configure_and_run(conn)
    else:
        _configure_and_run(connection)


def _configure_and_run(connection) -> None:  # noqa: ANN001
    context.configure(connection=connection, target_metadata=target_metadata,
                      render_as_batch=connection.dialect.name == "sqlite")
    with context.begin_transaction():
        context.run_migrations()


run()
