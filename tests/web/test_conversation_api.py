"""The conversation API: extension requests and their decision, evidence
files, reassignment, send-back, coordinator actions, indicators, history.
Another agency's token answers 404, a closed item 409, a file that is not
what its name says 400; link-holder emails are coalesced."""
from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from dondoc.store.conversation_models import Evidence
from dondoc.store.db import session_scope
from dondoc.store.models import Event, Occurrence
from dondoc.store.outbox_models import Email
from dondoc.web.app import create_app
from tests.web.conftest import COMMUNE, move, occurrence_of
from tests.web.conversation_helpers import (
    FINANCE,
    FOCAL,
    HEALTH,
    PDF,
    PNG,
    Clock,
    agency_bearer,
    conversation_settings,
    load_indicator_plan,
    xlsx_bytes,
    zip_without_content_types,
)


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def app(loaded, db_url, tmp_path, clock):
    return create_app(conversation_settings(db_url, tmp_path / "files"), loaded, clock=clock)


def emails(engine, **where) -> list[Email]:
    with session_scope(engine, write=False) as s:
        q = select(Email).order_by(Email.id)
        for k, v in where.items():
            q = q.where(getattr(Email, k) == v)
        return list(s.execute(q).scalars())


def ask(anon, occ_id: int, due: str = "2023-06-30", agency: str = FINANCE, reason: str = "Chờ nguồn kinh phí"):
    return anon.post(f"/api/agency/occurrences/{occ_id}/extension-requests", headers=agency_bearer(agency),
                     json={"due": due, "reason": reason})


def test_an_agency_asks_for_an_extension_after_the_deadline_and_it_is_marked_late(anon, loaded):
    occ = occurrence_of(loaded, COMMUNE, "3.2.1")
    response = ask(anon, occ.id)
    assert response.status_code == 201
    body = response.json()
    assert body["status"] == "pending" and body["late"] is True and body["due"] == "2023-06-30"
    assert body["confirmer"] == FOCAL and body["due_before"] == occ.due.isoformat()
    [mail] = emails(loaded, kind="extension")
    assert mail.recipient == FOCAL and "Chờ nguồn kinh phí" in mail.body_text and "sau khi đã quá hạn" in mail.body_text


def test_another_agencys_token_cannot_ask_for_an_extension_of_an_item_not_its_own(anon, loaded):
    occ = occurrence_of(loaded, COMMUNE, "3.2.1")
    assert ask(anon, occ.id, agency=HEALTH).status_code == 404
    assert anon.get(f"/api/agency/evidence?occurrence={occ.id}", headers=agency_bearer(HEALTH)).status_code == 404
    assert emails(loaded) == []


def test_an_extension_of_a_closed_item_is_a_conflict(anon, loaded):
    occ = occurrence_of(loaded, COMMUNE, "3.2.1")
    move(loaded, occ.id, "done")
    response = ask(anon, occ.id)
    assert response.status_code == 409 and "đã đóng" in response.json()["detail"]


def test_a_second_pending_request_and_a_date_not_later_are_refused(anon, loaded):
    occ = occurrence_of(loaded, COMMUNE, "3.2.1")
    early = ask(anon, occ.id, due=occ.due.isoformat())
    assert early.status_code == 409 and "sau hạn hiện tại" in early.json()["detail"]
    assert ask(anon, occ.id, reason="  ").status_code == 422
    assert ask(anon, occ.id).status_code == 201
    assert ask(anon, occ.id, due="2023-07-15").status_code == 409


def test_the_focal_agency_approves_and_the_effective_due_moves_with_the_written_one_kept(anon, loaded, token_for):
    occ = occurrence_of(loaded, COMMUNE, "3.2.1")
    with session_scope(loaded) as s:
        s.get(Occurrence, occ.id).escalation_level = 2
    req = ask(anon, occ.id).json()
    pending = anon.get("/api/extension-requests?status=pending", headers=token_for("hoa")).json()
    assert [r["id"] for r in pending] == [req["id"]]
    response = anon.post(f"/api/extension-requests/{req['id']}/approve", headers=token_for("hoa"),
                         json={"note": "Đồng ý, hoàn thành trước 30/6"})
    assert response.status_code == 200 and response.json()["status"] == "approved"
    got = anon.get(f"/api/occurrences/{occ.id}", headers=token_for("hoa")).json()
    assert got["due"] == "2023-06-30" and got["due_as_written"] == occ.due.isoformat() and got["extended"] is True
    assert got["escalation_level"] == 0 and got["category"] == "in_progress_on_time"
    with session_scope(loaded, write=False) as s:
        kinds = s.execute(select(Event.kind).where(Event.occurrence_id == occ.id)).scalars().all()
        assert s.get(Occurrence, occ.id).next_check_on is not None
    assert {"extension.requested", "occurrence.extended", "extension.approved"} <= set(kinds)
    decided = [e for e in emails(loaded, kind="extension") if e.key.startswith("extension-")]
    assert {e.recipient for e in decided} == {FINANCE, FOCAL}
    assert all("30/06/2023" in e.body_text for e in decided)
    assert anon.post(f"/api/extension-requests/{req['id']}/refuse", headers=token_for("hoa"),
                     json={"note": "muộn"}).status_code == 409


