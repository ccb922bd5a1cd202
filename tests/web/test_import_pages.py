"""Importing a plan document in the web app: upload, review the flagged
draft, edit it and load it, checked all-or-nothing like `dondoc load`."""
from __future__ import annotations

import html
import io
import re

import docx
import pytest
import yaml
from sqlalchemy import func, select

from dondoc.notifications.tokens import make_token
from dondoc.store.db import session_scope
from dondoc.store.models import Agency, Event, Occurrence, Plan, Task
from tests.conftest import PLANS
from tests.web.conftest import COMMUNE, PROVINCE, SECRET, csrf_of

DOCUMENT = PLANS / "thanh-linh-2023-KH-UBND.txt"
DRAFT_NAME = "thanh-linh-2023-KH-UBND.yaml"
DRAFT_PLAN = "thanh-linh-2023"              # the importer's id: the example config's plan is another one
FLAGGED = 40                                # what `dondoc import-plan` reports for this document and registry


def upload(client, name: str, content: bytes, content_type: str = "text/plain"):
    form = client.get("/import")
    return client.post("/import", data={"csrf": csrf_of(form.text)}, files={"file": (name, content, content_type)})


def draft_of(page: str) -> str:
    return html.unescape(re.search(r'<textarea name="draft"[^>]*>\n(.*?)</textarea>', page, re.S).group(1))


def load(client, draft: str, page: str, name: str = DRAFT_NAME):
    return client.post("/import/load", data={"csrf": csrf_of(page), "draft": draft, "name": name},
                       follow_redirects=False)


def reviewed(draft: str, **plan_changes: object) -> str:
    """What a coordinator does: check each flag, then remove the review keys."""
    data = yaml.safe_load(draft)
    for plan in data["plans"]:
        plan.pop("review", None)
        plan.update(plan_changes)
        for task in plan["tasks"]:
            task.pop("review", None)
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


def counts(engine) -> tuple[int, ...]:
    with session_scope(engine, write=False) as s:
        return tuple(s.execute(select(func.count()).select_from(model)).scalar()
                     for model in (Agency, Plan, Task, Occurrence, Event))


@pytest.fixture
def hoa(as_user):
    return as_user("hoa")


@pytest.fixture
def drafted(hoa):
    """Hoa has uploaded the commune plan: (her client, the page with the draft)."""
    page = upload(hoa, DOCUMENT.name, DOCUMENT.read_bytes())
    assert page.status_code == 200, page.text
    return hoa, page.text


def row_of(page: str, number: str) -> str:
    return re.search(rf'<tr data-task="{re.escape(number)}" data-row="\d+"[^>]*>.*?</tr>', page, re.S).group(0)


def test_hoa_uploads_the_commune_plan_and_sees_its_tasks_and_every_flagged_field(drafted):
    _, page = drafted
    assert 'data-count="tasks">33<' in page and f'data-count="flagged">{FLAGGED}<' in page
    assert page.count('type="checkbox" name="clear-') == FLAGGED
    assert "thanh-linh-2023-KH-UBND.txt:3" in page and "Số ký hiệu “/KH-UBND” chưa có số thứ tự" in page
    row = row_of(page, "1.2")
    assert 'class="flagged"' in row and '<td class="flag"><select name="lead-1"' in row
    assert '<option value="cong-chuc-van-hoa-thanh-linh" selected>Công chức văn hóa – xã hội</option>' in row
    assert "<strong>Chủ trì</strong> · văn bản thanh-linh-2023-KH-UBND.txt:43" in row and "bản nháp dòng" in row
    assert 'value="Thường xuyên trong năm"' in row and "→ thường xuyên (theo các kỳ báo cáo và cuối năm)" in row
    assert "→ hạn 30/06/2023" in row_of(page, "1.1")


