"""In a real browser: the province plan's page shows the district's and the
commune's plans below it with their four statuses, and the toggle makes the
province count them too. Screenshot in docs/screenshots/."""
from __future__ import annotations

from datetime import UTC, datetime

import pytest

from dondoc.settings import Settings
from dondoc.store.db import get_engine, migrate
from dondoc.web.app import create_app
from tests.conftest import free_port
from tests.store.implementing_data import PROVINCE, load, write
from tests.store.test_rollup import COMMUNE, DISTRICT, OLD, OLD_PROVINCE
from tests.web.conftest import SECRET, add_personas
from tests.web.live import live_server
from tests.web.test_browser import ARGS, CHROMIUM, DESKTOP, SHOTS, browser, log_in  # noqa: F401 (fixture)

pytestmark = pytest.mark.browser
NOW = datetime(2022, 3, 1, 2, 0, tzinfo=UTC)


@pytest.fixture
def site(sqlite_url, tmp_path):
    engine = get_engine(sqlite_url)
    migrate(engine)
    load(engine, write(tmp_path / "old", a=OLD_PROVINCE, b=DISTRICT, c=COMMUNE), now=OLD)
    load(engine, write(tmp_path / "new", plan=PROVINCE), now=OLD)
    add_personas(engine, ("lan",))
    port = free_port()
    settings = Settings(database_url=sqlite_url, secret_key=SECRET, base_url=f"http://127.0.0.1:{port}")
    with live_server(create_app(settings, engine, clock=lambda: NOW), port) as base:
        yield base


def row_total(page, plan: str) -> int:
    cells = page.locator(f"table.rollup tr[data-plan='{plan}'] td[data-category]")
    return sum(int(cells.nth(i).inner_text()) for i in range(cells.count()))


def test_a_coordinator_sees_the_plans_below_hers_and_counts_them_with_the_toggle(browser, site):  # noqa: F811
    page = browser.new_page(**DESKTOP)
    log_in(page, site, "lan", start="/plans/tinh-2021")
    page.wait_for_url(f"{site}/plans/tinh-2021")
    rows = page.locator("table.rollup tbody tr")
    assert [rows.nth(i).get_attribute("data-plan") for i in range(rows.count())] == [
        "tinh-2021", "huyen-dong-2021", "tan-lap-2021"]
    assert page.locator("table.rollup tr[data-plan='tan-lap-2021']").is_visible()
    own = row_total(page, "tinh-2021")
    page.click("text=Số liệu gồm cả các kế hoạch cấp dưới")
    page.wait_for_url("**rollup=all**")
    assert row_total(page, "tinh-2021") == own + row_total(page, "huyen-dong-2021")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.locator("#rollup").screenshot(path=str(SHOTS / "rollup-plan.png"))
    page.goto(f"{site}/plans/tinh-2025")
    assert page.locator("ul.missing li").count() == 3
    page.locator("#rollup").screenshot(path=str(SHOTS / "rollup-missing-plans.png"))
