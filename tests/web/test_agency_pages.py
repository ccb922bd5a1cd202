"""The agency response page behind the link in every reminder: own open
items only, in progress / report done, the focal agency told; a tampered
or expired link gets a clear page and changes nothing."""
from __future__ import annotations

import re
import time

import pytest
from itsdangerous.timed import TimestampSigner
from sqlalchemy import func, select

from dondoc.notifications.tokens import make_token
from dondoc.store.db import session_scope
from dondoc.store.models import Event, Occurrence
from dondoc.store.outbox_models import Email
from tests.web.conftest import COMMUNE, SECRET, occurrence_of

FINANCE = "cong-chuc-tai-chinh-thanh-linh"
HEALTH = "tram-y-te-thanh-linh"
FOCAL_EMAIL = "chinhsach@thanhlinh.example.vn"


def link(agency: str = FINANCE) -> str:
    return "/r/" + make_token(agency, secret=SECRET)


def form_token(html: str) -> str:
    return re.search(r'name="form" value="([0-9a-f]+)"', html).group(1)


def post(anon, url: str, occurrence_id: int, **fields: str):
    page = anon.get(url)
    return anon.post(f"{url}/occurrences/{occurrence_id}", data={"form": form_token(page.text), **fields},
                     follow_redirects=False)


def snapshot(engine, occurrence_id: int) -> tuple:
    with session_scope(engine, write=False) as s:
        occ = s.get(Occurrence, occurrence_id)
        events = s.execute(select(func.count(Event.id))).scalar()
        emails = s.execute(select(func.count(Email.id))).scalar()
    return occ.status, occ.note, occ.evidence_url, events, emails


def test_the_link_opens_a_page_of_the_agencys_own_open_items(anon, loaded):
    page = anon.get(link())
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "Nhiệm vụ của Công chức tài chính – kế toán" in page.text
    shown = {int(i) for i in re.findall(r'<article class="item card" id="occ-(\d+)"', page.text)}
    with session_scope(loaded, write=False) as s:
        own = set(s.execute(select(Occurrence.id).where(Occurrence.owner_id == FINANCE,
                                                        Occurrence.status != "waived")).scalars())
    assert shown == own and len(shown) == 2  # the 6-month report due 10/05, before the plan's 15/05, is not owed
    assert 'name="viewport"' in page.text


def test_the_page_is_private_never_cached_and_sends_no_referrer(anon):
    headers = anon.get(link()).headers
    assert headers["cache-control"] == "no-store" and headers["referrer-policy"] == "no-referrer"
    assert "noindex" in headers["x-robots-tag"]


def test_a_changed_token_answers_403_with_a_vietnamese_page(anon):
    url = link()
    tampered = url[:-3] + ("abc" if not url.endswith("abc") else "xyz")
    page = anon.get(tampered)
    assert page.status_code == 403 and "Liên kết không hợp lệ" in page.text


def test_an_expired_link_answers_410_and_changes_nothing(anon, loaded, monkeypatch):
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: int(time.time()) - 31 * 86400)
    old = link()
    monkeypatch.undo()
    page = anon.get(old)
    assert page.status_code == 410 and "Liên kết đã hết hạn" in page.text
    occ = occurrence_of(loaded, COMMUNE, "3.2.1")
    before = snapshot(loaded, occ.id)
    response = anon.post(f"{old}/occurrences/{occ.id}", data={"form": "x", "action": "reported"})
    assert response.status_code == 410 and snapshot(loaded, occ.id) == before


def test_an_agency_reports_completion_with_a_note_and_an_evidence_link(anon, loaded):
    occ = occurrence_of(loaded, COMMUNE, "3.2.1")
    response = post(anon, link(), occ.id, action="reported", note="Đã bố trí 50 triệu đồng",
                    evidence_url="https://thanhlinh.example.vn/qd-12.pdf")
    assert response.status_code == 303
    assert "Đã ghi nhận" in anon.get(response.headers["location"]).text
    with session_scope(loaded, write=False) as s:
        done = s.get(Occurrence, occ.id)
        event = s.execute(select(Event).where(Event.occurrence_id == occ.id)).scalars().one()
        email = s.execute(select(Email).where(Email.kind == "reported")).scalars().one()
    assert (done.status, done.note, done.evidence_url) == ("reported", "Đã bố trí 50 triệu đồng",
                                                           "https://thanhlinh.example.vn/qd-12.pdf")
    assert (event.actor_kind, event.actor) == ("agency", FINANCE)
    assert email.key == f"reported-{occ.id}-{event.id}" and email.to_addrs == [FOCAL_EMAIL]
    assert "Công chức tài chính – kế toán" in email.subject and "Đã bố trí 50 triệu đồng" in email.body_text
    assert f"/plans/{COMMUNE}#occ-{occ.id}" in email.body_text


