"""In a real browser (chromium): an agency opens the link of a reminder the
SMTP server received, reports progress with a note, uploads evidence and asks
for an extension; the coordinator, from the email she got, approves it; the
agency reports completion, is sent back with a comment it receives by email,
reports again; once confirmed, the dashboard and the XLSX export count it as
done on time after an extension. Screenshots: docs/screenshots/agency-conversation.png,
plan-extension.png, dashboard-extended.png."""
from __future__ import annotations

import io
import re
from types import SimpleNamespace

import pytest
from openpyxl import load_workbook

from dondoc.store.conversation_models import Evidence
from dondoc.store.db import get_engine, migrate, session_scope
from dondoc.store.models import Occurrence
from dondoc.web.app import create_app
from dondoc.workflows.jobs import Runtime, run_send
from tests.conftest import free_port
from tests.web.conftest import COMMUNE, NOW, add_personas, load_examples, occurrence_of
from tests.web.conversation_helpers import PDF, conversation_settings
from tests.web.live import live_server
from tests.web.test_browser import (  # noqa: F401
    DESKTOP,
    FINANCE_EMAIL,
    FOCAL_EMAIL,
    PHONE,
    SHOTS,
    browser,
    deliver,
    link_in,
    log_in,
    off_the_loop,
    total,
)

pytestmark = pytest.mark.browser


@pytest.fixture
def site(sqlite_url, smtp_server, tmp_path):
    engine = get_engine(sqlite_url)
    migrate(engine)
    load_examples(engine)
    add_personas(engine)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    settings = conversation_settings(sqlite_url, tmp_path / "files", base_url=base, smtp_port=smtp_server.port)
    with live_server(create_app(settings, engine, clock=lambda: NOW), port):
        yield SimpleNamespace(base=base, engine=engine, runtime=Runtime.from_settings(settings), inbox=smtp_server,
                              tmp=tmp_path)


def send(site) -> None:
    off_the_loop(run_send, site.engine, site.runtime, clock=lambda: NOW)


def agency_reports(page, occ_id: int, text: str) -> None:
    item = page.locator(f"article[data-occurrence='{occ_id}']")
    item.locator("form.report textarea[name=note]").fill(text)
    item.locator("form.report button").click()
    page.wait_for_selector("text=Đã ghi nhận")


