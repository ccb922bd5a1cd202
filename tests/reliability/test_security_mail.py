"""Header injection and secrets: what reaches SMTP and logs."""
from __future__ import annotations

import pytest

from dondoc.workflows.jobs import run_send, run_sweep
from tests.factories import AGENCIES, write_config
from tests.notifications.helpers import load, local, runtime
from tests.proc import dondoc_env, spawn

pytestmark = pytest.mark.reliability
JUNE_23 = local("2023-06-23T07:30")


def test_crlf_in_an_agency_name_cannot_add_headers_or_recipients(tmp_path, engine, smtp_server):
    evil = AGENCIES.replace("name: Trạm y tế xã An Bình",
                            'name: "Trạm y tế\\r\\nBcc: thief@evil.example\\r\\nX-Injected: yes"')
    load(engine, write_config(tmp_path, agencies=evil))
    run_sweep(engine, runtime(smtp_server.port), now=JUNE_23)
    run_send(engine, runtime(smtp_server.port), clock=lambda: JUNE_23)
    assert smtp_server.messages
    for msg, (_, rcpts) in zip(smtp_server.messages, smtp_server.envelopes, strict=False):
        assert msg["Bcc"] is None and msg["X-Injected"] is None
        assert all("evil" not in r for r in rcpts)
    [health] = smtp_server.to("tramyte@anbinh.example.vn")
    assert "\n" not in str(health["Subject"]) and "Bcc: thief" in str(health["Subject"])  # inert text


def test_an_address_with_crlf_is_refused_at_load(tmp_path, engine, db_url):
    from typer.testing import CliRunner

    from dondoc.cli.main import app

    evil = AGENCIES.replace("email: tramyte@anbinh.example.vn", 'email: "tramyte@anbinh.example.vn\\r\\nBcc: x@evil.example"')
    result = CliRunner().invoke(app, ["load", str(write_config(tmp_path, agencies=evil))], env={"DONDOC_DATABASE_URL": db_url})
    assert result.exit_code == 2 and "agencies.yaml:" in result.output


def test_no_secret_is_printed_by_send_or_status(tmp_path, sqlite_url, smtp_server):
    from dondoc.store.db import get_engine, migrate

    engine = get_engine(sqlite_url)
    migrate(engine)
    load(engine, write_config(tmp_path))
    run_sweep(engine, runtime(smtp_server.port), now=JUNE_23)
    env = dondoc_env(sqlite_url, smtp_server.port, smtp_username="dondoc", smtp_password="S3cr3t-Pw-9917",
                     secret_key="Sk-Very-Secret-4410")
    outputs = []
    for args in (["send", "--json"], ["status", "--json"], ["outbox", "--json"], ["send"]):
        proc = spawn(args, env)
        out, err = proc.communicate(timeout=60)
        outputs.append(out.decode() + err.decode())
    text = "\n".join(outputs)
    assert "retrying" in text or "failed" in text  # the server offers no AUTH: the send failed, and said why
    assert "S3cr3t-Pw-9917" not in text and "Sk-Very-Secret-4410" not in text