def test_an_agency_marks_an_item_in_progress_and_the_focal_agency_is_told(anon, loaded):
    occ = occurrence_of(loaded, COMMUNE, "3.2.1")
    assert post(anon, link(), occ.id, action="in_progress", note="Đã lập dự toán").status_code == 303
    with session_scope(loaded, write=False) as s:
        assert s.get(Occurrence, occ.id).status == "in_progress"
        email = s.execute(select(Email).where(Email.kind == "reported")).scalars().one()
    assert "đang thực hiện" in email.body_text and "Đã lập dự toán" in email.body_text


def test_a_status_change_without_a_note_is_refused_and_changes_nothing(anon, loaded):
    occ = occurrence_of(loaded, COMMUNE, "3.2.1")
    before = snapshot(loaded, occ.id)
    progress = post(anon, link(), occ.id, action="in_progress", note="  ")
    assert progress.status_code == 400 and "Cần ghi chú tiến độ" in progress.text
    done = post(anon, link(), occ.id, action="reported")
    assert done.status_code == 400 and "cần ghi kết quả thực hiện" in done.text
    assert snapshot(loaded, occ.id) == before


def test_progress_on_an_item_in_progress_is_a_note_with_an_event(anon, loaded):
    occ = occurrence_of(loaded, COMMUNE, "3.2.1")
    assert post(anon, link(), occ.id, action="in_progress", note="Bước 1 xong").status_code == 303
    assert post(anon, link(), occ.id, action="in_progress", note="Bước 2 xong").status_code == 303
    with session_scope(loaded, write=False) as s:
        assert s.get(Occurrence, occ.id).note == "Bước 2 xong"
        kinds = s.execute(select(Event.kind).where(Event.occurrence_id == occ.id)).scalars().all()
    assert "occurrence.progress" in kinds


def test_an_agency_cannot_touch_another_agencys_item(anon, loaded):
    theirs = occurrence_of(loaded, COMMUNE, "2.1")
    assert theirs.owner_id != FINANCE
    before = snapshot(loaded, theirs.id)
    response = post(anon, link(), theirs.id, action="reported", note="không phải việc của tôi")
    assert response.status_code == 404 and snapshot(loaded, theirs.id) == before


def test_a_form_without_the_agency_form_token_is_refused(anon, loaded):
    occ = occurrence_of(loaded, COMMUNE, "3.2.1")
    before = snapshot(loaded, occ.id)
    response = anon.post(f"{link()}/occurrences/{occ.id}", data={"action": "reported"})
    assert response.status_code == 403 and snapshot(loaded, occ.id) == before
    other = form_token(anon.get(link(HEALTH)).text)
    response = anon.post(f"{link()}/occurrences/{occ.id}", data={"action": "reported", "form": other})
    assert response.status_code == 403 and snapshot(loaded, occ.id) == before


@pytest.mark.parametrize("evidence", ["javascript:alert(1)", "ftp://x.example/a", "https://a b"])
def test_an_evidence_link_that_is_not_http_is_refused(anon, loaded, evidence):
    occ = occurrence_of(loaded, COMMUNE, "3.2.1")
    before = snapshot(loaded, occ.id)
    response = post(anon, link(), occ.id, action="reported", evidence_url=evidence)
    assert response.status_code == 400 and "http://" in response.text and snapshot(loaded, occ.id) == before


def test_an_agency_may_not_mark_its_own_item_done(anon, loaded):
    occ = occurrence_of(loaded, COMMUNE, "3.2.1")
    before = snapshot(loaded, occ.id)
    assert post(anon, link(), occ.id, action="done").status_code == 409
    assert snapshot(loaded, occ.id) == before


def test_reporting_an_item_twice_is_a_conflict(anon, loaded):
    occ = occurrence_of(loaded, COMMUNE, "3.2.1")
    assert post(anon, link(), occ.id, action="reported", note="Đã xong").status_code == 303
    before = snapshot(loaded, occ.id)
    response = post(anon, link(), occ.id, action="reported", note="Lại xong")
    assert response.status_code == 409 and "Không thể chuyển" in response.text
    assert snapshot(loaded, occ.id) == before
    assert "chờ cơ quan đầu mối xác nhận" in anon.get(link()).text
