"""The sender against one relay: its connections stay open from one claimed
batch to the next, and its rate limit belongs to the relay (host, port), so
two drains through the same relay share it and another relay has its own."""
from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime

from dondoc.notifications.sender import SendPolicy, SmtpConfig, drain_outbox_once, relay_limiter
from dondoc.store.db import get_engine, migrate
from tests.conftest import running
from tests.notifications.test_crash import queue_emails


class Sessions:
    """An aiosmtpd handler counting connections (EHLOs) and messages."""

    def __init__(self) -> None:
        self.ehlos = 0
        self.messages = 0

    async def handle_EHLO(self, server, session, envelope, hostname, responses):  # noqa: ANN001, N802
        self.ehlos += 1
        session.host_name = hostname
        return responses

    async def handle_DATA(self, server, session, envelope):  # noqa: ANN001, N802
        self.messages += 1
        return "250 OK"


def test_a_drain_keeps_its_connections_open_across_claimed_batches(sqlite_url):
    engine = get_engine(sqlite_url)
    migrate(engine)
    queue_emails(engine, 30)
    with running(Sessions()) as relay:
        result = drain_outbox_once(engine, smtp=SmtpConfig(port=relay.port),
                                   policy=SendPolicy(concurrency=2, rate_per_s=0, batch=5), worker="w",
                                   clock=lambda: datetime.now(UTC))
    assert result.sent == relay.messages == 30
    assert relay.ehlos == 2  # six batches, two connections, each opened once


def test_the_rate_limit_is_one_per_relay_and_shared_by_its_drains():
    here, there = SmtpConfig(host="relay-a.example.vn", port=25), SmtpConfig(host="relay-b.example.vn", port=25)
    assert relay_limiter(here, 50.0) is relay_limiter(SmtpConfig(host="relay-a.example.vn", port=25), 50.0)
    assert relay_limiter(here, 50.0) is not relay_limiter(there, 50.0)

    async def five_waits() -> None:
        for _ in range(5):
            await relay_limiter(here, 50.0).wait()

    started = time.monotonic()
    asyncio.run(five_waits())
    asyncio.run(five_waits())  # a second drain (its own event loop) goes on from where the first left off
    assert time.monotonic() - started >= 9 * 0.02 * 0.9