def test_refusing_needs_a_note_and_leaves_the_deadline(anon, loaded, token_for):
    occ = occurrence_of(loaded, COMMUNE, "3.2.1")
    req = ask(anon, occ.id).json()
    url = f"/api/extension-requests/{req['id']}/refuse"
    assert anon.post(url, headers=token_for("hoa"), json={"note": " "}).status_code == 422
    response = anon.post(url, headers=token_for("hoa"), json={"note": "Không có căn cứ"})
    assert response.status_code == 200 and response.json()["status"] == "refused"
    got = anon.get(f"/api/occurrences/{occ.id}", headers=token_for("hoa")).json()
    assert got["due"] == occ.due.isoformat() == got["due_as_written"] and got["extended"] is False


def test_a_coordinator_outside_the_plan_cannot_see_or_decide_the_request(anon, loaded, token_for):
    occ = occurrence_of(loaded, COMMUNE, "3.2.1")
    req = ask(anon, occ.id).json()
    assert anon.get("/api/extension-requests", headers=token_for("minh")).json() == []
    response = anon.post(f"/api/extension-requests/{req['id']}/approve", headers=token_for("minh"), json={})
    assert response.status_code == 404


def test_where_the_plan_says_so_the_issuer_confirms_and_the_focal_coordinator_may_not(anon, loaded, token_for,
                                                                                    tmp_path):
    load_indicator_plan(loaded, tmp_path)
    occ = occurrence_of(loaded, "thanh-linh-chi-tieu", "1")
    req = ask(anon, occ.id, due="2024-01-31").json()
    assert req["confirmer"] == "ubnd-xa-thanh-linh" and req["late"] is False
    assert anon.post(f"/api/extension-requests/{req['id']}/approve", headers=token_for("hoa"),
                     json={}).status_code == 404
    assert anon.post(f"/api/extension-requests/{req['id']}/approve", headers=token_for("lan"),
                     json={}).status_code == 200


def test_evidence_is_stored_by_its_hash_listed_and_served_only_to_who_may_see_it(anon, loaded, token_for, tmp_path):
    occ = occurrence_of(loaded, COMMUNE, "3.2.1")
    url = f"/api/agency/occurrences/{occ.id}/evidence"
    response = anon.post(url, headers=agency_bearer(FINANCE), files={"file": ("du-toan.pdf", PDF, "text/plain")})
    assert response.status_code == 201
    body = response.json()
    assert body["sha256"] == hashlib.sha256(PDF).hexdigest() and body["size"] == len(PDF)
    assert body["media_type"] == "application/pdf"
    assert (tmp_path / "files" / body["sha256"][:2] / body["sha256"]).read_bytes() == PDF
    again = anon.post(url, headers=agency_bearer(FINANCE), files={"file": ("lai.pdf", PDF, "application/pdf")})
    assert again.json()["id"] == body["id"]
    listed = anon.get(f"/api/occurrences/{occ.id}/evidence", headers=token_for("hoa")).json()
    assert [e["id"] for e in listed] == [body["id"]]
    mine = anon.get(f"/api/agency/evidence?occurrence={occ.id}", headers=agency_bearer(FINANCE)).json()
    assert [e["sha256"] for e in mine] == [body["sha256"]]
    got = anon.get(f"/api/evidence/{body['id']}", headers=token_for("hoa"))
    assert got.status_code == 200 and got.content == PDF and got.headers["content-type"] == "application/pdf"
    assert "attachment" in got.headers["content-disposition"]
    assert anon.get(f"/api/evidence/{body['id']}", headers=token_for("minh")).status_code == 404
    assert anon.get(f"/api/agency/evidence/{body['id']}", headers=agency_bearer(HEALTH)).status_code == 404
    assert anon.get(f"/api/agency/evidence/{body['id']}", headers=agency_bearer(FINANCE)).content == PDF


@pytest.mark.parametrize("name, data", [("bao-cao.pdf", b"<html>not a pdf</html>"),
                                        ("bao-cao.docx", zip_without_content_types()),
                                        ("anh.png", b"GIF89a" + b"\x00" * 20), ("trong.pdf", b"")])
