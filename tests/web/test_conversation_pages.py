"""The conversation in the pages (no JavaScript needed): the agency's forms
behind its link, the coordinator's decisions and actions on the plan page,
evidence files served only to who may see the item, the task page's emails."""
from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from dondoc.notifications.tokens import make_token
from dondoc.store.conversation_models import ExtensionRequest
from dondoc.store.db import session_scope
from dondoc.store.models import Occurrence
from dondoc.web.app import create_app
from tests.web.conftest import COMMUNE, NOW, SECRET, csrf_of, occurrence_of
from tests.web.conversation_helpers import FINANCE, HEALTH, PDF, conversation_settings, load_indicator_plan


@pytest.fixture
def db_url(sqlite_url):
    return sqlite_url


@pytest.fixture
def app(loaded, db_url, tmp_path):
    return create_app(conversation_settings(db_url, tmp_path / "files"), loaded, clock=lambda: NOW)


def link(agency: str = FINANCE) -> str:
    return f"/r/{make_token(agency, secret=SECRET)}"


def form_token(html: str) -> str:
    return re.search(r'name="form" value="([^"]+)"', html).group(1)


def agency_post(anon, path: str, agency: str = FINANCE, files=None, **data):  # noqa: ANN001
    url = link(agency)  # one link: a token made a second later is another token, with another form token
    return anon.post(f"{url}{path}", data={"form": form_token(anon.get(url).text), **data}, files=files,
                     follow_redirects=False)


def user_post(client, path: str, **data):  # noqa: ANN001
    csrf = csrf_of(client.get(f"/plans/{COMMUNE}").text)
    return client.post(path, data={"csrf": csrf, **data}, follow_redirects=False)


def test_an_agency_asks_for_an_extension_from_its_page_and_the_plan_page_shows_it(anon, loaded, as_user):
    occ = occurrence_of(loaded, COMMUNE, "3.2.1")
    bad = agency_post(anon, f"/occurrences/{occ.id}/extension", due="30/06/2023", reason="x")
    assert bad.status_code == 400 and "YYYY-MM-DD" in bad.text
    assert agency_post(anon, f"/occurrences/{occ.id}/extension", due="2023-06-30",
                       reason="Chờ kinh phí").status_code == 303
    assert "Đã đề nghị gia hạn đến 30/06/2023" in anon.get(link()).text
    plan = as_user("hoa").get(f"/plans/{COMMUNE}").text
    assert "Chờ kinh phí" in plan and "gửi sau hạn" in plan


def test_the_coordinator_refuses_only_with_a_note_and_approves_from_the_plan_page(anon, loaded, as_user):
    occ = occurrence_of(loaded, COMMUNE, "3.2.1")
    agency_post(anon, f"/occurrences/{occ.id}/extension", due="2023-06-30", reason="Chờ kinh phí")
    with session_scope(loaded, write=False) as s:
        req = s.execute(select(ExtensionRequest)).scalar_one()
    hoa = as_user("hoa")
    path = f"/plans/{COMMUNE}/extension-requests/{req.id}"
    assert user_post(hoa, path, decision="refuse", note="").status_code == 400
    done = user_post(hoa, path, decision="approve", note="")
    assert done.status_code == 303 and "decided=extensions-approve" in done.headers["location"]
    assert "Đã đồng ý gia hạn." in hoa.get(done.headers["location"]).text
    with session_scope(loaded, write=False) as s:
        assert s.get(Occurrence, occ.id).due.isoformat() == "2023-06-30"
    page = anon.get(link()).text
    assert "đã gia hạn, hạn ghi trong kế hoạch" in page and "31/03/2023" in page


