"""`dondoc user add` and `dondoc token create` (registered with app.add_typer(web_app))."""
from __future__ import annotations

import pytest
import typer
from fastapi.testclient import TestClient
from sqlmodel import select
from typer.testing import CliRunner

from dondoc.cli.users import web_app
from dondoc.store.db import session_scope
from dondoc.web.app import create_app
from dondoc.web.models import ApiToken, User
from tests.web.conftest import NOW, load_examples, settings_for

cli = typer.Typer()
cli.add_typer(web_app)


@pytest.fixture
def db_url(sqlite_url):
    return sqlite_url


def run(db_url: str, *args: str, stdin: str | None = None):
    return CliRunner().invoke(cli, list(args), input=stdin, env={"DONDOC_DATABASE_URL": db_url})


def test_user_add_reads_the_password_from_stdin_and_stores_an_argon2_hash(engine, db_url):
    load_examples(engine)
    result = run(db_url, "user", "add", "hoa", "--role", "coordinator", "--agency", "cong-chuc-chinh-sach-thanh-linh",
                 "--password-stdin", stdin="mat-khau-rat-dai-2023\n")
    assert result.exit_code == 0, result.output
    with session_scope(engine, write=False) as s:
        user = s.exec(select(User)).one()
    assert (user.username, user.role, user.agency_id) == ("hoa", "coordinator", "cong-chuc-chinh-sach-thanh-linh")
    assert user.password_hash.startswith("$argon2id$") and "mat-khau" not in user.password_hash


def test_user_add_prompts_for_the_password_twice_without_stdin(engine, db_url):
    twice = "mat-khau-rat-dai-2023\n" * 2
    result = run(db_url, "user", "add", "lan", "--role", "admin", stdin=twice)
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize("args, message", [
    (("--role", "leader"), "Vai trò"),
    (("--role", "coordinator", "--agency", "khong-co"), "Không có cơ quan"),
])
def test_user_add_refuses_bad_input_in_vietnamese(engine, db_url, args, message):
    result = run(db_url, "user", "add", "lan", *args, "--password-stdin", stdin="mat-khau-rat-dai-2023\n")
    assert result.exit_code == 2 and message in result.output


def test_user_add_refuses_a_short_password_and_an_existing_user(engine, db_url):
    assert "ít nhất" in run(db_url, "user", "add", "lan", "--role", "admin", "--password-stdin", stdin="ngan\n").output
    run(db_url, "user", "add", "lan", "--role", "admin", "--password-stdin", stdin="mat-khau-rat-dai-2023\n")
    again = run(db_url, "user", "add", "lan", "--role", "admin", "--password-stdin", stdin="mat-khau-rat-dai-2023\n")
    assert again.exit_code == 2 and "đã có" in again.output


def test_token_create_prints_a_token_that_opens_the_api_and_stores_only_its_hash(engine, db_url):
    run(db_url, "user", "add", "lan", "--role", "admin", "--password-stdin", stdin="mat-khau-rat-dai-2023\n")
    result = run(db_url, "token", "create", "lan", "--name", "báo cáo tuần")
    token = result.output.strip()
    assert result.exit_code == 0 and token.startswith("ddk_")
    with session_scope(engine, write=False) as s:
        assert token not in s.exec(select(ApiToken)).one().token_hash
    client = TestClient(create_app(settings_for(db_url), engine, clock=lambda: NOW))
    assert client.get("/api/me", headers={"Authorization": f"Bearer {token}"}).json()["username"] == "lan"


def test_token_create_for_an_unknown_user_fails(engine, db_url):
    result = run(db_url, "token", "create", "ai-do")
    assert result.exit_code == 2 and "Không có người dùng" in result.output
