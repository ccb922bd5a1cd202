"""The layout says who may touch what: the pure core imports no I/O, and no
module of dondoc imports itself back through others (no import circle)."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "dondoc"
ENGINE = PACKAGE / "engine"
FORBIDDEN = ("sqlalchemy", "sqlmodel", "pydantic", "yaml", "aiosmtplib", "aiosmtpd", "apscheduler", "prefect",
             "fastapi", "smtplib", "socket", "urllib", "httpx", "dondoc.settings", "dondoc.store", "dondoc.web",
             "dondoc.workflows", "dondoc.notifications", "dondoc.importer", "dondoc.config", "dondoc.cli",
             "dondoc.clock")
CLOCK_CALLS = ("datetime.now(", "date.today(", "time.time(", "datetime.utcnow(", "time.monotonic(")


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path) -> set[str]:
    """Every module a file imports, at any depth (function-local imports count too)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found |= {f"{node.module}.{a.name}" for a in node.names}
    return found


def graph() -> dict[str, set[str]]:
    files = {module_name(p): p for p in PACKAGE.rglob("*.py") if "migrations" not in p.parts}
    return {name: {i for i in imports_of(path) if i in files and i != name} for name, path in files.items()}


ENGINE_FILES = sorted(ENGINE.rglob("*.py"))


@pytest.mark.parametrize("path", ENGINE_FILES, ids=lambda p: p.name)
def test_the_pure_core_imports_no_database_network_settings_or_edge(path):
    bad = {i for i in imports_of(path) if i.startswith(FORBIDDEN)}
    assert not bad, f"{path.name} imports {sorted(bad)}"


@pytest.mark.parametrize("path", ENGINE_FILES, ids=lambda p: p.name)
def test_the_pure_core_never_reads_the_clock(path):
    source = path.read_text(encoding="utf-8")
    assert not [c for c in CLOCK_CALLS if c in source]


def test_no_module_imports_itself_back_through_others():
    edges = graph()
    # Package faces (__init__ re-exporting children) are not circles of design.
    for name, targets in edges.items():
        edges[name] = {t for t in targets if not t.startswith(name + ".") and not name.startswith(t + ".")}
    circles = []
    state: dict[str, int] = {}

    def visit(node: str, stack: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(edges[node]):
            if state.get(nxt) == 1:
                circles.append(stack[stack.index(nxt):] + [nxt])
            elif nxt not in state:
                visit(nxt, stack + [nxt])
        state[node] = 2

    for start in sorted(edges):
        if start not in state:
            visit(start, [start])
    assert not circles, "import circles: " + "; ".join(" -> ".join(c) for c in circles)
