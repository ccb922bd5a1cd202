"""Read-only commands check the schema version instead of migrating: on a database
that was never initialised they ask for `dondoc init` and create nothing."""
from __future__ import annotations

from sqlalchemy import inspect
from typer.testing import CliRunner

from dondoc.cli.main import app, register
from dondoc.store.db import get_engine

READ_ONLY = (["tasks"], ["report", "overdue", "--as-of", "2023-07-15"], ["status"], ["outbox"])


def test_read_only_commands_on_an_empty_database_ask_for_init_and_create_nothing(tmp_path):
    register()
    url = f"sqlite:///{tmp_path / 'empty.db'}"
    for argv in READ_ONLY:
        result = CliRunner().invoke(app, argv, env={"DONDOC_DATABASE_URL": url})
        assert result.exit_code == 2, (argv, result.output)
        assert "dondoc init" in result.output and "Traceback" not in result.output
    assert inspect(get_engine(url)).get_table_names() == []


def test_after_init_the_same_commands_answer(tmp_path):
    register()
    env = {"DONDOC_DATABASE_URL": f"sqlite:///{tmp_path / 'db.db'}"}
    assert CliRunner().invoke(app, ["init"], env=env).exit_code == 0
    for argv in READ_ONLY:
        result = CliRunner().invoke(app, argv, env=env)
        assert result.exit_code == 0, (argv, result.output)
