"""Drain the outbox over SMTP (aiosmtplib).

Claims are conditional updates (plus FOR UPDATE SKIP LOCKED on PostgreSQL),
so several senders share the outbox without doubles. An email is marked sent
only after the server accepted it; if the process dies between the two, the
claim expires and the email is sent once more with the same bytes and
Message-ID. The emails that can be doubled that way are the ones accepted but
not yet marked: with `SendPolicy.mark_batch` = 1 (the default; marks are
group-committed but each worker waits for its own) at most one per open
connection (`concurrency`). With `mark_batch` = B > 1 workers go on while
fewer than B marks are unwritten, and the marks are written B to a
transaction or after `mark_interval_s` (capped at MAX_MARK_BATCH = 50 and
MAX_MARK_INTERVAL_S = 0.1 s): then up to B + concurrency emails per crash
(see `Marks`).

A drain opens its `concurrency` connections once and keeps them for every
batch it claims (a relay 20 ms away costs ~3 round trips to open one), and
its rate limit (`rate_per_s`) belongs to the relay (`relay_limiter`: host and
port), shared by every drain of the process that sends through it. ESMTP
PIPELINING is not used: aiosmtplib 5.1 has no client side for it (one
response awaited per command; a reply arriving with none pending is
dropped), so a mail transaction costs 4 round trips and throughput on a
distant relay comes from connections.

The bytes sent are `Email.raw`, built once at compose time (see
`message.py`), behind the From line of `SmtpConfig.mail_from`; rows without
`raw` (queued before it existed, or by code that does not build it) are
built here from subject and bodies.
"""
from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta

import aiosmtplib
from sqlalchemy import bindparam, func, or_, select, text, update
from sqlalchemy.engine import Connection, Engine, Row
from sqlalchemy.exc import DBAPIError

from dondoc.notifications.message import BadAddress, build_raw, clean_address, envelope_sender, from_line
from dondoc.store.db import session_scope
from dondoc.store.outbox_models import Email


class SendError(Exception):
    def __init__(self, message: str, *, permanent: bool) -> None:
        super().__init__(message)
        self.permanent = permanent


@dataclass(frozen=True)
class SmtpConfig:
    host: str = "127.0.0.1"
    port: int = 8025
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    tls: str = "none"  # none | starttls | tls
    timeout_s: float = 30.0
    mail_from: str = "dondoc <dondoc@localhost>"


@dataclass(frozen=True)
class SendPolicy:
    concurrency: int = 8
    rate_per_s: float = 200.0
    batch: int = 500
    claim_ttl_s: int = 300
    backoff_s: float = 60.0
    backoff_max_s: float = 3600.0
    max_attempts: int = 8
    mark_batch: int = 1  # >1: marks written that many to a transaction; widens the double-send window (Marks)
    mark_interval_s: float = 0.1  # ... or when the oldest unwritten mark is this old


MAX_MARK_BATCH = 50
MAX_MARK_INTERVAL_S = 0.1


@dataclass
class DrainResult:
    sent: int = 0
    failed: int = 0
    retrying: int = 0
    claimed: int = 0
    duration_s: float = 0.0
    errors: list[str] = field(default_factory=list)
    server_down: bool = False

    def as_dict(self) -> dict:
        d = asdict(self)
        d["errors"] = d["errors"][:20]
        return d


def classify(exc: BaseException) -> SendError:
    """Permanent when the server said 5xx; everything else is worth retrying."""
    if isinstance(exc, SendError):
        return exc
    if isinstance(exc, BadAddress):
        return SendError(str(exc), permanent=True)
    if isinstance(exc, aiosmtplib.SMTPRecipientsRefused):
        codes = [r.code for r in exc.recipients]
        return SendError(f"recipients refused: {codes} {exc}", permanent=all(c >= 500 for c in codes))
    if isinstance(exc, aiosmtplib.SMTPResponseException):
        return SendError(f"{exc.code} {exc.message}", permanent=exc.code >= 500)
    return SendError(f"{type(exc).__name__}: {exc}", permanent=False)