def test_an_agency_asks_for_more_time_the_coordinator_approves_and_it_is_counted_as_extended(browser, site):
    SHOTS.mkdir(parents=True, exist_ok=True)
    deliver(site)
    occ = occurrence_of(site.engine, COMMUNE, "3.2.1")
    agency = browser.new_page(**PHONE)
    agency.goto(link_in(site.inbox.to(FINANCE_EMAIL)[0], re.escape(site.base) + r"/r/\S+"))
    item = agency.locator(f"article[data-occurrence='{occ.id}']")
    item.locator("form.progress textarea[name=note]").fill("Đã trình dự toán, chờ Phòng Tài chính thẩm định")
    item.locator("form.progress button").click()
    agency.wait_for_selector("text=Đã ghi nhận")

    pdf = site.tmp / "du-toan.pdf"
    pdf.write_bytes(PDF)
    item.locator("details.more summary").click()
    item.locator("form.evidence input[type=file]").set_input_files(str(pdf))
    item.locator("form.evidence button").click()
    agency.wait_for_selector("text=Đã đính kèm tệp minh chứng")
    assert "du-toan.pdf" in item.locator("ul.files").inner_text()

    item.locator("details.more summary").click()
    item.locator("form.extension input[name=due]").fill("2023-06-30")
    item.locator("form.extension textarea[name=reason]").fill("Chờ bổ sung nguồn kinh phí")
    item.locator("form.extension button").click()
    agency.wait_for_selector("text=Đã gửi đề nghị gia hạn")
    assert "chờ quyết định" in item.inner_text()
    assert agency.evaluate("document.documentElement.scrollWidth") <= 390
    agency.screenshot(path=str(SHOTS / "agency-conversation.png"), full_page=True)

    send(site)
    [mail] = [m for m in site.inbox.to(FOCAL_EMAIL) if str(m["Subject"]).startswith("[Báo cáo]")]  # coalesced: one
    coordinator = browser.new_page(**DESKTOP)
    log_in(coordinator, site.base, "hoa", start=link_in(mail, r"http://\S+/plans/\S+").removeprefix(site.base))
    coordinator.wait_for_url(f"{site.base}/plans/{COMMUNE}")
    request = coordinator.locator("#extensions article.review").first
    assert "Chờ bổ sung nguồn kinh phí" in request.inner_text() and "30/06/2023" in request.inner_text()
    request.scroll_into_view_if_needed()
    coordinator.screenshot(path=str(SHOTS / "plan-extension.png"))
    request.locator("form.approve button").click()
    coordinator.wait_for_selector("text=Đã đồng ý gia hạn.")
    send(site)
    approved = [m for m in site.inbox.to(FINANCE_EMAIL) if str(m["Subject"]).startswith("[Đồng ý gia hạn]")]
    assert len(approved) == 1

    agency.reload()
    assert "đã gia hạn" in item.inner_text()
    agency_reports(agency, occ.id, "Đã bố trí 50 triệu đồng")
    coordinator.goto(f"{site.base}/plans/{COMMUNE}")
    review = coordinator.locator(f"article.review[data-occurrence='{occ.id}']")
    assert "du-toan.pdf" in review.inner_text()
    review.locator("form.send-back button").click()  # the browser refuses: a send-back needs a comment
    assert review.locator("form.send-back textarea").evaluate("e => e.validity.valueMissing")
    review.locator("form.send-back textarea").fill("Thiếu quyết định phân bổ kinh phí")
    review.locator("form.send-back button").click()
    coordinator.wait_for_selector("text=Đã trả lại")
    send(site)
    back = next(m for m in site.inbox.to(FINANCE_EMAIL) if str(m["Subject"]).startswith("[Trả lại]"))
    assert "Thiếu quyết định phân bổ kinh phí" in back.get_body(("plain",)).get_content()
    agency.goto(link_in(back, re.escape(site.base) + r"/r/\S+"))
    assert "Thiếu quyết định phân bổ kinh phí" in agency.locator(f"article[data-occurrence='{occ.id}']").inner_text()
    agency_reports(agency, occ.id, "Đã bổ sung Quyết định 12/QĐ-UBND")

    coordinator.goto(f"{site.base}/plans/{COMMUNE}")
    coordinator.locator(f"article.review[data-occurrence='{occ.id}'] form.confirm button").click()
    coordinator.wait_for_selector("text=Đã xác nhận hoàn thành")
    admin = browser.new_page(**DESKTOP)
    log_in(admin, site.base, "lan")
    admin.wait_for_url(f"{site.base}/dashboard")
    assert admin.locator("[data-category=done_on_time] .extended-count").get_attribute("data-extended") == "1"
    admin.screenshot(path=str(SHOTS / "dashboard-extended.png"))
    with admin.expect_download() as download:
        admin.evaluate(
            "url => { const a = document.createElement('a'); a.href = url; a.download = ''; document.body.append(a); a.click(); }",
            f"{site.base}/dashboard.xlsx")
    summary = {r[0]: r[1] for r in load_workbook(io.BytesIO(open(download.value.path(), "rb").read()))["Tổng hợp"]
               .iter_rows(values_only=True)}
    assert summary["Trong đó: hoàn thành đúng hạn sau gia hạn"] == 1 and summary["Nhiệm vụ đã được gia hạn"] == 1
    with session_scope(site.engine, write=False) as s:
        done = s.get(Occurrence, occ.id)
        assert done.status == "done" and done.due_as_written.isoformat() == "2023-03-31"
        assert s.query(Evidence).count() == 1
