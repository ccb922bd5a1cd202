"""Coordinator pages: the plans list, a plan's tasks, deadlines, warnings
and email preview, and the review of reported completions."""
from __future__ import annotations

import re
from datetime import date

from sqlalchemy import func, select

from dondoc.settings import Settings
from dondoc.store.db import session_scope
from dondoc.store.models import Event, Occurrence
from dondoc.store.outbox_models import Email, Notification
from dondoc.workflows.jobs import Runtime, run_send, run_sweep
from tests.web.conftest import COMMUNE, NOW, PROVINCE, SECRET, csrf_of, move, occurrence_of

FINANCE = "cong-chuc-tai-chinh-thanh-linh"
TOKEN_IN_LINK = re.compile(r"/r/[\w-]+\.[\w-]+\.[\w-]+")


def outbox_size(engine) -> tuple[int, int]:
    with session_scope(engine, write=False) as s:
        return s.execute(select(func.count(Email.id))).scalar(), s.execute(select(func.count(Notification.id))).scalar()


def reported_item(engine) -> Occurrence:
    occ = occurrence_of(engine, COMMUNE, "3.2.1")
    move(engine, occ.id, "reported", by=FINANCE)
    return occ


def review(client, occ: Occurrence, **form: str):
    page = client.get(f"/plans/{occ.plan_id}")
    return client.post(f"/plans/{occ.plan_id}/occurrences/{occ.id}/review", data={"csrf": csrf_of(page.text), **form},
                       follow_redirects=False)


def test_the_admin_sees_both_example_plans_with_their_counts(as_user):
    page = as_user("lan").get("/plans")
    assert f'data-plan="{COMMUNE}"' in page.text and f'data-plan="{PROVINCE}"' in page.text
    assert "192/KH-UBND" in page.text and "⚠ 7" in page.text  # 6 + the 6-month report not owed


def test_a_coordinator_sees_only_their_plan_and_nobody_elses(as_user):
    client = as_user("hoa")
    page = client.get("/plans")
    assert f'data-plan="{COMMUNE}"' in page.text and f'data-plan="{PROVINCE}"' not in page.text
    assert client.get(f"/plans/{PROVINCE}").status_code == 404


def test_the_plan_page_shows_tasks_owners_parsed_deadlines_and_loader_warnings(as_user):
    page = as_user("hoa").get(f"/plans/{COMMUNE}").text
    row = re.search(r'<tr data-task="1.1".*?</tr>', page, re.S).group(0)
    assert "Công chức văn hóa – xã hội" in row and "Tháng 6 năm 2023" in row and "Hạn 30/06/2023" in row
    assert "Quý II/2022" in page and "Cảnh báo khi nạp kế hoạch (7)" in page
    assert 'class="flagged"' in re.search(r'<tr data-task="4.2".*?>', page).group(0)
    assert "Khi phát sinh (không tính quá hạn)" in re.search(r'<tr data-task="4.3".*?</tr>', page, re.S).group(0)


def test_the_preview_shows_the_next_sweeps_emails_and_sends_nothing(as_user, loaded):
    before = outbox_size(loaded)
    page = as_user("hoa").get(f"/plans/{COMMUNE}").text
    preview = page.split('id="preview"', 1)[1]
    # The finance official leads 3.2.1 (its 10/05 report is not owed): asked to complete it, not to direct itself.
    assert "[Đôn đốc] 1 nhiệm vụ quá hạn cần khẩn trương hoàn thành — Công chức tài chính – kế toán" in preview
    assert "/r/(liên kết riêng của cơ quan)" in preview and not TOKEN_IN_LINK.search(preview)
    assert outbox_size(loaded) == before


def test_the_preview_can_be_asked_for_a_chosen_date(as_user):
    preview = as_user("hoa").get(f"/plans/{COMMUNE}?preview_on=2023-10-25").text.split('id="preview"', 1)[1]
    assert "sắp đến hạn" in preview and "Báo cáo năm" in preview and "Còn 5 ngày" in preview