def test_a_file_that_is_not_what_its_name_says_is_refused(anon, loaded, name, data):
    occ = occurrence_of(loaded, COMMUNE, "3.2.1")
    response = anon.post(f"/api/agency/occurrences/{occ.id}/evidence", headers=agency_bearer(FINANCE),
                         files={"file": (name, data, "application/pdf")})
    assert response.status_code == 415
    with session_scope(loaded, write=False) as s:
        assert s.execute(select(func.count(Evidence.id))).scalar() == 0


def test_excel_and_images_are_accepted_and_a_file_over_the_limit_is_413(anon, loaded, db_url, tmp_path, clock):
    occ = occurrence_of(loaded, COMMUNE, "3.2.1")
    url = f"/api/agency/occurrences/{occ.id}/evidence"
    xlsx = anon.post(url, headers=agency_bearer(FINANCE), files={"file": ("so-lieu.xlsx", xlsx_bytes(), "x/y")})
    assert xlsx.status_code == 201 and xlsx.json()["media_type"].endswith("spreadsheetml.sheet")
    assert anon.post(url, headers=agency_bearer(FINANCE), files={"file": ("a.png", PNG, "x/y")}).status_code == 201
    small = TestClient(create_app(conversation_settings(db_url, tmp_path / "f2", max_upload_bytes=64), loaded,
                                  clock=clock))
    big = small.post(url, headers=agency_bearer(FINANCE), files={"file": ("big.pdf", PDF + b"0" * 100, "x/y")})
    assert big.status_code == 413


def test_link_holder_emails_are_coalesced_per_item_and_recipient_within_the_window(anon, loaded, clock):
    occ = occurrence_of(loaded, COMMUNE, "3.2.1")
    status = f"/api/agency/occurrences/{occ.id}/status"
    for note in ("Bước 1", "Bước 2"):
        assert anon.post(status, headers=agency_bearer(FINANCE),
                         json={"status": "in_progress", "note": note}).status_code == 200
    assert ask(anon, occ.id).status_code == 201
    assert len(emails(loaded, recipient=FOCAL)) == 1
    clock.now += timedelta(minutes=61)
    anon.post(status, headers=agency_bearer(FINANCE), json={"status": "in_progress", "note": "Bước 3"})
    mails = emails(loaded, recipient=FOCAL)
    assert len(mails) == 2 and "Bước 3" in mails[-1].body_text


def test_a_send_back_keeps_the_agencys_note_and_emails_the_comment_with_its_link(anon, loaded, token_for):
    occ = occurrence_of(loaded, COMMUNE, "3.2.1")
    anon.post(f"/api/agency/occurrences/{occ.id}/status", headers=agency_bearer(FINANCE),
              json={"status": "reported", "note": "Đã bố trí kinh phí"})
    assert anon.post(f"/api/occurrences/{occ.id}/review", headers=token_for("hoa"),
                     json={"action": "send_back"}).status_code == 422
    response = anon.post(f"/api/occurrences/{occ.id}/review", headers=token_for("hoa"),
                         json={"action": "send_back", "comment": "Thiếu quyết định phân bổ"})
    body = response.json()
    assert body["status"] == "in_progress" and body["note"] == "Đã bố trí kinh phí"
    assert body["review_comment"] == "Thiếu quyết định phân bổ"
    [mail] = emails(loaded, kind="sent_back")
    assert mail.recipient == FINANCE and "Thiếu quyết định phân bổ" in mail.body_text
    assert "http://testserver/r/" in mail.body_text


def test_a_reassignment_approved_moves_the_item_and_its_counts(anon, loaded, token_for):
    occ = occurrence_of(loaded, COMMUNE, "3.2.1")
    url = f"/api/agency/occurrences/{occ.id}/reassignment-requests"
    assert anon.post(url, headers=agency_bearer(FINANCE), json={"to": "khong-co", "reason": "x"}).status_code == 409
    req = anon.post(url, headers=agency_bearer(FINANCE), json={"to": HEALTH, "reason": "Việc của trạm y tế"})
    assert req.status_code == 201 and req.json()["status"] == "pending"
    listed = anon.get("/api/reassignment-requests?status=pending", headers=token_for("hoa")).json()
    assert [r["id"] for r in listed] == [req.json()["id"]]
    done = anon.post(f"/api/reassignment-requests/{req.json()['id']}/approve", headers=token_for("hoa"), json={})
    assert done.status_code == 200 and done.json()["status"] == "approved"
    assert anon.get(f"/api/agency/occurrences/{occ.id}", headers=agency_bearer(FINANCE)).status_code == 404
    assert anon.get(f"/api/agency/occurrences/{occ.id}", headers=agency_bearer(HEALTH)).json()["owner"] == HEALTH
    assert {e.recipient for e in emails(loaded, kind="reassignment")} >= {FINANCE, HEALTH}
    history = anon.get("/api/agency/history", headers=agency_bearer(FINANCE)).json()
    assert "occurrence.reassigned" in {h["kind"] for h in history}


