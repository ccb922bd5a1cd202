"""The `dondoc` Typer application and what every command shares: the output
consoles, the one-line failure, and settings and database read at the edge.

Nothing heavy is imported at module level, so `dondoc --help` stays fast; the
database modules are imported by `open_engine` when a command needs them.
"""
from __future__ import annotations

import os
import sys
from datetime import date, datetime
from enum import Enum
from typing import TYPE_CHECKING, NoReturn

import typer
from rich.console import Console

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

    from dondoc.settings import Settings

app = typer.Typer(help="dondoc — theo dõi, đôn đốc thực hiện kế hoạch / plan tracking and follow-up.",
                  no_args_is_help=True, pretty_exceptions_enable=False)
report_app = typer.Typer(help="Báo cáo / reports", no_args_is_help=True)
app.add_typer(report_app, name="report")
out = Console(soft_wrap=True, width=None if sys.stdout.isatty() else 160)
err = Console(stderr=True, soft_wrap=True)


class Format(str, Enum):
    table = "table"
    json = "json"
    csv = "csv"


# Dates a command accepts: the sweep and the calendar compute weeks on either side, so 9999-12-31 would overflow.
MIN_DAY, MAX_DAY = date(2000, 1, 1), date(2100, 12, 31)


def read_settings() -> Settings:
    from dondoc.settings import SettingsError, load_settings

    try:
        return load_settings()
    except SettingsError as exc:
        fail(str(exc))


def when(text: str | None, option: str = "--now") -> datetime:
    """An ISO date or date-time option (local time if naive) -> aware UTC; one line and exit 2 otherwise."""
    from dondoc import clock

    if not text:
        return clock.now()
    try:
        value = clock.parse_now(text)
    except (ValueError, OverflowError):
        fail(f"{option} '{text}': cần dạng YYYY-MM-DD hoặc YYYY-MM-DDTHH:MM / expected an ISO date such as 2023-07-03")
    if not MIN_DAY <= value.date() <= MAX_DAY:
        fail(f"{option} '{text}': ngày phải trong khoảng {MIN_DAY.year}-{MAX_DAY.year} / date out of range")
    return value


def iso_day(text: str | None, option: str) -> date | None:
    """An ISO date option (YYYY-MM-DD) within MIN_DAY..MAX_DAY, or None."""
    if not text:
        return None
    try:
        value = date.fromisoformat(text)
    except ValueError:
        fail(f"{option} '{text}': cần dạng YYYY-MM-DD / expected YYYY-MM-DD")
    if not MIN_DAY <= value <= MAX_DAY:
        fail(f"{option} '{text}': ngày phải trong khoảng {MIN_DAY.year}-{MAX_DAY.year} / date out of range")
    return value


def choice(value: str | None, allowed: tuple[str, ...], option: str) -> str | None:
    if value is not None and value not in allowed:
        fail(f"{option} '{value}': phải là {' | '.join(allowed)} / must be one of {', '.join(allowed)}")
    return value


def open_engine(current: Settings | None = None, *, read_only: bool = False) -> Engine:
    """The database engine, migrated to the latest schema; a read-only command
    only checks the schema version and asks for `dondoc init` when it is behind."""
    from dondoc.store.db import get_engine, migrate, schema_revisions

    engine = get_engine((current or read_settings()).database_url)
    if not read_only:
        migrate(engine)
        return engine
    have, want = schema_revisions(engine)
    if have != want:
        fail(f"Cơ sở dữ liệu chưa ở phiên bản mới nhất ({have or 'trống'}, cần {want}): hãy chạy `dondoc init` / "
             f"the database schema is behind ({have or 'empty'}, needs {want}): run `dondoc init`")
    return engine


def fail(message: str, code: int = 2) -> NoReturn:
    err.print(message, markup=False, highlight=False)
    raise typer.Exit(code)


def run(argv: list[str] | None = None) -> int:
    """Run the command; whatever goes wrong, one bilingual line (no traceback) and an exit code:
    2 for bad arguments, 1 for an unexpected failure (DONDOC_DEBUG=1 shows the traceback)."""
    try:  # Typer >= 0.29 carries its own copy of click
        from typer._click import exceptions as click
    except ImportError:  # pragma: no cover
        from click import exceptions as click  # type: ignore[no-redef]

    try:
        code = app(args=argv, standalone_mode=False)
    except click.NoArgsIsHelpError as exc:
        out.print(exc.ctx.get_help() if exc.ctx else "", markup=False, highlight=False)
        return 0
    except click.UsageError as exc:
        err.print(f"Lệnh không hợp lệ / bad arguments: {exc.format_message()}"
                  f"{' (' + exc.ctx.command_path + ' --help)' if exc.ctx else ''}", markup=False, highlight=False)
        return 2
    except click.ClickException as exc:
        err.print(f"Lỗi / error: {exc.format_message()}", markup=False, highlight=False)
        return exc.exit_code
    except (typer.Abort, KeyboardInterrupt, EOFError):
        err.print("Đã hủy / aborted", markup=False, highlight=False)
        return 1
    except Exception as exc:  # noqa: BLE001  (the last line of defence: users never see a traceback)
        if os.environ.get("DONDOC_DEBUG"):
            raise
        err.print(f"Lỗi không mong đợi / unexpected error: {type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"
                  " (DONDOC_DEBUG=1 để xem chi tiết / for details)", markup=False, highlight=False)
        return 1
    return code if isinstance(code, int) else 0
