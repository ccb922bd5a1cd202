"""Benchmark databases: a fresh migrated database, bulk loading (executemany
on SQLite, COPY on PostgreSQL, the occurrence indexes built after the load),
and cheap copies of a loaded database so that every contender starts from
the same rows (a file copy on SQLite, CREATE DATABASE ... TEMPLATE on PG)."""
from __future__ import annotations

import os
import shutil
import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import islice
from pathlib import Path

import psycopg
from sqlalchemy import text

from dondoc.store.db import get_engine, migrate

ROOT = Path(__file__).resolve().parent.parent
WORKDIR = Path(os.environ.get("DONDOC_BENCH_DIR", ROOT / "var" / "bench"))
PG_ADMIN = os.environ.get("DONDOC_BENCH_PG", "postgresql://postgres@127.0.0.1:5432/test")
CHUNK = 20_000


@dataclass(frozen=True)
class Db:
    """A benchmark database: a file under WORKDIR or a PostgreSQL database."""

    kind: str  # sqlite | postgres
    name: str

    @property
    def path(self) -> Path:
        return WORKDIR / f"{self.name}.db"

    @property
    def url(self) -> str:
        if self.kind == "sqlite":
            return f"sqlite:///{self.path}"
        return "postgresql+psycopg://" + PG_ADMIN.split("://", 1)[1].rsplit("/", 1)[0] + "/" + self.name

    @property
    def dsn(self) -> str:
        return self.url.replace("postgresql+psycopg://", "postgresql://")

    def sibling(self, suffix: str) -> Db:
        return Db(self.kind, f"{self.name}_{suffix}")


def _admin(sql: str) -> None:
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(sql)


def pg_exists(name: str) -> bool:
    try:
        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            return conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone() is not None
    except psycopg.OperationalError:
        return False


def _forget(db: Db) -> None:
    """Close dondoc's pooled connections to `db` (get_engine caches engines)."""
    get_engine(db.url).dispose()


def drop(db: Db) -> None:
    _forget(db)
    if db.kind == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db.path}{suffix}").unlink(missing_ok=True)
    else:
        _admin(f'DROP DATABASE IF EXISTS "{db.name}" WITH (FORCE)')


def fresh(db: Db) -> None:
    """An empty database at dondoc's newest schema."""
    drop(db)
    if db.kind == "sqlite":
        WORKDIR.mkdir(parents=True, exist_ok=True)
    else:
        _admin(f'CREATE DATABASE "{db.name}"')
    migrate(get_engine(db.url))
    _forget(db)


def clone(src: Db, suffix: str) -> Db:
    """A copy of `src` that a contender may change."""
    dst = src.sibling(suffix)
    drop(dst)
    _forget(src)
    if src.kind == "sqlite":
        with sqlite3.connect(src.path) as conn:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        shutil.copyfile(src.path, dst.path)
    else:
        _admin(f'CREATE DATABASE "{dst.name}" TEMPLATE "{src.name}"')
    return dst


def _chunks(rows: Iterable[tuple]) -> Iterator[list[tuple]]:
    it = iter(rows)
    while chunk := list(islice(it, CHUNK)):
        yield chunk


class Loader:
    """Bulk writer for one database; `load` takes rows in column order
    (dates as ISO text, booleans as 0/1, JSON as text, timestamps in UTC)."""

    def __init__(self, db: Db):
        self.db = db
        if db.kind == "sqlite":
            self.conn = sqlite3.connect(db.path, isolation_level=None)
            self.conn.execute("PRAGMA synchronous=OFF")
            self.conn.execute("BEGIN")
        else:
            self.conn = psycopg.connect(db.dsn)
            self.conn.execute("SET TIME ZONE 'UTC'")

    def load(self, table: str, columns: tuple[str, ...], rows: Iterable[tuple], tick=lambda n: None) -> None:  # noqa: ANN001
        cols = ", ".join(f'"{c}"' for c in columns)
        if self.db.kind == "sqlite":
            sql = f'INSERT INTO "{table}" ({cols}) VALUES ({", ".join("?" * len(columns))})'
            for chunk in _chunks(rows):
                self.conn.executemany(sql, chunk)
                tick(len(chunk))
            return
        with self.conn.cursor().copy(f'COPY "{table}" ({cols}) FROM STDIN') as copy:
            for chunk in _chunks(rows):
                for row in chunk:
                    copy.write_row(row)
                tick(len(chunk))

    def defer_indexes(self, table: str) -> list[str]:
        """Drop `table`'s plain indexes; returns the statements that rebuild them."""
        if self.db.kind == "sqlite":
            found = self.conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? "
                                      "AND sql IS NOT NULL", (table,)).fetchall()
        else:
            found = self.conn.execute(
                "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s AND indexname NOT IN "
                "(SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass)", (table, table)).fetchall()
        for name, _ in found:
            self.conn.execute(f'DROP INDEX "{name}"')
        return [sql for _, sql in found]

    def finish(self, rebuild: list[str], sequences: dict[str, str]) -> None:
        for sql in rebuild:
            self.conn.execute(sql)
        if self.db.kind == "sqlite":
            self.conn.execute("COMMIT")
            self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        else:
            for table, column in sequences.items():
                self.conn.execute(f"SELECT setval(pg_get_serial_sequence('{table}', '{column}'), "
                                  f"coalesce((SELECT max({column}) FROM \"{table}\"), 0) + 1, false)")
            self.conn.commit()
            self.conn.autocommit = True
            self.conn.execute("VACUUM ANALYZE")
        self.conn.close()


def scalar(db: Db, sql: str, **params: object) -> object:
    with get_engine(db.url).connect() as conn:
        return conn.execute(text(sql), params).scalar()
