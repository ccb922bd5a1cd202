"""Sweep -> digest -> SMTP, received by a real aiosmtpd server on 127.0.0.1.

Personas (tests/factories.py): the commune policy official is the focal
agency and leads 1.1; the health station leads 2.1 (Quý II); the school
(English-speaking) leads 2.2 (Tháng 4-5); all three owe the 10/05 report.
"""
from __future__ import annotations

from sqlmodel import select

from dondoc.notifications.tokens import read_token
from dondoc.store.db import session_scope
from dondoc.store.outbox_models import Email, Notification
from dondoc.workflows.jobs import run_send, run_sweep
from tests.factories import write_config
from tests.notifications.helpers import SECRET, html_part, link_in, load, local, runtime, text_part

FOCAL = "chinhsach@anbinh.example.vn"
HEALTH = "tramyte@anbinh.example.vn"
SCHOOL = "truong@anbinh.example.vn"
COMMUNE = "ubnd@anbinh.example.vn"
JUNE_23 = local("2023-06-23T07:30")


def sweep_and_send(engine, rt, now):
    result = run_sweep(engine, rt, now=now)
    sent = run_send(engine, rt, clock=lambda: now)
    return result, sent


def test_each_recipient_gets_one_digest_with_all_their_items(tmp_path, engine, smtp_server):
    load(engine, write_config(tmp_path))
    result, sent = sweep_and_send(engine, runtime(smtp_server.port), JUNE_23)
    assert result.due_soon == 2 and result.emails_queued == 4 and sent.sent == 4
    assert sorted(str(m["To"]) for m in smtp_server.messages) == sorted([FOCAL, HEALTH, SCHOOL, COMMUNE])
    commune = text_part(smtp_server.to(COMMUNE)[0])
    assert "2.2" in commune and commune.count("BC-1") == 3  # the issuer, escalated for the school and three reports


def test_subjects_with_diacritics_arrive_decoded(tmp_path, engine, smtp_server):
    load(engine, write_config(tmp_path))
    sweep_and_send(engine, runtime(smtp_server.port), JUNE_23)
    [health] = smtp_server.to(HEALTH)
    assert str(health["Subject"]) == "[dondoc] 2 nhiệm vụ cần theo dõi, đôn đốc — Trạm y tế xã An Bình"
    assert "Hệ thống dondoc" in str(health["From"])


def test_copied_items_are_marked_and_own_items_come_first(tmp_path, engine, smtp_server):
    load(engine, write_config(tmp_path))
    sweep_and_send(engine, runtime(smtp_server.port), JUNE_23)
    body = text_part(smtp_server.to(FOCAL)[0])
    assert body.index("Nhiệm vụ 1.1") < body.index("(để biết)")
    assert "Nhiệm vụ 2.2" in body and "Quá hạn 23 ngày" in body


def test_an_english_speaking_agency_gets_english(tmp_path, engine, smtp_server):
    load(engine, write_config(tmp_path))
    sweep_and_send(engine, runtime(smtp_server.port), JUNE_23)
    [school] = smtp_server.to(SCHOOL)
    assert str(school["Subject"]).startswith("[Escalation] 2 overdue task(s)") and "days overdue" in text_part(school)


def test_every_email_has_text_and_html_and_a_link_that_verifies(tmp_path, engine, smtp_server):
    load(engine, write_config(tmp_path))
    sweep_and_send(engine, runtime(smtp_server.port), JUNE_23)
    for msg in smtp_server.messages:
        link = link_in(msg)
        assert link.startswith("http://127.0.0.1:8000/r/") and link in html_part(msg)
        agency = read_token(link.rsplit("/", 1)[1], secret=SECRET, max_age_s=3600)
        assert agency.replace("-", "").startswith(("congchuc", "tramyte", "truonghoc", "ubndxa"))
        assert str(msg["Message-ID"]).startswith("<digest-")


def test_rerunning_the_sweep_at_the_same_now_queues_nothing(tmp_path, engine, smtp_server):
    load(engine, write_config(tmp_path))
    rt = runtime(smtp_server.port)
    sweep_and_send(engine, rt, JUNE_23)
    again, sent = sweep_and_send(engine, rt, JUNE_23)
    assert again.emails_queued == 0 and again.notifications == 0 and sent.sent == 0
    assert len(smtp_server.messages) == 4


def test_the_day_after_the_deadline_the_lead_is_notified_and_the_focal_copied(tmp_path, engine, smtp_server):
    load(engine, write_config(tmp_path))
    rt = runtime(smtp_server.port)
    sweep_and_send(engine, rt, JUNE_23)
    smtp_server.messages.clear()
    result, _ = sweep_and_send(engine, rt, local("2023-07-01T07:30"))
    assert result.overdue == 2
    health = text_part(smtp_server.to(HEALTH)[0])
    assert "2.1" in health and "Quá hạn 1 ngày" in health
    assert "(để biết)" in text_part(smtp_server.to(FOCAL)[0])


def test_dry_run_shows_what_would_be_sent_and_writes_nothing(tmp_path, engine, smtp_server):
    load(engine, write_config(tmp_path))
    result = run_sweep(engine, runtime(smtp_server.port), now=JUNE_23, dry_run=True)
    assert result.would_send and result.emails_queued == 0
    with session_scope(engine, write=False) as s:
        assert s.exec(select(Notification)).first() is None and s.exec(select(Email)).first() is None


def test_a_refused_recipient_ends_as_failed_and_is_listed(tmp_path, engine, smtp_server):
    load(engine, write_config(tmp_path))
    smtp_server.reject.add(SCHOOL)
    _, sent = sweep_and_send(engine, runtime(smtp_server.port), JUNE_23)
    assert sent.sent == 3 and sent.failed == 1
    with session_scope(engine, write=False) as s:
        [failed] = s.exec(select(Email).where(Email.status == "failed")).all()
    assert failed.to_addrs == [SCHOOL] and "550" in failed.last_error


def test_html_in_task_titles_is_inert_in_emails(tmp_path, engine, smtp_server):
    from tests.factories import PLAN

    plan = PLAN.replace("title: Tổ chức Tháng hành động vì trẻ em", "title: <script>alert(1)</script> & <b>Tháng</b>")
    load(engine, write_config(tmp_path, plan=plan))
    sweep_and_send(engine, runtime(smtp_server.port), JUNE_23)
    html = html_part(smtp_server.to(FOCAL)[0])
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;b&gt;" in html