def test_a_reviewed_draft_loads_and_the_new_plan_is_hoas(drafted, loaded):
    client, page = drafted
    response = load(client, reviewed(draft_of(page), number="125/KH-UBND"), page)
    assert response.status_code == 303 and response.headers["location"] == f"/plans/{DRAFT_PLAN}?loaded=1"
    shown = client.get(response.headers["location"]).text
    assert "Đã nạp kế hoạch từ bản nháp." in shown and "125/KH-UBND" in shown
    with session_scope(loaded, write=False) as s:
        tasks = select(func.count(Task.id)).where(Task.plan_id == DRAFT_PLAN, Task.kind == "task")
        assert s.execute(tasks).scalar() == 33
        assert s.execute(select(Event.actor).where(Event.plan_id == DRAFT_PLAN)).scalars().first() == "web:hoa"
    assert f'data-plan="{DRAFT_PLAN}"' in client.get("/plans").text


def test_an_invalid_draft_shows_its_file_line_errors_and_changes_nothing(drafted, loaded):
    client, page = drafted
    edited = reviewed(draft_of(page)).replace("lead: tram-y-te-thanh-linh", "lead: tram-y-te-khong-co", 1)
    line = edited.splitlines().index("    lead: tram-y-te-khong-co") + 1
    before = counts(loaded)
    response = load(client, edited, page)
    assert response.status_code == 422
    assert f"{DRAFT_NAME}:{line}:" in response.text and "tram-y-te-khong-co" in response.text
    assert "Bản nháp có lỗi, chưa nạp gì" in response.text
    assert draft_of(response.text) == edited
    assert counts(loaded) == before


def test_review_keys_left_in_the_draft_are_named_with_their_lines_and_nothing_loads(drafted, loaded):
    client, page = drafted
    draft = draft_of(page)
    before = counts(loaded)
    response = load(client, draft, page)
    first_review = draft.splitlines().index("  review:") + 2
    assert response.status_code == 422
    assert f"{DRAFT_NAME}:{first_review}: plans.review: cần rà soát rồi xóa" in response.text
    assert "plans.tasks.review" in response.text and counts(loaded) == before


def test_a_yaml_syntax_error_is_shown_with_its_line(drafted, loaded):
    client, page = drafted
    before = counts(loaded)
    response = load(client, "plans:\n  - id: [unclosed\n", page)
    assert response.status_code == 422 and f"{DRAFT_NAME}:3:" in response.text and "YAML" in response.text
    assert counts(loaded) == before


@pytest.mark.parametrize("name", ["ke-hoach.doc", "ke-hoach.xlsx", "ke-hoach"])
def test_a_document_of_another_type_is_refused_with_a_clear_vietnamese_page(hoa, name):
    response = upload(hoa, name, b"%PDF-1.4 not a plan", "application/octet-stream")
    assert response.status_code == 415
    assert "chỉ nhận văn bản .txt, .docx hoặc .pdf có chữ" in response.text and "<textarea" not in response.text


def test_a_broken_or_scanned_pdf_gets_the_importers_message(hoa):
    response = upload(hoa, "ke-hoach.pdf", b"%PDF-1.4 not a plan", "application/pdf")
    assert response.status_code == 422 and "tệp PDF" in response.text and "<textarea" not in response.text


def test_a_text_file_that_is_not_a_plan_gets_the_importers_message(hoa):
    assert "tệp rỗng" in upload(hoa, "trong.txt", b"   \n").text
    response = upload(hoa, "ke-hoach.txt", b"K\xea ho\xe1ch")  # Windows-1258 bytes, not UTF-8
    assert response.status_code == 422 and "không phải văn bản UTF-8" in response.text


def test_an_upload_over_five_megabytes_is_refused(hoa):
    assert upload(hoa, "lon.txt", b"a" * (5 * 1024 * 1024 + 1)).status_code == 413
    response = upload(hoa, "rat-lon.txt", b"a" * (6 * 1024 * 1024))
    assert response.status_code == 413 and "tối đa 5 MB" in response.text


