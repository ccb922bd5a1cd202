"""In a real browser (Debian's chromium through Playwright): an admin sees
the overdue dashboard of the example plans; an agency opens the link from a
reminder the test SMTP server really received and reports completion; the
coordinator confirms it from the email she got; the dashboard counts change.
A coordinator imports a plan document.
Screenshots land in docs/screenshots/."""
from __future__ import annotations

import os
import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from types import SimpleNamespace

import pytest
from sqlmodel import select

from dondoc.settings import Settings
from dondoc.store.db import get_engine, migrate, session_scope
from dondoc.store.models import Occurrence, Task
from dondoc.web.app import create_app
from dondoc.workflows.jobs import Runtime, run_send, run_sweep
from tests.conftest import ROOT, free_port
from tests.web.conftest import COMMUNE, NOW, PASSWORD, SECRET, add_personas, load_examples, occurrence_of
from tests.web.live import live_server
from tests.web.test_import_pages import DOCUMENT, DRAFT_PLAN

pytestmark = pytest.mark.browser
CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync"]
SHOTS = ROOT / "docs" / "screenshots"
FINANCE_EMAIL = "taichinh@thanhlinh.example.vn"
FOCAL_EMAIL = "chinhsach@thanhlinh.example.vn"
DESKTOP = dict(viewport={"width": 1280, "height": 1000}, locale="vi-VN")
PHONE = dict(viewport={"width": 390, "height": 844}, locale="vi-VN", is_mobile=True, has_touch=True,
             device_scale_factor=2)


@pytest.fixture
def browser():
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail("/usr/bin/chromium is required in CI")
        pytest.skip("/usr/bin/chromium is not installed")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def site(sqlite_url, smtp_server):
    engine = get_engine(sqlite_url)
    migrate(engine)
    load_examples(engine)
    add_personas(engine)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    settings = Settings(database_url=sqlite_url, secret_key=SECRET, base_url=base, smtp_port=smtp_server.port)
    with live_server(create_app(settings, engine, clock=lambda: NOW), port):
        yield SimpleNamespace(base=base, engine=engine, runtime=Runtime.from_settings(settings), inbox=smtp_server)


