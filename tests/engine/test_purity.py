"""The pure core imports nothing from the database, SMTP, scheduler, web or settings."""
import ast
from pathlib import Path

import pytest

ENGINE = Path(__file__).resolve().parents[2] / "dondoc" / "engine"
PURE = ["timeframes", "schedule", "calendar", "lifecycle", "escalation", "recipients", "config_schema"]
FORBIDDEN = ("sqlalchemy", "sqlmodel", "aiosmtplib", "aiosmtpd", "apscheduler", "prefect", "fastapi", "dondoc.settings",
             "dondoc.engine.db", "dondoc.engine.models", "dondoc.web", "dondoc.workflows", "dondoc.clock", "smtplib")


def imports(module: str) -> set[str]:
    tree = ast.parse((ENGINE / f"{module}.py").read_text(encoding="utf-8"))
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            out.add(node.module)
    return out


@pytest.mark.parametrize("module", PURE)
def test_pure_modules_import_no_io(module):
    bad = {i for i in imports(module) if i.startswith(FORBIDDEN)}
    assert not bad, f"{module} imports {bad}"


@pytest.mark.parametrize("module", PURE)
def test_pure_modules_never_read_the_clock(module):
    source = (ENGINE / f"{module}.py").read_text(encoding="utf-8")
    for call in ("datetime.now(", "date.today(", "time.time(", "datetime.utcnow("):
        assert call not in source, f"{module} calls {call}"