def _unreachable(exc: BaseException) -> bool:
    """The server could not be reached at all: stop trying this batch."""
    cause = exc.__cause__ or exc
    return isinstance(cause, (aiosmtplib.SMTPConnectError, ConnectionRefusedError, aiosmtplib.SMTPConnectTimeoutError))


async def _transaction(smtp: aiosmtplib.SMTP, sender: str, recipients: list[str], message: bytes) -> dict:
    """One mail transaction, as `aiosmtplib.SMTP.sendmail` does it (MAIL,
    each RCPT, DATA with its dot-stuffing) minus its parsing of every address
    twice (~0.3 ms an email): the sender comes from `envelope_sender` and the
    recipients are the row's `to_addrs`, both checked by `clean_address`
    (no spaces, brackets or control characters) when the bytes were built.
    Returns the refused recipients, raises as sendmail does when all are."""
    for address in (sender, *recipients):
        clean_address(address)
    if smtp.is_ehlo_or_helo_needed:  # as sendmail: EHLO, HELO if the server knows no ESMTP
        try:
            await smtp.ehlo()
        except aiosmtplib.SMTPHeloError:
            await smtp.helo()
    reply = await smtp.execute_command(b"MAIL", b"FROM:<" + sender.encode("ascii") + b">")
    if reply.code != 250:
        raise aiosmtplib.SMTPSenderRefused(reply.code, reply.message, sender)
    refused = {}
    for address in recipients:
        reply = await smtp.execute_command(b"RCPT", b"TO:<" + address.encode("ascii") + b">")
        if reply.code not in (250, 251):
            refused[address] = aiosmtplib.SMTPRecipientRefused(reply.code, reply.message, address)
    if len(refused) == len(recipients):
        raise aiosmtplib.SMTPRecipientsRefused(list(refused.values()))
    await smtp.data(message)
    return refused


class SmtpSender:
    """One reusable SMTP connection; reconnects when the server hung up."""

    def __init__(self, config: SmtpConfig) -> None:
        self.config = config
        self.sender = envelope_sender(config.mail_from)
        self.from_line = from_line(config.mail_from)
        self.smtp: aiosmtplib.SMTP | None = None

    async def _connect(self) -> aiosmtplib.SMTP:
        c = self.config
        smtp = aiosmtplib.SMTP(hostname=c.host, port=c.port, timeout=c.timeout_s, use_tls=c.tls == "tls",
                               start_tls=True if c.tls == "starttls" else False,
                               username=c.username, password=c.password)
        await smtp.connect()
        return smtp

    async def send(self, message: bytes, recipients: list[str]) -> None:
        try:
            if self.smtp is None or not self.smtp.is_connected:
                self.smtp = await self._connect()
            errors = await _transaction(self.smtp, self.sender, recipients, message)
        except BaseException as exc:
            await self.close(quit=False)
            raise classify(exc) from exc
        if errors:
            raise SendError(f"some recipients refused: {errors}", permanent=True)

    async def close(self, quit: bool = True) -> None:  # noqa: A002  (SMTP's QUIT, as aiosmtplib names it)
        smtp, self.smtp = self.smtp, None
        if smtp is None:
            return
        try:
            if quit and smtp.is_connected:
                await smtp.quit()
            else:
                smtp.close()
        except Exception:  # noqa: BLE001  (closing a broken connection)
            smtp.close()


class RateLimiter:
    """At most `rate_per_s` sends a second, spaced evenly. No asyncio lock:
    the slot is taken without awaiting, so one limiter serves every event loop
    (each drain runs its own) and, under its threading lock, every thread."""

    def __init__(self, rate_per_s: float) -> None:
        self.interval = 1.0 / rate_per_s if rate_per_s > 0 else 0.0
        self.next_at = 0.0
        self.lock = threading.Lock()

    async def wait(self) -> None:
        if not self.interval:
            return
        with self.lock:
            now = time.monotonic()
            delay = self.next_at - now
            self.next_at = max(now, self.next_at) + self.interval
        if delay > 0:
            await asyncio.sleep(delay)