def test_a_docx_goes_through_the_same_importer(hoa):
    document = docx.Document()
    for line in DOCUMENT.read_text(encoding="utf-8").splitlines():
        document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    response = upload(hoa, "ke-hoach.docx", buffer.getvalue(),
                      "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
    assert response.status_code == 200 and 'data-count="tasks">33<' in response.text


def test_uploading_and_loading_need_the_csrf_token(drafted, loaded):
    client, page = drafted
    assert client.post("/import", files={"file": (DOCUMENT.name, DOCUMENT.read_bytes())}).status_code == 403
    before = counts(loaded)
    response = client.post("/import/load", data={"draft": reviewed(draft_of(page)), "name": DRAFT_NAME, "csrf": "x"})
    assert response.status_code == 403 and counts(loaded) == before


def test_visitors_and_agency_links_cannot_import(anon, loaded):
    agency = {"Authorization": f"Bearer {make_token('tram-y-te-thanh-linh', secret=SECRET)}"}
    for headers in ({}, agency):
        response = anon.get("/import", headers=headers, follow_redirects=False)
        assert response.status_code == 303 and response.headers["location"].startswith("/login")
    before = counts(loaded)
    csrf = csrf_of(anon.get("/login").text)
    response = anon.post("/import/load", data={"csrf": csrf, "draft": "plans: []\n", "name": "x"},
                         headers=agency, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"].startswith("/login")
    assert counts(loaded) == before


def test_a_coordinator_cannot_load_another_agencys_plan_or_change_known_agencies(as_user, drafted, loaded):
    client, page = drafted
    draft = reviewed(draft_of(page))
    minh = as_user("minh")
    refused = load(minh, draft, minh.get("/import").text)
    assert refused.status_code == 422 and "phải là cơ quan của bạn hoặc cấp dưới" in refused.text
    overwrite = load(client, draft.replace(f"id: {DRAFT_PLAN}", f"id: {PROVINCE}", 1), page)
    assert overwrite.status_code == 422 and "không thuộc phạm vi của bạn" in overwrite.text
    hijack = draft + ("agencies:\n- {id: tram-y-te-thanh-linh, name: Trạm Y tế xã, level: unit, "
                      "parent: ubnd-xa-thanh-linh, email: ke-gian@example.com}\n")
    assert "chỉ quản trị viên được sửa" in load(client, hijack, page).text
    with session_scope(loaded, write=False) as s:
        assert s.get(Agency, "tram-y-te-thanh-linh").email != "ke-gian@example.com"
        assert s.get(Plan, DRAFT_PLAN) is None and s.get(Plan, PROVINCE).title != s.get(Plan, COMMUNE).title


def test_the_admin_may_load_any_plan(as_user, loaded):
    lan = as_user("lan")
    page = upload(lan, DOCUMENT.name, DOCUMENT.read_bytes()).text
    assert load(lan, reviewed(draft_of(page)), page).status_code == 303


def test_the_import_page_is_linked_from_the_plans_list_and_speaks_english_on_request(hoa):
    assert 'href="/import"' in hoa.get("/plans").text
    assert "Import a plan from a document" in hoa.get("/import?lang=en").text


def test_yaml_aliases_are_refused_before_they_can_multiply(drafted, loaded):
    client, page = drafted
    laughs = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    laughs += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 9)]
    before = counts(loaded)
    response = load(client, "\n".join(laughs) + "\n", page)
    assert response.status_code == 422 and "neo/bí danh YAML" in response.text and counts(loaded) == before


@pytest.mark.parametrize("draft", ["plans: 3\n", "plans:\n- tasks: {a: 1}\n  review: x\n", "- 1\n- 2\n",
                                   "plans:\n- tasks: [1, {number: [1, 2], review: [3, {field: {}}]}]\n"])
def test_a_draft_of_any_shape_shows_its_errors_never_a_500(drafted, draft):
    client, page = drafted
    assert load(client, draft, page).status_code == 422
