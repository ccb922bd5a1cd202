"""The roll-up on a plan's page and on the dashboard filtered on that plan:
the plans implementing it below it, each with the four statuses, a toggle to
count the plans below, and the agencies that have not issued theirs."""
from __future__ import annotations

import re
from datetime import UTC, date, datetime

import pytest
from fastapi.testclient import TestClient

from dondoc.config.reader import ConfigError
from dondoc.engine.lifecycle import Category
from dondoc.store.db import session_scope
from dondoc.store.rollup import rollup
from dondoc.web.app import create_app
from dondoc.web.import_data import load_draft
from dondoc.web.models import User
from tests.store.implementing_data import PROVINCE, commune_plan, load, write
from tests.store.test_rollup import COMMUNE, DISTRICT, OLD, OLD_PROVINCE
from tests.web.conftest import add_personas, login, settings_for

NOW = datetime(2022, 3, 1, 2, 0, tzinfo=UTC)
TODAY = date(2022, 3, 1)
ADMIN = User(username="lan", password_hash="-", role="admin", created_at=NOW)


@pytest.fixture
def client(tmp_path, engine, db_url):
    load(engine, write(tmp_path / "old", a=OLD_PROVINCE, b=DISTRICT, c=COMMUNE), now=OLD)
    load(engine, write(tmp_path / "new", plan=PROVINCE), now=OLD)
    add_personas(engine, ("lan",))
    return login(TestClient(create_app(settings_for(db_url), engine, clock=lambda: NOW)), "lan")


def shown(html: str) -> dict[str, dict[str, int]]:
    """{plan id: {category: number}} of the roll-up table."""
    table = html.split('<table class="rollup">', 1)[1].split("</table>", 1)[0]
    out = {}
    for plan, row in re.findall(r'<tr data-plan="([^"]+)"[^>]*>(.*?)</tr>', table, re.DOTALL):
        out[plan] = {c: int(n) for c, n in re.findall(r'data-category="([a-z_]+)">(\d+)<', row)}
    return out


def expected(engine, root: str, *, with_below: bool) -> dict[str, dict[str, int]]:
    with session_scope(engine, write=False) as s:
        rows = rollup(s, root, TODAY)
    return {r.node.id: {str(c): n for c, n in (r.with_below if with_below else r.own).items()} for r in rows}


def test_the_plan_page_shows_the_plans_below_it_with_their_four_statuses(client, engine):
    page = client.get("/plans/tinh-2021")
    assert page.status_code == 200 and 'id="rollup"' in page.text
    assert list(shown(page.text)) == ["tinh-2021", "huyen-dong-2021", "tan-lap-2021"]
    assert shown(page.text) == expected(engine, "tinh-2021", with_below=False)
    assert '<a href="/plans/huyen-dong-2021">' in page.text and 'data-depth="2"' in page.text


def test_the_toggle_makes_each_plan_count_the_plans_below_it(client, engine):
    page = client.get("/plans/tinh-2021?rollup=all")
    counts = shown(page.text)
    assert counts == expected(engine, "tinh-2021", with_below=True)
    assert sum(counts["tinh-2021"].values()) > sum(shown(client.get("/plans/tinh-2021").text)["tinh-2021"].values())
    assert 'href="/plans/tinh-2021#rollup"' in page.text


def test_the_agencies_that_have_not_issued_their_plan_are_named_with_how_late(client):
    page = client.get("/plans/tinh-2025")
    assert "(đã ban hành 0/3)" in page.text
    missing = page.text.split('<ul class="missing">', 1)[1].split("</ul>", 1)[0]
    assert 'data-agency="ubnd-xa-an-hoa"' in missing and 'data-agency="ubnd-xa-my-loc"' in missing
    assert "quá hạn" not in missing  # due 31/12/2025, today 01/03/2022


def test_a_plan_that_asks_for_nothing_and_that_nothing_implements_shows_no_roll_up(client):
    assert 'id="rollup"' not in client.get("/plans/tan-lap-2021").text


def test_the_dashboard_filtered_on_a_plan_shows_its_roll_up_and_the_toggle(client, engine):
    page = client.get("/dashboard?plan=tinh-2021")
    assert shown(page.text) == expected(engine, "tinh-2021", with_below=False)
    assert "rollup=all" in page.text
    with_below = client.get("/dashboard?plan=tinh-2021&rollup=all")
    assert shown(with_below.text) == expected(engine, "tinh-2021", with_below=True)
    assert 'id="rollup"' not in client.get("/dashboard").text


def test_the_roll_up_speaks_english_on_request(client):
    page = client.get("/plans/tinh-2021?lang=en")
    assert "Implementing plans of subordinate units" in page.text and "Counts include the plans below" in page.text
    assert Category.DONE_LATE.value in page.text


def test_a_reviewed_draft_loaded_from_the_import_page_fulfils_the_obligation_of_its_issuer(client, engine):

    load_draft(engine, text=commune_plan("ubnd-xa-my-loc", issued_on="2025-12-20"), name="my-loc.yaml", user=ADMIN,
               now=NOW)
    page = client.get("/plans/tinh-2025")
    assert "(đã ban hành 1/3)" in page.text and 'data-plan="ubnd-xa-my-loc-2025"' in page.text
    missing = page.text.split('<ul class="missing">', 1)[1].split("</ul>", 1)[0]
    assert 'data-agency="ubnd-xa-my-loc"' not in missing and 'data-agency="ubnd-xa-an-hoa"' in missing


def test_a_draft_whose_implements_makes_a_circle_is_refused_with_its_line(client, engine):

    circle = commune_plan("ubnd-huyen-dong", plan_id="tinh-2021", implements="tan-lap-2021").replace(
        'number: "15/KH-UBND"', 'number: "80/KH-UBND"')
    with pytest.raises(ConfigError) as err:
        load_draft(engine, text=circle, name="tinh.yaml", user=ADMIN, now=NOW)
    [problem] = err.value.problems
    assert str(problem).startswith("tinh.yaml:8: plans.implements: vòng lặp kế hoạch thực hiện: "
                                   "tinh-2021 -> tan-lap-2021 -> huyen-dong-2021 -> tinh-2021")