_LIMITERS: dict[tuple[str, int, float], RateLimiter] = {}
_LIMITERS_LOCK = threading.Lock()


def relay_limiter(smtp: SmtpConfig, rate_per_s: float) -> RateLimiter:
    """The limiter of one relay (host, port): drains of this process sending
    through the same relay share its rate; another relay has its own."""
    with _LIMITERS_LOCK:
        return _LIMITERS.setdefault((smtp.host, smtp.port, rate_per_s), RateLimiter(rate_per_s))


_SENT_COLUMNS = (Email.id, Email.key, Email.to_addrs, Email.attempts, Email.raw, Email.subject, Email.body_text,
                 Email.body_html)


def claim(engine: Engine, *, worker: str, now: datetime, policy: SendPolicy) -> list:
    """Take up to `policy.batch` ready emails (or ones whose claim expired):
    rows with the columns the sender reads (`_SENT_COLUMNS`), not ORM objects."""
    ready = or_(Email.status.in_(("queued", "retrying")) & (Email.next_attempt_at <= now),
                (Email.status == "sending") & (Email.claimed_until < now))
    with session_scope(engine) as session:
        q = select(Email.id).where(ready).order_by(Email.id).limit(policy.batch)
        if session.get_bind().dialect.name == "postgresql":
            q = q.with_for_update(skip_locked=True)
        ids = list(session.execute(q).scalars())
        if not ids:
            return []
        session.execute(update(Email).where(Email.id.in_(ids), ready).values(
            status="sending", claimed_by=worker, claimed_until=now + timedelta(seconds=policy.claim_ttl_s),
            attempts=Email.attempts + 1))
        return list(session.execute(select(*_SENT_COLUMNS).where(Email.id.in_(ids), Email.claimed_by == worker,
                                                                 Email.status == "sending").order_by(Email.id)))


_T = Email.__table__
_MARK = (update(_T).where(_T.c.id == bindparam("m_id"), _T.c.claimed_by == bindparam("m_worker"),
                          _T.c.status == "sending")
         .values(claimed_by=None, claimed_until=None, status=bindparam("m_status"), last_error=bindparam("m_error"),
                 sent_at=bindparam("m_sent_at"), next_attempt_at=func.coalesce(bindparam("m_next", type_=_T.c.next_attempt_at.type),
                                                                             _T.c.next_attempt_at)))


