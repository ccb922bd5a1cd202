"""Commands for web accounts: `dondoc user add` and `dondoc token create`.
Register with `app.add_typer(web_app)` (no name: the groups join the top level)."""
from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Annotated, NoReturn, Optional

import typer

from dondoc.cli.app import fail, open_engine

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

AGENCY_HELP = "Mã cơ quan mà điều phối viên đại diện / the agency a coordinator acts for"
STDIN_HELP = "Đọc mật khẩu từ stdin / read the password from stdin"
web_app = typer.Typer(no_args_is_help=True)
user_app = typer.Typer(help="Người dùng trang quản trị / web users", no_args_is_help=True)
token_app = typer.Typer(help="Mã truy cập API / API tokens", no_args_is_help=True)
web_app.add_typer(user_app, name="user")
web_app.add_typer(token_app, name="token")


def _engine() -> Engine:
    return open_engine()


def _fail(message: str) -> NoReturn:
    fail(message)


def _password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return typer.prompt("Mật khẩu / password", hide_input=True, confirmation_prompt=True)


@user_app.command("add")
def user_add(username: Annotated[str, typer.Argument(help="Tên đăng nhập / username")],
             role: Annotated[str, typer.Option(help="admin | coordinator")],
             agency: Annotated[Optional[str], typer.Option(help=AGENCY_HELP)] = None,
             password_stdin: Annotated[bool, typer.Option("--password-stdin", help=STDIN_HELP)] = False) -> None:
    """Tạo người dùng (mật khẩu băm argon2) / create a user."""
    from dondoc import clock
    from dondoc.store.db import session_scope
    from dondoc.web.users import UserError, create_user

    password = _password(password_stdin)
    try:
        with session_scope(_engine()) as session:
            user = create_user(session, username=username, password=password, role=role, agency_id=agency,
                               now=clock.now())
            summary = f"{user.username} ({user.role}{', ' + user.agency_id if user.agency_id else ''})"
    except UserError as exc:
        _fail(str(exc))
    typer.echo(f"Đã tạo người dùng / user created: {summary}")


@token_app.command("create")
def token_create(username: Annotated[str, typer.Argument(help="Tên đăng nhập / username")],
                 name: Annotated[str, typer.Option(help="Ghi chú cho mã / a label")] = "") -> None:
    """Tạo mã truy cập API (chỉ hiện một lần) / create an API token (shown once)."""
    from dondoc import clock
    from dondoc.store.db import session_scope
    from dondoc.web.users import UserError, create_token

    try:
        with session_scope(_engine()) as session:
            token = create_token(session, username=username, now=clock.now(), name=name)
    except UserError as exc:
        _fail(str(exc))
    typer.echo(token)
