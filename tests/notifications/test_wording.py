"""Emails say what is true (issue 14): the first email after downtime does not claim
an earlier reminder, and each recipient's wording fits its role: the lead is asked
to do it, the lead's superior to direct the unit below, the focal agency and the
copies are told it is for information. Personas: tests/factories.py."""
from __future__ import annotations

from tests.factories import write_config
from tests.notifications.helpers import load, local, runtime, text_part
from tests.notifications.test_delivery import COMMUNE, FOCAL, SCHOOL, sweep_and_send

JUNE_23 = local("2023-06-23T07:30")  # the first sweep since the plan was loaded on 1/3: "downtime"
DIRECT = "chỉ đạo, đôn đốc đơn vị trực thuộc"


def test_the_first_email_after_downtime_claims_no_earlier_reminder(tmp_path, engine, smtp_server):
    load(engine, write_config(tmp_path))
    sweep_and_send(engine, runtime(smtp_server.port), JUNE_23)
    for msg in smtp_server.messages:
        body = text_part(msg)
        assert "đã được nhắc" not in body and "(đã nhắc)" not in body and "reminded" not in body, body


def test_a_later_escalation_says_the_item_was_reminded_before(tmp_path, engine, smtp_server):
    load(engine, write_config(tmp_path))
    rt = runtime(smtp_server.port)
    sweep_and_send(engine, rt, JUNE_23)
    smtp_server.messages.clear()
    sweep_and_send(engine, rt, local("2023-07-14T07:30"))  # a week on: the repeat of the last step
    body = text_part(smtp_server.to(COMMUNE)[0])
    assert "(đã nhắc)" in body and "đã được nhắc trước đây" in body


def test_the_superior_is_asked_to_direct_the_unit_below_and_the_lead_to_do_it(tmp_path, engine, smtp_server):
    load(engine, write_config(tmp_path))
    sweep_and_send(engine, runtime(smtp_server.port), JUNE_23)
    commune = text_part(smtp_server.to(COMMUNE)[0])
    assert DIRECT in commune and "(đơn vị trực thuộc)" in commune
    school = text_part(smtp_server.to(SCHOOL)[0])  # English-speaking lead
    assert "Please complete the tasks your agency leads" in school and "direct" not in school
    assert "[Escalation] 2 overdue task(s) to complete urgently" in str(smtp_server.to(SCHOOL)[0]["Subject"])


def test_the_focal_agency_is_told_what_it_gets_for_information(tmp_path, engine, smtp_server):
    load(engine, write_config(tmp_path))
    sweep_and_send(engine, runtime(smtp_server.port), JUNE_23)
    focal = text_part(smtp_server.to(FOCAL)[0])
    assert "(để biết)" in focal and "để quý cơ quan biết và theo dõi" in focal
    assert DIRECT not in focal.split("Nhiệm vụ")[0] or "(đơn vị trực thuộc)" in focal