class Marks:
    """Writes the marks of one drain: one writer thread with one held DB
    connection (no pool checkout and, on PostgreSQL, no pre-ping per mark),
    a prepared Core UPDATE, no ORM session. The event loop keeps sending
    while the writer waits on the database (~1 ms a commit on PostgreSQL).

    `batch` = 1 (the default), group commit without a wider double-send
    window: a worker waits until its mark is committed before it sends its
    next email; the marks handed over while the writer was busy are written
    together in the next transaction. At most one email per connection is
    accepted but not marked at any time.

    `batch` > 1 (capped at MAX_MARK_BATCH): a worker goes on without waiting
    while fewer than `batch` marks are unwritten; they are written when
    `batch` have gathered or the oldest has waited `interval_s` (capped at
    MAX_MARK_INTERVAL_S) and at the end of each claimed batch. Up to
    batch + concurrency emails can then be accepted but not marked when the
    process dies, and are sent again after their claim expires."""

    def __init__(self, engine: Engine, policy: SendPolicy | None = None) -> None:
        policy = policy or SendPolicy()
        self.engine = engine
        self.batch = max(1, min(policy.mark_batch, MAX_MARK_BATCH))
        self.interval_s = max(0.0, min(policy.mark_interval_s, MAX_MARK_INTERVAL_S))
        self.conn: Connection | None = None
        self.executor = ThreadPoolExecutor(1, thread_name_prefix="dondoc-marks")
        self.waiting: list[tuple[dict, asyncio.Future]] = []
        self.unwritten: set[asyncio.Future] = set()
        self.writer: asyncio.Task | None = None
        self.force = False
        self.error: BaseException | None = None
        self.transactions = 0

    async def mark(self, params: dict) -> None:
        if self.error is not None:
            raise self.error
        loop = asyncio.get_running_loop()
        done = loop.create_future()
        self.waiting.append((params, done))
        self.unwritten.add(done)
        done.add_done_callback(self._written)
        if len(self.waiting) >= self.batch:
            self._kick()
        elif len(self.waiting) == 1:
            loop.call_later(self.interval_s, self._kick, True)
        if self.batch == 1 or len(self.unwritten) > self.batch:
            await done

    def _written(self, done: asyncio.Future) -> None:
        self.unwritten.discard(done)
        if not done.cancelled() and done.exception() is not None and self.error is None:
            self.error = done.exception()

    def _kick(self, force: bool = False) -> None:
        if not self.waiting:
            return
        self.force = self.force or force
        if self.writer is None:
            self.writer = asyncio.get_running_loop().create_task(self._write_waiting())

    async def flush(self) -> None:
        """Write every mark handed over; raise the first write error."""
        while self.unwritten:
            self._kick(True)
            await asyncio.wait(list(self.unwritten))
        if self.error is not None:
            raise self.error

    async def _write_waiting(self) -> None:
        loop = asyncio.get_running_loop()
        try:
            while self.waiting and (self.force or len(self.waiting) >= self.batch):
                group, self.waiting, self.force = self.waiting, [], False
                try:
                    await loop.run_in_executor(self.executor, self._write, [p for p, _ in group])
                except BaseException as exc:  # noqa: BLE001  (each waiting worker raises it)
                    for _, done in group:
                        if not done.done():
                            done.set_exception(exc)
                    if isinstance(exc, asyncio.CancelledError):
                        raise
                    continue
                for _, done in group:
                    if not done.done():
                        done.set_result(None)
        finally:
            self.writer = None

    def _write(self, params: list[dict]) -> None:
        for attempt in range(2):
            if self.conn is None:
                self.conn = self.engine.connect().execution_options(dondoc_write=True)
            try:
                with self.conn.begin():
                    self.conn.execute(_MARK, params[0] if len(params) == 1 else params)
                self.transactions += 1
                return
            except DBAPIError as exc:  # a held connection the server dropped (restart): one fresh try
                self._drop()
                if attempt or not exc.connection_invalidated:
                    raise

    def _drop(self) -> None:
        conn, self.conn = self.conn, None
        if conn is not None:
            try:
                conn.close()
            except Exception:  # noqa: BLE001  (closing a broken connection)
                pass

    def close(self) -> None:
        try:
            self.executor.submit(self._drop).result()
        finally:
            self.executor.shutdown(wait=True)


async def _mark(marks: Marks, email: Row, worker: str, *, status: str, last_error: str = "",
                sent_at: datetime | None = None, next_attempt_at: datetime | None = None) -> None:
    await marks.mark({"m_id": email.id, "m_worker": worker, "m_status": status, "m_error": last_error,
                      "m_sent_at": sent_at, "m_next": next_attempt_at})


def _backoff(policy: SendPolicy, attempts: int) -> timedelta:
    return timedelta(seconds=min(policy.backoff_max_s, policy.backoff_s * 2 ** max(0, attempts - 1)))


async def record(marks: Marks, email: Row, worker: str, error: SendError | None, *, now: datetime,
                 policy: SendPolicy, result: DrainResult) -> None:
    if error is None:
        await _mark(marks, email, worker, status="sent", sent_at=now, last_error="")
        result.sent += 1
    elif error.permanent or email.attempts >= policy.max_attempts:
        await _mark(marks, email, worker, status="failed", last_error=str(error)[:1000])
        result.failed += 1
        result.errors.append(f"#{email.id}: {error}")
    else:
        await _mark(marks, email, worker, status="retrying", last_error=str(error)[:1000],
                    next_attempt_at=now + _backoff(policy, email.attempts))
        result.retrying += 1
        result.errors.append(f"#{email.id}: {error}")


