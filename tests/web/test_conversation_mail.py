"""The conversation's emails, delivered to a real SMTP server (aiosmtpd):
an extension asked through the API reaches the focal agency; approved from
the command line (`dondoc extension approve`), both sides hear of it; a
send-back reaches the agency with the comment and a link that opens its page."""
from __future__ import annotations

import re

import pytest
import typer
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from dondoc.cli.conversation import extension_app
from dondoc.store.db import session_scope
from dondoc.store.models import Occurrence
from dondoc.web.app import create_app
from dondoc.workflows.jobs import Runtime, run_send
from tests.web.conftest import COMMUNE, NOW, SECRET, occurrence_of
from tests.web.conversation_helpers import FINANCE, agency_bearer, conversation_settings

FINANCE_EMAIL = "taichinh@thanhlinh.example.vn"
FOCAL_EMAIL = "chinhsach@thanhlinh.example.vn"
cli = typer.Typer()
cli.add_typer(extension_app, name="extension")


@pytest.fixture
def db_url(sqlite_url):
    return sqlite_url


@pytest.fixture
def site(loaded, db_url, tmp_path, smtp_server):
    settings = conversation_settings(db_url, tmp_path / "files", smtp_port=smtp_server.port)
    return settings, TestClient(create_app(settings, loaded, clock=lambda: NOW)), Runtime.from_settings(settings)


def body(message) -> str:  # noqa: ANN001
    return message.get_body(("plain",)).get_content()


def test_an_extension_asked_by_api_and_approved_by_the_cli_is_emailed_to_both_sides(loaded, db_url, site,
                                                                                   smtp_server):
    settings, client, runtime = site
    occ = occurrence_of(loaded, COMMUNE, "3.2.1")
    asked = client.post(f"/api/agency/occurrences/{occ.id}/extension-requests", headers=agency_bearer(FINANCE),
                        json={"due": "2023-06-30", "reason": "Chờ nguồn kinh phí bổ sung"})
    assert asked.status_code == 201
    run_send(loaded, runtime, clock=lambda: NOW)
    [request_mail] = smtp_server.to(FOCAL_EMAIL)
    assert str(request_mail["Subject"]).startswith("[Đề nghị gia hạn]")
    assert "Chờ nguồn kinh phí bổ sung" in body(request_mail) and f"/plans/{COMMUNE}#occ-{occ.id}" in body(request_mail)

    env = {"DONDOC_DATABASE_URL": db_url, "DONDOC_SECRET_KEY": SECRET, "DONDOC_BASE_URL": "http://testserver"}
    listed = CliRunner().invoke(cli, ["extension", "list"], env=env)
    assert listed.exit_code == 0 and f"#{asked.json()['id']}" in listed.output and "gửi sau hạn" in listed.output
    result = CliRunner().invoke(cli, ["extension", "approve", str(asked.json()["id"]), "--by", "hoa",
                                      "--note", "Đồng ý", "--now", NOW.isoformat()], env=env)
    assert result.exit_code == 0, result.output
    assert CliRunner().invoke(cli, ["extension", "refuse", str(asked.json()["id"]), "--note", "x"],
                              env=env).exit_code == 2
    run_send(loaded, runtime, clock=lambda: NOW)
    [to_agency] = smtp_server.to(FINANCE_EMAIL)
    assert str(to_agency["Subject"]).startswith("[Đồng ý gia hạn]") and "Hạn mới: thứ Sáu, 30/06/2023" in body(to_agency)
    assert "http://testserver/r/" in body(to_agency)
    assert len(smtp_server.to(FOCAL_EMAIL)) == 2
    with session_scope(loaded, write=False) as s:
        assert s.get(Occurrence, occ.id).due.isoformat() == "2023-06-30"


def test_a_send_back_reaches_the_agency_with_the_comment_and_a_link_to_its_page(loaded, site, smtp_server, token_for):
    _, client, runtime = site
    occ = occurrence_of(loaded, COMMUNE, "3.2.1")
    client.post(f"/api/agency/occurrences/{occ.id}/status", headers=agency_bearer(FINANCE),
                json={"status": "reported", "note": "Đã bố trí kinh phí"})
    client.post(f"/api/occurrences/{occ.id}/review", headers=token_for("hoa"),
                json={"action": "send_back", "comment": "Thiếu quyết định phân bổ kinh phí"})
    run_send(loaded, runtime, clock=lambda: NOW)
    [mail] = smtp_server.to(FINANCE_EMAIL)
    assert str(mail["Subject"]).startswith("[Trả lại]") and "Thiếu quyết định phân bổ kinh phí" in body(mail)
    html = mail.get_body(("html",)).get_content()
    assert "Thiếu quyết định phân bổ kinh phí" in html
    link = re.search(r"http://testserver(/r/\S+)", body(mail)).group(1)
    page = client.get(link).text
    assert "Thiếu quyết định phân bổ kinh phí" in page and "Đã bố trí kinh phí" in page
