"""Shared fixtures: databases (SQLite always, PostgreSQL when reachable or in
CI), a real SMTP server (aiosmtpd on 127.0.0.1), and the example config."""
from __future__ import annotations

import atexit
import functools
import os
import shutil
import socket
import tempfile
import threading
import uuid
from contextlib import contextmanager
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import create_engine, text

from dondoc.store.db import get_engine, migrate

ROOT = Path(__file__).resolve().parent.parent
CONFIG = ROOT / "config"
PLANS = ROOT.parent / "shared" / "plans"
PG_URL = os.environ.get("DONDOC_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def pg_available() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 5432), timeout=1):
            return True
    except OSError:
        return False


def _admin():  # noqa: ANN202
    return create_engine(PG_URL, isolation_level="AUTOCOMMIT")


@functools.cache
def _pg_template() -> str:
    """One migrated PostgreSQL database per session, copied for each test
    (CREATE DATABASE ... TEMPLATE is a file copy: no migration per test)."""
    name = f"dondoc_tpl_{uuid.uuid4().hex[:12]}"
    admin = _admin()
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    url = PG_URL.rsplit("/", 1)[0] + "/" + name
    engine = get_engine(url)
    migrate(engine)
    engine.dispose()
    atexit.register(_drop_database, name)
    return name


@functools.cache
def _sqlite_template() -> Path:
    """One migrated SQLite file per session, copied for each test."""
    path = Path(tempfile.mkdtemp(prefix="dondoc-tpl-")) / "template.db"
    engine = get_engine(f"sqlite:///{path}")
    migrate(engine)
    engine.dispose()
    atexit.register(shutil.rmtree, path.parent, ignore_errors=True)
    return path


def _fresh_pg_database(*, migrated: bool = True) -> str:
    """A new database per test, dropped by the fixture afterwards: a copy of the session's migrated template,
    or empty."""
    name = f"dondoc_t_{uuid.uuid4().hex[:12]}"
    template = f' TEMPLATE "{_pg_template()}"' if migrated else ""
    admin = _admin()
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"{template}'))
    admin.dispose()
    return PG_URL.rsplit("/", 1)[0] + "/" + name


def _drop_database(name: str) -> None:
    admin = _admin()
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _drop_pg_database(url: str) -> None:
    get_engine(url).dispose()
    _drop_database(url.rsplit("/", 1)[1])


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request, tmp_path) -> str:
    """A migrated database at the latest schema: SQLite always, PostgreSQL when reachable (required in CI)."""
    if request.param == "sqlite":
        path = tmp_path / "dondoc.db"
        shutil.copyfile(_sqlite_template(), path)
        yield f"sqlite:///{path}"
        get_engine(f"sqlite:///{path}").dispose()
        return
    if not pg_available():
        if os.environ.get("CI"):
            pytest.fail("PostgreSQL must be reachable on 127.0.0.1:5432 in CI")
        pytest.skip("PostgreSQL not reachable on 127.0.0.1:5432")
    url = _fresh_pg_database()
    yield url
    _drop_pg_database(url)


@pytest.fixture
def pg_url() -> str:
    """A fresh, empty PostgreSQL database for tests that only make sense there."""
    if not pg_available():
        if os.environ.get("CI"):
            pytest.fail("PostgreSQL must be reachable on 127.0.0.1:5432 in CI")
        pytest.skip("PostgreSQL not reachable on 127.0.0.1:5432")
    url = _fresh_pg_database(migrated=False)
    yield url
    _drop_pg_database(url)


@pytest.fixture
def sqlite_url(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'dondoc.db'}"


@pytest.fixture
def engine(db_url):
    eng = get_engine(db_url)
    migrate(eng)
    return eng


class Inbox:
    """Messages a real aiosmtpd server received, parsed."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.envelopes: list[tuple[str, list[str]]] = []
        self.lock = threading.Lock()
        self.reject: set[str] = set()
        self.fail_data_with: str | None = None

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: ANN001, N802
        if address in self.reject:
            return "550 5.1.1 No such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: ANN001, N802
        if self.fail_data_with:
            return self.fail_data_with
        msg = message_from_bytes(envelope.original_content or envelope.content, policy=policy.default)
        with self.lock:
            self.messages.append(msg)
            self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        return "250 Message accepted"

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if address in str(m["To"])]

    def message_ids(self) -> list[str]:
        return [str(m["Message-ID"]) for m in self.messages]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def running(handler):  # noqa: ANN001, ANN201
    """An aiosmtpd server with `handler` on a free 127.0.0.1 port (set as
    handler.port), stopped afterwards."""
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    handler.port = port
    try:
        yield handler
    finally:
        controller.stop()


@pytest.fixture
def smtp_server():
    with running(Inbox()) as inbox:
        yield inbox