async def _worker(queue: asyncio.Queue, marks: Marks, sender: SmtpSender, policy: SendPolicy, worker: str,
                  clock: Callable[[], datetime], limiter: RateLimiter, result: DrainResult) -> None:
    """Send from `queue` on `sender`'s connection, which stays open for the
    next claimed batch (drain_async closes it)."""
    while True:
        try:
            email = queue.get_nowait()
        except asyncio.QueueEmpty:
            return
        error: SendError | None = None
        if result.server_down:
            await record(marks, email, worker,
                         SendError("máy chủ thư không sẵn sàng / SMTP server unavailable", permanent=False),
                         now=clock(), policy=policy, result=result)
            continue
        try:
            raw = email.raw
            if raw is None:  # a row queued without its bytes
                raw = build_raw(key=email.key, subject=email.subject, text=email.body_text, html=email.body_html,
                                to=email.to_addrs, date=clock())
            await limiter.wait()
            await sender.send(sender.from_line + raw, email.to_addrs)
        except Exception as exc:  # noqa: BLE001  (recorded on the row; the batch goes on)
            error = classify(exc)
            result.server_down = result.server_down or _unreachable(exc)
        await record(marks, email, worker, error, now=clock(), policy=policy, result=result)


async def drain_async(engine: Engine, *, smtp: SmtpConfig, policy: SendPolicy, worker: str,
                      clock: Callable[[], datetime], max_batches: int | None = None,
                      should_stop: Callable[[], bool] = lambda: False) -> DrainResult:
    started, result = time.perf_counter(), DrainResult()
    limiter, batches, marks = relay_limiter(smtp, policy.rate_per_s), 0, Marks(engine, policy)
    senders = [SmtpSender(smtp) for _ in range(max(1, policy.concurrency))]
    try:
        while (max_batches is None or batches < max_batches) and not should_stop():
            emails = claim(engine, worker=worker, now=clock(), policy=policy)
            if not emails:
                break
            batches += 1
            result.claimed += len(emails)
            queue: asyncio.Queue = asyncio.Queue()
            for e in emails:
                queue.put_nowait(e)
            n = max(1, min(policy.concurrency, len(emails)))
            try:
                await asyncio.gather(*(_worker(queue, marks, sender, policy, worker, clock, limiter, result)
                                       for sender in senders[:n]))
            finally:
                await marks.flush()
            if result.server_down:
                break
    finally:
        try:
            await asyncio.gather(*(sender.close() for sender in senders))
        finally:
            marks.close()
    result.duration_s = round(time.perf_counter() - started, 3)
    return result


def drain_outbox_once(engine: Engine, *, smtp: SmtpConfig, policy: SendPolicy, worker: str,
                      clock: Callable[[], datetime], max_batches: int | None = None,
                      should_stop: Callable[[], bool] = lambda: False) -> DrainResult:
    return asyncio.run(drain_async(engine, smtp=smtp, policy=policy, worker=worker, clock=clock,
                                   max_batches=max_batches, should_stop=should_stop))


def retry_failed(engine: Engine, *, now: datetime, ids: list[int] | None = None) -> int:
    """Put failed emails back in the queue (an admin's decision), attempts reset."""
    with session_scope(engine) as session:
        q = update(Email).where(Email.status == "failed")
        if ids is not None:
            q = q.where(Email.id.in_(ids))
        return session.execute(q.values(status="retrying", attempts=0, next_attempt_at=now)).rowcount


def outbox_counts(engine: Engine) -> dict[str, int]:
    with session_scope(engine, write=False) as session:
        rows = session.execute(text("SELECT status, count(*) FROM email GROUP BY status"))
        return {status: n for status, n in rows}
