"""The plan page lists the reminders held for agencies without an email
(the commune's finance official, here without an address), until one is set."""
from __future__ import annotations

from sqlalchemy import func, select, update

from dondoc.settings import Settings
from dondoc.store.db import session_scope
from dondoc.store.models import Agency
from dondoc.store.outbox_models import Notification
from dondoc.workflows.jobs import Runtime, run_send, run_sweep
from tests.web.conftest import COMMUNE, NOW, SECRET

FINANCE = "cong-chuc-tai-chinh-thanh-linh"


def _set_email(engine, address: str) -> None:
    with session_scope(engine) as s:
        s.execute(update(Agency).where(Agency.id == FINANCE).values(email=address))


def _pending_for_finance(engine) -> int:
    with session_scope(engine, write=False) as s:
        return s.execute(select(func.count()).select_from(Notification).where(
            Notification.recipient == FINANCE, Notification.email_id.is_(None))).scalar_one()


def test_the_plan_page_lists_held_reminders_until_the_address_is_set(as_user, loaded, smtp_server):
    rt = Runtime.from_settings(Settings(smtp_port=smtp_server.port, secret_key=SECRET, send_backoff_s=0))
    _set_email(loaded, "")
    run_sweep(loaded, rt, now=NOW)
    run_send(loaded, rt, clock=lambda: NOW)
    assert _pending_for_finance(loaded) > 0
    page = as_user("lan").get(f"/plans/{COMMUNE}")
    assert page.status_code == 200 and f'data-held="{FINANCE}"' in page.text
    assert "Nhắc việc đang giữ lại" in page.text and "3.2.1" in page.text.split('id="held"')[1].split("</section>")[0]
    _set_email(loaded, "taichinh@thanhlinh.example.vn")
    run_sweep(loaded, rt, now=NOW)
    run_send(loaded, rt, clock=lambda: NOW)
    assert _pending_for_finance(loaded) == 0 and smtp_server.to("taichinh@thanhlinh.example.vn")
    assert 'id="held"' not in as_user("lan").get(f"/plans/{COMMUNE}").text


def test_the_email_preview_says_a_reminder_to_an_agency_without_an_address_will_be_held(as_user, loaded):
    _set_email(loaded, "")
    page = as_user("lan").get(f"/plans/{COMMUNE}?preview_on=2023-06-01").text
    preview = page.split('id="preview"')[1]
    assert "chưa có email: sẽ được giữ lại" in preview and "&lt;&gt;" not in preview
