"""Schemathesis against /openapi.json, in process, on the example plans
(SQLite and PostgreSQL): no answer is a 500 and every answer is one the
schema documents. An admin's API token opens /api, an agency's link token
/api/agency; cases without them check that authentication is required."""
from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance
from sqlalchemy import create_engine

from dondoc.notifications.tokens import make_token
from dondoc.store.db import session_scope
from dondoc.web import users
from dondoc.web.app import create_app
from tests.web.conftest import NOW, SECRET, loaded, settings_for  # noqa: F401 (loaded is a fixture)

pytestmark = pytest.mark.reliability
AGENCY = "cong-chuc-tai-chinh-thanh-linh"
EXAMPLES = 40
ADMIN_TOKEN = "ddk_schemathesis-admin-token-of-lan"  # create_token's random part, fixed: cases are built early
AGENCY_TOKEN = make_token(AGENCY, secret=SECRET)


def _schema() -> schemathesis.schemas.BaseSchema:
    """The schema needs no database: /openapi.json is read from an app on an unused one, and each
    case goes to the test's own app (`schemathesis.pytest.from_fixture` fails on pytest 9.2:
    `Function._nodeid` is gone)."""
    loaded_schema = schemathesis.openapi.from_asgi("/openapi.json", create_app(settings_for("sqlite://"),
                                                                              create_engine("sqlite://")))
    # OpenAPI cannot say "no other query parameters", and ignoring them is ordinary HTTP.
    loaded_schema.config.generation.update(allow_extra_parameters=False, deterministic=True)  # same cases every run
    return loaded_schema


schema = _schema()


@schema.auth(refresh_interval=None)
class Bearer:
    def get(self, case, ctx):  # noqa: ANN001, ANN201
        return AGENCY_TOKEN if case.path.startswith("/api/agency/") else ADMIN_TOKEN

    def set(self, case, data, ctx):  # noqa: ANN001, ANN201
        case.headers = {**(case.headers or {}), "Authorization": f"Bearer {data}"}


@pytest.fixture
def fuzz_app(loaded, db_url, monkeypatch, tmp_path):
    monkeypatch.setattr(users, "new_api_token", lambda: ADMIN_TOKEN)
    with session_scope(loaded) as s:
        users.create_token(s, username="lan", now=NOW)
    settings = settings_for(db_url).model_copy(update={"files_dir": tmp_path / "files"})  # evidence uploads
    return create_app(settings, loaded, clock=lambda: NOW)


@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_request_gets_a_500_or_an_answer_the_schema_does_not_document(case, fuzz_app):
    # A file's content cannot be said in the schema: random bytes are refused (415), not a valid request rejected.
    uploads = case.path.endswith("/evidence") and case.method == "POST"
    case.call_and_validate(app=fuzz_app, excluded_checks=[positive_data_acceptance] if uploads else None)