def off_the_loop(job, *args, **kwargs):  # noqa: ANN001, ANN201
    """Playwright's sync API owns this thread's event loop; the sender runs asyncio in its own thread."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(job, *args, **kwargs).result()


def deliver(site) -> None:
    off_the_loop(run_sweep, site.engine, site.runtime, now=NOW)
    off_the_loop(run_send, site.engine, site.runtime, clock=lambda: NOW)


def link_in(message, pattern: str) -> str:
    body = message.get_body(("plain",)).get_content()
    return re.search(pattern, body).group(0)


def log_in(page, base: str, username: str, start: str = "/dashboard") -> None:
    page.goto(base + start)
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("form[action='/login'] button[type=submit]")


def total(page, category: str) -> int:
    return int(page.locator(f"[data-category={category}] .n").inner_text())


def test_an_admin_logs_in_and_sees_the_overdue_dashboard_of_the_example_plans(browser, site):
    page = browser.new_page(**DESKTOP)
    log_in(page, site.base, "lan")
    page.wait_for_url(f"{site.base}/dashboard")
    assert page.locator("h1").inner_text().startswith("Tình hình thực hiện nhiệm vụ")
    # 176 before the 29 six-month reports due 10/05/2023, before the commune plan of 15/05, were made not owed.
    assert total(page, "in_progress_overdue") == 147 and total(page, "in_progress_on_time") == 57
    assert page.locator("svg.chart").count() == 2
    assert page.locator("table.ranking tbody tr").count() > 20


def test_the_dashboard_reads_with_javascript_off(browser, site):
    context = browser.new_context(java_script_enabled=False, **DESKTOP)
    page = context.new_page()
    log_in(page, site.base, "lan")
    page.wait_for_url(f"{site.base}/dashboard")
    assert total(page, "in_progress_overdue") == 147 and page.locator("svg.chart rect.bar").count() == 15
    context.close()


def test_an_agency_reports_from_a_real_email_the_coordinator_confirms_and_the_counts_change(browser, site):
    SHOTS.mkdir(parents=True, exist_ok=True)
    deliver(site)
    admin = browser.new_page(**DESKTOP)
    log_in(admin, site.base, "lan")
    admin.wait_for_url(f"{site.base}/dashboard")
    overdue_before, late_before = total(admin, "in_progress_overdue"), total(admin, "done_late")

    occ = occurrence_of(site.engine, COMMUNE, "3.2.1")
    reminder = site.inbox.to(FINANCE_EMAIL)[0]
    agency = browser.new_page(**PHONE)
    agency.goto(link_in(reminder, re.escape(site.base) + r"/r/\S+"))
    item = agency.locator(f"article[data-occurrence='{occ.id}']")
    item.locator("form.report textarea[name=note]").fill("Đã bố trí 50 triệu đồng theo Quyết định 12/QĐ-UBND")
    item.locator("input[name=evidence_url]").fill("https://thanhlinh.example.vn/qd-12.pdf")
    item.locator("button", has_text="Báo cáo hoàn thành").click()
    agency.wait_for_selector("text=Đã ghi nhận")
    assert agency.evaluate("document.documentElement.scrollWidth") <= 390
    agency.screenshot(path=str(SHOTS / "agency.png"), full_page=True)

    off_the_loop(run_send, site.engine, site.runtime, clock=lambda: NOW)
    report = next(m for m in site.inbox.to(FOCAL_EMAIL) if str(m["Subject"]).startswith("[Báo cáo]"))
    coordinator = browser.new_page(**DESKTOP)
    log_in(coordinator, site.base, "hoa", start=link_in(report, r"http://\S+/plans/\S+").removeprefix(site.base))
    coordinator.wait_for_url(f"{site.base}/plans/{COMMUNE}")
    review = coordinator.locator(f"article.review[data-occurrence='{occ.id}']")
    assert "Đã bố trí 50 triệu đồng" in review.inner_text()
    coordinator.screenshot(path=str(SHOTS / "plan.png"))
    review.locator("form.confirm textarea[name=comment]").fill("Đã kiểm tra dự toán")
    review.locator("button", has_text="Xác nhận hoàn thành").click()
    coordinator.wait_for_selector("text=Đã xác nhận hoàn thành")

    admin.reload()
    assert total(admin, "in_progress_overdue") == overdue_before - 1
    assert total(admin, "done_late") == late_before + 1
    admin.screenshot(path=str(SHOTS / "dashboard.png"))
    admin.goto(f"{site.base}/occurrences/{occ.id}")
    history = admin.locator("table.events").inner_text()
    assert "Cơ quan: cong-chuc-tai-chinh-thanh-linh" in history and "Người dùng: hoa" in history
    assert "Đã gửi" in admin.locator("table.emails").inner_text()
    admin.screenshot(path=str(SHOTS / "task.png"), full_page=True)
    with session_scope(site.engine, write=False) as s:
        assert s.get(Occurrence, occ.id).status == "done"


def test_a_coordinator_reviews_a_draft_in_the_table_fixes_a_flagged_lead_and_loads_it(browser, site):
    context = browser.new_context(java_script_enabled=False, **DESKTOP)     # plain forms: no script needed
    page = context.new_page()
    log_in(page, site.base, "hoa", start="/import")
    page.wait_for_url(f"{site.base}/import")
    page.set_input_files("input[name=file]", str(DOCUMENT))
    page.click("button:has-text('Đọc văn bản')")
    page.wait_for_selector("#tasks")
    assert page.locator("#tasks tr.flagged").count() > 10 and page.locator("#tasks td.flag").count() > 10
    row = page.locator("#tasks tr[data-task='1.2']")
    assert "Văn bản ghi nhiều cơ quan chủ trì" in row.inner_text()
    row.locator("select[name=lead-1]").select_option("cong-chuc-chinh-sach-thanh-linh")
    page.fill("input[name=plan-number]", "125/KH-UBND")
    for box in page.locator("#review input[type=checkbox]").all():
        box.check()
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.evaluate("document.querySelector('#tasks').scrollIntoView()")
    page.screenshot(path=str(SHOTS / "import.png"))
    page.click("button[value=load]")
    page.wait_for_url(f"{site.base}/plans/{DRAFT_PLAN}?loaded=1")
    assert "125/KH-UBND" in page.locator("h1").inner_text()
    with session_scope(site.engine, write=False) as s:
        lead = s.exec(select(Task.lead_id).where(Task.plan_id == DRAFT_PLAN, Task.number == "1.2")).one()
    assert lead == "cong-chuc-chinh-sach-thanh-linh"
    context.close()