def test_evidence_uploaded_from_the_page_is_served_only_to_who_may_see_the_item(anon, loaded, app, as_user):
    occ = occurrence_of(loaded, COMMUNE, "3.2.1")
    fake = agency_post(anon, f"/occurrences/{occ.id}/evidence", files={"file": ("x.pdf", b"MZ not a pdf", "x/y")})
    assert fake.status_code == 400 and "kiểm tra theo nội dung" in fake.text
    assert agency_post(anon, f"/occurrences/{occ.id}/evidence",
                       files={"file": ("Báo cáo.pdf", PDF, "x/y")}).status_code == 303
    page = anon.get(link()).text
    href = re.search(r'href="(/r/[^"]+/evidence/(\d+))"', page)
    assert anon.get(href.group(1)).content == PDF
    assert anon.get(f"{link(HEALTH)}/evidence/{href.group(2)}").status_code == 404
    agency_post(anon, f"/occurrences/{occ.id}", action="reported", note="Xong")
    hoa = as_user("hoa")
    assert "/files/" + href.group(2) in hoa.get(f"/plans/{COMMUNE}").text
    assert hoa.get(f"/files/{href.group(2)}").content == PDF
    assert as_user("minh").get(f"/files/{href.group(2)}").status_code == 404
    assert TestClient(app).get(f"/files/{href.group(2)}", follow_redirects=False).status_code == 303


def test_a_reassignment_asked_on_the_page_is_approved_on_the_plan_page(anon, loaded, as_user):
    occ = occurrence_of(loaded, COMMUNE, "3.2.1")
    assert f'value="{HEALTH}"' in anon.get(link()).text
    assert agency_post(anon, f"/occurrences/{occ.id}/reassignment", to=HEALTH,
                       reason="Việc của trạm y tế").status_code == 303
    hoa = as_user("hoa")
    request_id = re.search(r'/reassignment-requests/(\d+)', hoa.get(f"/plans/{COMMUNE}").text).group(1)
    assert user_post(hoa, f"/plans/{COMMUNE}/reassignment-requests/{request_id}", decision="approve").status_code == 303
    assert f'data-occurrence="{occ.id}"' in anon.get(link(HEALTH)).text
    assert f'data-occurrence="{occ.id}"' not in anon.get(link()).text
    assert "Chuyển cơ quan chủ trì" in anon.get(link()).text  # the old owner's history keeps it


def test_coordinator_actions_on_the_plan_page_need_a_reason(loaded, as_user):
    occ = occurrence_of(loaded, COMMUNE, "3.2.1")
    hoa = as_user("hoa")
    path = f"/plans/{COMMUNE}/actions"
    assert user_post(hoa, path, occurrence=str(occ.id), action="waive", reason="").status_code == 400
    assert user_post(hoa, path, occurrence="x", action="waive", reason="r").status_code == 400
    assert user_post(hoa, path, occurrence=str(occ.id), action="resend_link", reason="Mất thư").status_code == 303
    assert user_post(hoa, path, occurrence=str(occ.id), action="timeframe", reason="Điều chỉnh",
                     timeframe="Tháng 9 năm 2023", due="2023-09-30").status_code == 303
    with session_scope(loaded, write=False) as s:
        moved = s.get(Occurrence, occ.id)
    assert moved.due.isoformat() == "2023-09-30" and moved.due_as_written is None
    task = hoa.get(f"/tasks/{occ.task_id}").text
    assert "Đổi thời gian thực hiện" in task and "Gửi lại liên kết" in task


def test_an_agency_reports_an_indicator_value_on_its_page_and_the_plan_shows_attainment(anon, loaded, as_user,
                                                                                      tmp_path):
    load_indicator_plan(loaded, tmp_path)
    page = anon.get(link()).text
    indicator = re.search(r'action="/r/[^"]+/indicators/(\d+)"', page).group(1)
    assert agency_post(anon, f"/indicators/{indicator}", period="2023", value="abc").status_code == 400
    assert agency_post(anon, f"/indicators/{indicator}", period="2023-H1", value="92,5").status_code == 303
    plan = as_user("hoa").get("/plans/thanh-linh-chi-tieu").text
    assert "Tỷ lệ trẻ em dưới 6 tuổi được cấp thẻ BHYT" in plan and "92%" in plan and "Chưa báo cáo" in plan
