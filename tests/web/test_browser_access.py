"""In a real browser: Lan disables Hoa from the users page and Hoa's open
session ends at her next click; a login throttled after five wrong passwords
says when to try again. Screenshot: docs/screenshots/access.png."""
from __future__ import annotations

import pytest

from tests.web.conftest import PASSWORD
from tests.web.test_browser import DESKTOP, SHOTS, browser, log_in, site  # noqa: F401  (fixtures)

pytestmark = pytest.mark.browser


def test_lan_disables_hoa_and_hoas_open_session_ends(browser, site):  # noqa: F811
    hoa = browser.new_context(**DESKTOP).new_page()
    log_in(hoa, site.base, "hoa")
    hoa.wait_for_url(f"{site.base}/dashboard")
    lan = browser.new_page(**DESKTOP)
    log_in(lan, site.base, "lan", start="/admin/users")
    lan.wait_for_url(f"{site.base}/admin/users")
    assert lan.locator("tr[data-user=hoa] td").nth(4).inner_text() == "1"  # Hoa's open session
    lan.click("tr[data-user=hoa] form[action$='/disable'] button")
    lan.wait_for_url(f"{site.base}/admin/users?done=*")
    assert "Đã khóa" in lan.locator("tr[data-user=hoa]").inner_text()
    SHOTS.mkdir(parents=True, exist_ok=True)
    lan.screenshot(path=str(SHOTS / "access.png"), full_page=True)
    hoa.goto(f"{site.base}/plans")
    assert hoa.url.startswith(f"{site.base}/login")


def test_a_throttled_login_says_when_to_try_again(browser, site):  # noqa: F811
    page = browser.new_page(**DESKTOP)
    for _ in range(5):
        page.goto(f"{site.base}/login")
        page.fill("input[name=username]", "minh")
        page.fill("input[name=password]", "sai-mat-khau-roi")
        page.click("form[action='/login'] button[type=submit]")
    page.goto(f"{site.base}/login")
    page.fill("input[name=username]", "minh")
    page.fill("input[name=password]", PASSWORD)
    page.click("form[action='/login'] button[type=submit]")
    assert "Vui lòng thử lại sau 15 phút" in page.locator("[role=alert]").inner_text()
