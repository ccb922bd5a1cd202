"""A named database lease with expiry: one holder at a time, on SQLite and
PostgreSQL, taken by conditional update and checked on the row count."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import or_, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Engine

from dondoc.store.db import session_scope
from dondoc.workflows.models import Lease


def acquire(engine: Engine, name: str, holder: str, *, now: datetime, ttl_s: float) -> bool:
    """Take or renew the lease; True when `holder` holds it until now + ttl."""
    expires = now + timedelta(seconds=ttl_s)
    with session_scope(engine) as session:
        insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
        session.execute(insert(Lease).values(name=name, holder="", expires_at=now).on_conflict_do_nothing())
        taken = session.execute(update(Lease).where(Lease.name == name, or_(Lease.holder == holder, Lease.expires_at <= now))
                                .values(holder=holder, expires_at=expires)).rowcount
    return taken == 1


def release(engine: Engine, name: str, holder: str, *, now: datetime) -> None:
    with session_scope(engine) as session:
        session.execute(update(Lease).where(Lease.name == name, Lease.holder == holder).values(expires_at=now))
