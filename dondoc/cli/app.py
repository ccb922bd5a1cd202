"""The `dondoc` Typer application and what every command shares: the output
consoles, the one-line failure, and settings and database read at the edge.

Nothing heavy is imported at module level, so `dondoc --help` stays fast; the
database modules are imported by `open_engine` when a command needs them.
"""
from __future__ import annotations

import sys
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


def read_settings() -> Settings:
    from dondoc.settings import load_settings

    return load_settings()


def open_engine(current: Settings | None = None) -> Engine:
    """The database engine, migrated to the latest schema."""
    from dondoc.store.db import get_engine, migrate

    engine = get_engine((current or read_settings()).database_url)
    migrate(engine)
    return engine


def fail(message: str, code: int = 2) -> NoReturn:
    err.print(message, markup=False, highlight=False)
    raise typer.Exit(code)
