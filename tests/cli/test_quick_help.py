"""`dondoc --help` and `dondoc <cmd> --help` import no database, web or Prefect
module, so the command answers at once; read-only commands do not migrate."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

HEAVY = ("sqlalchemy", "sqlmodel", "fastapi", "starlette", "prefect", "uvicorn", "alembic", "apscheduler",
         "aiosmtplib", "openpyxl", "docx", "psycopg")
PROBE = """
import json, sys
from dondoc.cli import main
sys.argv = ["dondoc", *json.loads(sys.argv[1])]
try:
    main()
except SystemExit:
    pass
sys.stdout.flush()
print("\\nMODULES:" + json.dumps(sorted({m.split(".")[0] for m in sys.modules})))
"""


def modules_loaded_by(argv: list[str]) -> set[str]:
    done = subprocess.run([sys.executable, "-c", PROBE, json.dumps(argv)], capture_output=True, text=True, timeout=60)
    line = next(line for line in done.stdout.splitlines() if line.startswith("MODULES:"))
    return set(json.loads(line.removeprefix("MODULES:")))


def commands() -> list[list[str]]:
    from dondoc.cli.main import app, register

    register()
    import typer.main

    group = typer.main.get_command(app)
    found = []
    for name, command in group.commands.items():  # type: ignore[attr-defined]
        subs = getattr(command, "commands", None)
        found += [[name, sub, "--help"] for sub in subs] if subs else [[name, "--help"]]
    return found


def test_the_top_level_help_imports_no_database_web_or_prefect_module():
    assert not modules_loaded_by(["--help"]) & set(HEAVY)


@pytest.mark.parametrize("argv", commands(), ids=lambda a: " ".join(a[:-1]))
def test_every_commands_help_imports_no_database_web_or_prefect_module(argv):
    assert not modules_loaded_by(argv) & set(HEAVY)
