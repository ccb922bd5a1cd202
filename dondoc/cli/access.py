"""Revoking and restoring access from the command line: `dondoc user
list|passwd|disable|enable`, `dondoc token list|revoke`, `dondoc agency
revoke-links ID`. Each change writes an audit Event (actor kind 'cli')."""
from __future__ import annotations

import getpass
import json
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated, Any

import typer

from dondoc.cli.app import fail, open_engine, out
from dondoc.cli.users import STDIN_HELP, _password, token_app, user_app

if TYPE_CHECKING:
    from dondoc.web import access

agency_app = typer.Typer(help="Cơ quan: thu hồi liên kết / agencies: revoke links", no_args_is_help=True)
USER = Annotated[str, typer.Argument(help="Tên đăng nhập / username")]


def _actor() -> access.Actor:
    from dondoc.web import access

    try:
        name = getpass.getuser()
    except (KeyError, OSError):
        name = "?"
    return access.Actor("cli", f"cli:{name}")


def _change(action: Callable[..., Any], **kwargs: Any) -> Any:
    """Run one change in a transaction; a UserError is one line and exit 2."""
    from dondoc import clock
    from dondoc.store.db import session_scope
    from dondoc.web.users import UserError

    try:
        with session_scope(open_engine()) as session:
            return action(session, by=_actor(), now=clock.now(), **kwargs)
    except UserError as exc:
        fail(str(exc))


def _show(rows: list[dict], headers: dict[str, str], as_json: bool) -> None:
    from rich.table import Table

    if as_json:
        sys.stdout.write(json.dumps(rows, ensure_ascii=False, default=str) + "\n")
        return
    table = Table(*headers.values())
    for r in rows:
        table.add_row(*[_cell(r[k]) for k in headers])
    out.print(table)


def _cell(value: Any) -> str:
    if isinstance(value, bool):
        return "có / yes" if value else "không / no"
    return value.strftime("%d/%m/%Y %H:%M") if hasattr(value, "strftime") else str(value)


@user_app.command("list")
def user_list(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Danh sách người dùng / list users (role, agency, active, open sessions)."""
    from dondoc import clock
    from dondoc.store.db import session_scope
    from dondoc.web import access

    with session_scope(open_engine(), write=False) as session:
        rows = access.users_overview(session, now=clock.now())
    _show(rows, {"username": "Tên đăng nhập", "role": "Vai trò", "agency": "Cơ quan", "active": "Hoạt động",
                 "sessions": "Phiên mở", "created_at": "Tạo lúc"}, as_json)


@user_app.command("passwd")
def user_passwd(username: USER,
                password_stdin: Annotated[bool, typer.Option("--password-stdin", help=STDIN_HELP)] = False) -> None:
    """Đổi mật khẩu; mọi phiên đăng nhập của người dùng kết thúc / change a password, ending every session."""
    from dondoc.web import access

    ended = _change(access.set_password, username=username, password=_password(password_stdin))
    typer.echo(f"Đã đổi mật khẩu của {username}; {ended} phiên kết thúc / password changed, {ended} sessions ended")


@user_app.command("disable")
def user_disable(username: USER) -> None:
    """Khóa người dùng: phiên và mã truy cập thôi hiệu lực / disable a user (sessions end, tokens stop)."""
    from dondoc.web import access

    ended = _change(access.set_active, username=username, active=False)
    typer.echo(f"Đã khóa {username}; {ended} phiên kết thúc / user disabled, {ended} sessions ended")


@user_app.command("enable")
def user_enable(username: USER) -> None:
    """Mở khóa người dùng / enable a user."""
    from dondoc.web import access

    _change(access.set_active, username=username, active=True)
    typer.echo(f"Đã mở khóa {username} / user enabled")


@token_app.command("list")
def token_list(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Danh sách mã truy cập API (không hiện mã) / list API tokens (never the token itself)."""
    from dondoc.store.db import session_scope
    from dondoc.web import access

    with session_scope(open_engine(), write=False) as session:
        rows = access.tokens_overview(session)
    _show(rows, {"id": "#", "user": "Người dùng", "name": "Ghi chú", "created_at": "Tạo lúc", "revoked": "Đã thu hồi"},
          as_json)


@token_app.command("revoke")
def token_revoke(token_id: Annotated[int, typer.Argument(help="Số # trong `dondoc token list`", min=1,
                                                         max=2**31 - 1)]) -> None:
    """Thu hồi một mã truy cập API / revoke an API token."""
    from dondoc.web import access

    _change(access.revoke_token, token_id=token_id)
    typer.echo(f"Đã thu hồi mã #{token_id} / token revoked")


@agency_app.command("revoke-links")
def agency_revoke_links(agency_id: Annotated[str, typer.Argument(help="Mã cơ quan / agency id")]) -> None:
    """Thu hồi mọi liên kết đã gửi cho cơ quan (mở ra trang 410) / revoke every link sent to an agency."""
    from dondoc.web import access

    version = _change(access.revoke_links, agency_id=agency_id)
    typer.echo(f"Đã thu hồi liên kết của {agency_id} (phiên bản {version}); thư nhắc sau sẽ có liên kết mới "
               f"/ links revoked, the next reminders carry new ones")
