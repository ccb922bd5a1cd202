"""Web fixtures: the example plans loaded, three personas, an app with a
frozen clock, and clients that log in the way a browser does."""
from __future__ import annotations

import re
from datetime import UTC, datetime
from functools import lru_cache

import pytest
from fastapi.testclient import TestClient
from sqlmodel import select

from dondoc.config.reader import read_config
from dondoc.engine.calendar import CalendarDecisions, WorkCalendar
from dondoc.settings import Settings
from dondoc.store.db import session_scope
from dondoc.store.loader import apply_config
from dondoc.store.models import Occurrence, Task
from dondoc.store.status import Actor, set_status
from dondoc.web.app import create_app
from dondoc.web.models import User
from dondoc.web.security import hash_password
from dondoc.web.users import create_token
from tests.conftest import CONFIG

LOADED_AT = datetime(2023, 5, 20, 1, 0, tzinfo=UTC)
NOW = datetime(2023, 6, 1, 2, 0, tzinfo=UTC)  # 09:00 on 1 June 2023 in Vietnam
SECRET = "test-secret-for-the-web-suite"
PASSWORD = "mat-khau-du-dai-2023"
COMMUNE = "thanh-linh-2023-tre-em"
PROVINCE = "nghe-an-2021-192"
# Personas: Lan is the admin at the People's Committee office; Hoa is the
# commune's social-policy official (focal of the commune plan); Minh works at
# the provincial Department of Labour (focal of the province plan).
PERSONAS = {"lan": ("admin", None), "hoa": ("coordinator", "cong-chuc-chinh-sach-thanh-linh"),
            "minh": ("coordinator", "so-ldtbxh-nghe-an")}


def load_examples(engine) -> None:
    with session_scope(engine) as s:
        apply_config(s, read_config([CONFIG]), now=LOADED_AT, calendar=WorkCalendar(CalendarDecisions()))


@lru_cache(maxsize=1)
def password_hash() -> str:
    """Hashed once per run: argon2 is slow on purpose."""
    return hash_password(PASSWORD)


def add_personas(engine, names: tuple[str, ...] = tuple(PERSONAS)) -> None:
    with session_scope(engine) as s:
        for username in names:
            role, agency = PERSONAS[username]
            s.add(User(username=username, password_hash=password_hash(), role=role, agency_id=agency, created_at=NOW))


def settings_for(db_url: str, base_url: str = "http://testserver") -> Settings:
    return Settings(database_url=db_url, secret_key=SECRET, base_url=base_url)


@pytest.fixture
def loaded(engine):
    load_examples(engine)
    add_personas(engine)
    return engine


@pytest.fixture
def app(loaded, db_url):
    return create_app(settings_for(db_url), loaded, clock=lambda: NOW)


@pytest.fixture
def anon(app) -> TestClient:
    return TestClient(app)


def csrf_of(html: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', html).group(1)


def login(client: TestClient, username: str, password: str = PASSWORD) -> TestClient:
    form = client.get("/login")
    response = client.post("/login", data={"username": username, "password": password, "csrf": csrf_of(form.text),
                                           "next": "/dashboard"}, follow_redirects=False)
    assert response.status_code == 303, response.text
    return client


@pytest.fixture
def as_user(app):
    def make(username: str) -> TestClient:
        return login(TestClient(app), username)
    return make


@pytest.fixture
def token_for(loaded):
    def make(username: str) -> dict[str, str]:
        with session_scope(loaded) as s:
            return {"Authorization": f"Bearer {create_token(s, username=username, now=NOW)}"}
    return make


def occurrence_of(engine, plan: str, number: str, owner: str | None = None):
    """The (first) occurrence of task `number` of `plan`."""
    with session_scope(engine, write=False) as s:
        q = (select(Occurrence).join(Task, Task.id == Occurrence.task_id)
             .where(Task.plan_id == plan, Task.number == number))
        if owner:
            q = q.where(Occurrence.owner_id == owner)
        return s.exec(q.order_by(Occurrence.due, Occurrence.id)).first()


def move(engine, occurrence_id: int, *targets: str, at: datetime = NOW, by: str = "lan") -> None:
    """Walk an occurrence through statuses as a user would."""
    with session_scope(engine) as s:
        occ = s.get(Occurrence, occurrence_id)
        for target in targets:
            set_status(s, occ, target, actor=Actor("user", by), now=at, calendar=WorkCalendar(CalendarDecisions()))