def test_a_coordinator_confirms_a_reported_completion(as_user, loaded):
    occ = reported_item(loaded)
    client = as_user("hoa")
    assert f'data-occurrence="{occ.id}"' in client.get(f"/plans/{COMMUNE}").text.split('id="awaiting"')[1]
    response = review(client, occ, action="confirm", comment="Đã kiểm tra dự toán")
    assert response.status_code == 303
    with session_scope(loaded, write=False) as s:
        done = s.get(Occurrence, occ.id)
        last = s.execute(select(Event).where(Event.occurrence_id == occ.id).order_by(Event.id.desc())).scalars().first()
    assert done.status == "done" and done.completed_on == date(2023, 6, 1)
    assert (last.actor_kind, last.actor, last.note) == ("user", "hoa", "Đã kiểm tra dự toán")
    assert "Đã xác nhận hoàn thành" in client.get(response.headers["location"]).text


def test_a_coordinator_sends_a_report_back_with_a_comment(as_user, loaded):
    occ = reported_item(loaded)
    assert review(as_user("hoa"), occ, action="send_back", comment="Thiếu số liệu quý I").status_code == 303
    with session_scope(loaded, write=False) as s:
        back = s.get(Occurrence, occ.id)
    assert back.status == "in_progress" and back.review_comment == "Thiếu số liệu quý I" and back.reported_on is None
    assert back.note == occ.note  # the agency's own note stays as it wrote it


def test_sending_back_without_a_comment_is_refused_and_changes_nothing(as_user, loaded):
    occ = reported_item(loaded)
    response = review(as_user("hoa"), occ, action="send_back", comment="  ")
    assert response.status_code == 400 and "cần ghi nhận xét" in response.text
    with session_scope(loaded, write=False) as s:
        assert s.get(Occurrence, occ.id).status == "reported"


def test_confirming_an_item_that_was_not_reported_is_a_conflict(as_user, loaded):
    occ = occurrence_of(loaded, COMMUNE, "3.2.1")
    assert review(as_user("hoa"), occ, action="confirm").status_code == 409
    with session_scope(loaded, write=False) as s:
        assert s.get(Occurrence, occ.id).status == "not_started"


def test_a_coordinator_cannot_review_another_coordinators_plan(as_user, loaded):
    occ = reported_item(loaded)
    client = as_user("minh")
    page = client.get(f"/plans/{PROVINCE}")
    response = client.post(f"/plans/{COMMUNE}/occurrences/{occ.id}/review",
                           data={"csrf": csrf_of(page.text), "action": "confirm"})
    assert response.status_code == 404
    response = client.post(f"/plans/{PROVINCE}/occurrences/{occ.id}/review",
                           data={"csrf": csrf_of(page.text), "action": "confirm"})
    assert response.status_code == 404
    with session_scope(loaded, write=False) as s:
        assert s.get(Occurrence, occ.id).status == "reported"


def test_the_task_page_shows_occurrences_history_and_emails_with_their_delivery_state(as_user, loaded, smtp_server):
    rt = Runtime.from_settings(Settings(smtp_port=smtp_server.port, secret_key=SECRET, send_backoff_s=0))
    run_sweep(loaded, rt, now=NOW)
    run_send(loaded, rt, clock=lambda: NOW)
    occ = reported_item(loaded)
    page = as_user("hoa").get(f"/occurrences/{occ.id}")
    assert page.status_code == 200 and f'id="occ-{occ.id}"' in page.text
    emails = page.text.split("Thư đã gửi", 1)[1].split("Lịch sử thay đổi", 1)[0]
    assert "Đôn đốc lên cấp trên" in emails and "Đã gửi" in emails and "Công chức tài chính – kế toán" in emails
    history = page.text.split("Lịch sử thay đổi", 1)[1]
    assert "Đôn đốc" in history and "Đổi trạng thái" in history and f"Cơ quan: {FINANCE}" not in history
    assert f"Người dùng: {FINANCE}" in history


def test_the_province_plan_lists_its_tasks_in_the_documents_order(as_user):
    page = as_user("minh").get(f"/plans/{PROVINCE}").text
    numbers = re.findall(r'<tr data-task="([^"]+)"', page)
    assert numbers[:6] == ["III.2.1.a", "III.2.1.b", "III.2.1.c", "III.2.1.d", "III.2.1.đ", "III.2.1.e"]
    assert numbers[-1].startswith("BC-")
