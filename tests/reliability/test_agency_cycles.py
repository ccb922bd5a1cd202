"""Issue 15.1: a cycle in the agency tree is refused as the tree will be
after the load (database plus files), by `dondoc load` and the web importer;
code that walks the tree ends even on bad data already in the database."""
from __future__ import annotations

import time

import pytest
from sqlalchemy import update

from dondoc.cli.app import run
from dondoc.cli.main import register
from dondoc.store.db import session_scope
from dondoc.store.models import Agency
from tests.web.conftest import csrf_of

# The commune's People's Committee re-declared with its own child (the commune council) as parent.
CYCLE = """agencies:
  - id: ubnd-xa-thanh-linh
    name: UBND xã Thanh Lĩnh
    level: commune
    parent: hdnd-xa-thanh-linh
    email: ubnd@thanhlinh.example.vn
"""


@pytest.fixture(autouse=True)
def _commands():
    register()


def parents(engine) -> dict[str, str | None]:
    with session_scope(engine, write=False) as s:
        return {a.id: a.parent_id for a in s.query(Agency)}


def test_dondoc_load_refuses_a_cycle_made_with_agencies_already_in_the_database(loaded, db_url, tmp_path, monkeypatch,
                                                                                   capsys):
    monkeypatch.setenv("DONDOC_DATABASE_URL", db_url)
    before = parents(loaded)
    (tmp_path / "cycle.yaml").write_text(CYCLE, encoding="utf-8")
    code = run(["load", str(tmp_path / "cycle.yaml")])
    err = capsys.readouterr().err
    assert code == 2
    assert "cycle.yaml:5: agencies.parent: vòng lặp trong cây cơ quan qua 'ubnd-xa-thanh-linh'" in err
    assert "ubnd-xa-thanh-linh -> hdnd-xa-thanh-linh -> ubnd-xa-thanh-linh" in err
    assert "Traceback" not in err and parents(loaded) == before


def test_the_web_importer_refuses_the_same_cycle(as_user, loaded):
    client = as_user("lan")
    before = parents(loaded)
    form = client.get("/import")
    response = client.post("/import/load", data={"csrf": csrf_of(form.text), "draft": CYCLE, "name": "cycle.yaml"},
                           follow_redirects=False)
    assert response.status_code == 422
    assert "vòng lặp trong cây cơ quan" in response.text and "cycle.yaml:5" in response.text
    assert parents(loaded) == before


def test_the_dashboard_answers_even_when_the_database_already_holds_a_cycle(as_user, loaded):
    with session_scope(loaded) as s:  # bad data written behind dondoc's back
        s.execute(update(Agency).where(Agency.id == "ubnd-xa-thanh-linh").values(parent_id="hdnd-xa-thanh-linh"))
    client = as_user("lan")
    started = time.monotonic()
    for url in ("/dashboard", "/dashboard?agency=ubnd-xa-thanh-linh", "/dashboard?agency=hdnd-xa-thanh-linh"):
        assert client.get(url).status_code == 200, url
    assert time.monotonic() - started < 30
