"""An agency without an email: it loads, its reminders are held (queued, not
sent, not lost), listed by `dondoc status`, and sent to a real aiosmtpd
server as soon as a config load gives it an address.

Persona: the An Bình health station (tests/factories.py), here without an
address; it leads 2.1 (Quý II) and owes the 10/05 report.
"""
from __future__ import annotations

from sqlalchemy import func, select

from dondoc.store.db import session_scope
from dondoc.store.held import held_count, held_reminders
from dondoc.store.models import Agency
from dondoc.store.outbox_models import Email, Notification
from dondoc.workflows.jobs import run_send, run_sweep
from dondoc.workflows.status import status_report
from tests.factories import AGENCIES, write_config
from tests.notifications.helpers import load, local, runtime, text_part

HEALTH = "tramyte@anbinh.example.vn"
NO_EMAIL = AGENCIES.replace(f"email: {HEALTH}", 'email: ""')
JUNE_23 = local("2023-06-23T07:30")
JUNE_24 = local("2023-06-24T07:30")


def _health_notifications(engine) -> int:
    with session_scope(engine, write=False) as s:
        return s.execute(select(func.count()).select_from(Notification)
                         .where(Notification.recipient.in_(["tram-y-te-an-binh", "tram-y-te-an-binh.head"]))).scalar_one()


def _held_setup(tmp_path, engine, smtp_server):
    load(engine, write_config(tmp_path / "v1", agencies=NO_EMAIL))
    rt = runtime(smtp_server.port)
    run_sweep(engine, rt, now=JUNE_23)
    run_send(engine, rt, clock=lambda: JUNE_23)
    return rt


def test_an_agency_without_an_email_loads_with_an_empty_address(tmp_path, engine):
    load(engine, write_config(tmp_path, agencies=NO_EMAIL))
    with session_scope(engine, write=False) as s:
        assert s.get(Agency, "tram-y-te-an-binh").email == ""


def test_its_reminders_are_queued_but_no_email_is_sent(tmp_path, engine, smtp_server):
    _held_setup(tmp_path, engine, smtp_server)
    assert _health_notifications(engine) >= 2
    assert smtp_server.messages and not smtp_server.to(HEALTH)
    assert all(str(m["To"]) for m in smtp_server.messages)  # nobody got an email with an empty address
    with session_scope(engine, write=False) as s:
        assert s.execute(select(func.count()).select_from(Email).where(Email.recipient.like("tram-y-te%"))).scalar_one() == 0
        assert held_count(s) == _health_notifications(engine)


def test_held_reminders_are_listed_with_their_reason_and_tasks(tmp_path, engine, smtp_server):
    _held_setup(tmp_path, engine, smtp_server)
    report = status_report(engine)
    [held] = report["held"]
    assert held["agency"] == "tram-y-te-an-binh" and held["name"] == "Trạm y tế xã An Bình"
    assert held["count"] == _health_notifications(engine) and "email" in held["reason"]
    assert any(t.endswith("/ 2.1") for t in held["tasks"])


def test_a_second_sweep_and_compose_neither_send_nor_lose_them(tmp_path, engine, smtp_server):
    rt = _held_setup(tmp_path, engine, smtp_server)
    before = _health_notifications(engine)
    run_sweep(engine, rt, now=JUNE_23)
    run_send(engine, rt, clock=lambda: JUNE_23)
    assert _health_notifications(engine) == before and not smtp_server.to(HEALTH)
    with session_scope(engine, write=False) as s:
        assert held_count(s) == before


def test_once_the_address_is_loaded_the_held_reminders_go_out_once(tmp_path, engine, smtp_server):
    rt = _held_setup(tmp_path, engine, smtp_server)
    held = _health_notifications(engine)
    load(engine, write_config(tmp_path / "v2"))  # the same config, with the station's address
    run_sweep(engine, rt, now=JUNE_24)
    run_send(engine, rt, clock=lambda: JUNE_24)
    [mail] = smtp_server.to(HEALTH)
    assert "2.1" in text_part(mail)
    with session_scope(engine, write=False) as s:
        assert held_count(s) == 0 and held_reminders(s) == []
        email = s.execute(select(Email).where(Email.recipient == "tram-y-te-an-binh")).scalar_one()
        claimed = s.execute(select(func.count()).select_from(Notification)
                            .where(Notification.email_id == email.id)).scalar_one()
    assert claimed == held and email.status == "sent"
    run_sweep(engine, rt, now=JUNE_24)
    run_send(engine, rt, clock=lambda: JUNE_24)
    assert len(smtp_server.to(HEALTH)) == 1
    assert status_report(engine)["held"] == []


def test_dondoc_status_lists_the_agency_whose_reminders_are_held(tmp_path, engine, db_url, smtp_server):
    from typer.testing import CliRunner

    from dondoc.cli.main import app, register

    _held_setup(tmp_path, engine, smtp_server)
    register()
    result = CliRunner().invoke(app, ["status"], env={"DONDOC_DATABASE_URL": db_url})
    assert result.exit_code == 0, result.output
    line = next(x for x in result.stdout.splitlines() if x.startswith("Nhắc việc đang giữ lại"))
    assert line.split(": ")[1].startswith(str(_health_notifications(engine)))
    assert "tram-y-te-an-binh (Trạm y tế xã An Bình)" in result.stdout
