"""Tables of the runners: leases (one active scheduler per database) and job runs."""
from __future__ import annotations

from datetime import datetime
from typing import Optional

from sqlalchemy import JSON, Column
from sqlmodel import Field, SQLModel


class Lease(SQLModel, table=True):
    """A named lock with an expiry, held by one process at a time."""

    name: str = Field(primary_key=True, max_length=60)
    holder: str = Field(max_length=200)
    expires_at: datetime


class JobRun(SQLModel, table=True):
    """What each scheduled or manual job did: counts, duration, error."""

    id: Optional[int] = Field(default=None, primary_key=True)
    job: str = Field(index=True, max_length=40)
    runner: str = Field(max_length=20)  # serve | prefect | cli
    holder: str = Field(max_length=200)
    started_at: datetime = Field(index=True)
    finished_at: Optional[datetime] = None
    ok: bool = True
    counts: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    error: str = ""