def test_coordinator_actions_need_a_reason_and_write_an_event(anon, loaded, token_for):
    occ = occurrence_of(loaded, COMMUNE, "3.2.1")
    url = f"/api/occurrences/{occ.id}/actions"
    assert anon.post(url, headers=token_for("hoa"), json={"action": "waive", "reason": ""}).status_code == 422
    assert anon.post(url, headers=token_for("hoa"), json={"action": "extend", "reason": "r"}).status_code == 422
    assert anon.post(url, headers=token_for("hoa"), json={"action": "extend", "reason": "r", "due": 0}).status_code == 422
    extended = anon.post(url, headers=token_for("hoa"), json={"action": "extend", "reason": "Chỉ đạo của UBND",
                                                              "due": "2023-07-31"})
    assert extended.status_code == 200 and extended.json()["due"] == "2023-07-31"
    resend = anon.post(url, headers=token_for("hoa"), json={"action": "resend_link", "reason": "Mất thư"})
    assert resend.status_code == 200
    [link] = emails(loaded, kind="link")
    assert link.recipient == FINANCE and "/r/" in link.body_text
    waived = anon.post(url, headers=token_for("hoa"), json={"action": "waive", "reason": "Không còn phù hợp"})
    assert waived.json()["status"] == "waived"
    assert anon.post(url, headers=token_for("minh"), json={"action": "cancel", "reason": "x"}).status_code == 404
    with session_scope(loaded, write=False) as s:
        kinds = set(s.execute(select(Event.kind).where(Event.occurrence_id == occ.id)).scalars())
    assert {"occurrence.extended", "agency.link_resent", "occurrence.status"} <= kinds


def test_changing_a_tasks_lead_moves_its_open_items(anon, loaded, token_for):
    occ = occurrence_of(loaded, COMMUNE, "3.2.1")
    response = anon.post(f"/api/occurrences/{occ.id}/actions", headers=token_for("hoa"),
                         json={"action": "lead", "reason": "Phân công lại", "lead": HEALTH})
    assert response.status_code == 200 and response.json()["owner"] == HEALTH
    task = anon.get(f"/api/tasks/{occ.task_id}", headers=token_for("hoa")).json()
    assert task["lead"] == HEALTH


def test_indicators_are_assigned_reported_per_period_and_shown_against_targets(anon, loaded, token_for, tmp_path):
    load_indicator_plan(loaded, tmp_path)
    mine = anon.get("/api/agency/indicators", headers=agency_bearer(FINANCE)).json()
    assert [(i["number"], i["target"]) for i in mine] == [(1, 100.0)]
    url = f"/api/agency/indicators/{mine[0]['indicator_id']}/values"
    assert anon.post(url, headers=agency_bearer(FINANCE), json={"period": "nửa năm", "value": 1}).status_code == 422
    assert anon.post(url, headers=agency_bearer(HEALTH), json={"period": "2023-H1", "value": 1}).status_code == 404
    reported = anon.post(url, headers=agency_bearer(FINANCE), json={"period": "2023-H1", "value": 92.5})
    assert reported.status_code == 201 and reported.json()["attainment"] == pytest.approx(0.925)
    rows = anon.get("/api/indicators?plan=thanh-linh-chi-tieu", headers=token_for("hoa")).json()
    got = {(r["number"], r["agency"]): r for r in rows}
    assert got[(1, FINANCE)]["value"] == 92.5 and got[(2, HEALTH)]["value"] is None
    assert anon.get("/api/indicators?plan=thanh-linh-chi-tieu", headers=token_for("minh")).status_code == 404


def test_every_new_route_is_documented_and_needs_authentication(anon, loaded):
    paths = anon.get("/openapi.json").json()["paths"]
    wanted = {"/api/agency/occurrences/{occurrence_id}/extension-requests", "/api/extension-requests",
              "/api/extension-requests/{request_id}/approve", "/api/extension-requests/{request_id}/refuse",
              "/api/agency/occurrences/{occurrence_id}/evidence", "/api/occurrences/{occurrence_id}/evidence"}
    assert wanted <= set(paths)
    occ = occurrence_of(loaded, COMMUNE, "3.2.1")
    assert anon.get("/api/extension-requests").status_code == 401
    assert anon.post(f"/api/agency/occurrences/{occ.id}/extension-requests",
                     json={"due": "2023-06-30", "reason": "x"}).status_code == 401
