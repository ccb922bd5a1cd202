"""The Prefect flows under Prefect's test harness, on SQLite and PostgreSQL,
against the plain functions `dondoc serve` and the CLI call."""
from __future__ import annotations

import time

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from dondoc.store.db import session_scope
from dondoc.store.outbox_models import Email
from tests.workflows.conftest import TIMINGS
from tests.workflows.examples import NOW, example_database, outbox, plain_sweep

ADMIN = "lanhdao@nghean.example.vn"

pytestmark = [pytest.mark.usefixtures("prefect_harness"), pytest.mark.slow]


@pytest.fixture
def flow_env(db_url, monkeypatch):
    """The flows read their settings from the environment, as a worker does."""
    monkeypatch.setenv("DONDOC_DATABASE_URL", db_url)
    monkeypatch.setenv("DONDOC_ADMIN_EMAILS", ADMIN)
    return db_url


def test_the_partitioned_sweep_flow_queues_the_same_outbox_as_the_plain_sweep(flow_env, twin_url):
    from dondoc.workflows.flows import national_sweep

    plain = plain_sweep(twin_url)
    flowed = example_database(flow_env)
    started = time.perf_counter()
    state = national_sweep(partitions=3, now=NOW, return_state=True)
    TIMINGS[f"sweep_flow_run_s_{flowed.dialect.name}"] = round(time.perf_counter() - started, 2)
    assert state.is_completed()
    keys, emails = outbox(flowed)
    assert (keys, emails) == outbox(plain)
    assert len(keys) > 100 and len(emails) > 10
    assert state.result()["emails_queued"] == len(emails)


def test_a_second_sweep_run_on_the_same_morning_queues_nothing(flow_env):
    from dondoc.workflows.flows import national_sweep

    engine = example_database(flow_env)
    first = national_sweep(partitions=2, now=NOW)
    second = national_sweep(partitions=4, now=NOW)
    assert first["notifications"] > 0 and first["emails_queued"] > 0
    assert (second["notifications"], second["emails_queued"]) == (0, 0)
    assert len(outbox(engine)[1]) == first["emails_queued"]


def test_the_send_flow_delivers_every_queued_digest_once(flow_env, smtp_server, monkeypatch):
    from dondoc.workflows.flows import national_sweep, send_outbox

    monkeypatch.setenv("DONDOC_SMTP_PORT", str(smtp_server.port))
    engine = example_database(flow_env)
    queued = national_sweep(partitions=2, now=NOW)["emails_queued"]
    sent = send_outbox()
    again = send_outbox()
    with session_scope(engine, write=False) as s:
        keys = list(s.execute(select(Email.key)).scalars())
    assert (sent["sent"], sent["failed"], again["claimed"]) == (queued, 0, 0)
    assert sorted(smtp_server.message_ids()) == sorted(f"<{k}@dondoc>" for k in keys)


def test_the_send_flow_fails_visibly_when_the_mail_server_is_down(flow_env, monkeypatch):
    from dondoc.workflows.flows import national_sweep, send_outbox

    monkeypatch.setenv("DONDOC_SMTP_PORT", "1")
    example_database(flow_env)
    national_sweep(partitions=1, now=NOW)
    state = send_outbox(max_batches=1, return_state=True)
    assert state.is_failed()
    assert "SMTP server unavailable" in state.message


def test_the_weekly_summary_flow_queues_one_email_per_admin_per_week(flow_env):
    from dondoc.workflows.flows import weekly_summary

    engine = example_database(flow_env)
    assert weekly_summary(now="2023-06-05T08:00") == 1
    assert weekly_summary(now="2023-06-07T08:00") == 0
    with session_scope(engine, write=False) as s:
        assert list(s.execute(select(Email.to_addrs).where(Email.kind == "weekly_summary")).scalars()) == [[ADMIN]]


def test_dondoc_prefect_run_sweep_runs_the_flow_from_the_command_line(flow_env):
    from dondoc.cli.prefect import prefect_app

    example_database(flow_env)
    result = CliRunner().invoke(prefect_app, ["run-sweep", "--now", NOW, "--partitions", "2"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Rà soát ngày 2023-06-01 (2 phần): xem ")


def test_every_flow_run_leaves_a_job_run_that_dondoc_status_shows(flow_env, monkeypatch):
    from dondoc.workflows.flows import national_sweep, rollover, send_outbox, weekly_summary
    from dondoc.workflows.status import status_report

    monkeypatch.setenv("DONDOC_SMTP_PORT", "1")
    engine = example_database(flow_env)
    national_sweep(partitions=2, now=NOW)
    assert weekly_summary(now="2023-06-05T08:00") == 1
    assert rollover(now=NOW) == 0  # loading already created every period within the 400-day horizon
    assert send_outbox(max_batches=1, return_state=True).is_failed()
    jobs = {j["job"]: j for j in status_report(engine)["jobs"]}
    assert {k: (j["runner"], j["ok"]) for k, j in jobs.items()} == {
        "sweep": ("prefect", True), "weekly-summary": ("prefect", True), "rollover": ("prefect", True),
        "send": ("prefect", False)}
    assert jobs["sweep"]["counts"]["emails_queued"] > 0 and jobs["rollover"]["counts"]["created"] == 0
    assert "SMTP server unavailable" in jobs["send"]["error"]


def test_dondoc_prefect_run_send_exits_1_and_says_why_when_the_mail_server_is_down(flow_env, monkeypatch):
    from dondoc.cli.prefect import prefect_app

    monkeypatch.setenv("DONDOC_SMTP_PORT", "1")
    example_database(flow_env)
    assert CliRunner().invoke(prefect_app, ["run-sweep", "--now", NOW, "--partitions", "1"]).exit_code == 0
    result = CliRunner().invoke(prefect_app, ["run-send", "--max-batches", "1"])
    assert result.exit_code == 1
    assert result.output.strip().splitlines()[-1].startswith("Lỗi / failed: Flow run encountered an exception: ")
    assert "SMTP server unavailable" in result.output.strip().splitlines()[-1]
