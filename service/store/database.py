"""Engines and sessions for SQLite (embedded default) and PostgreSQL (production)."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Protocol

from sqlalchemy import event
from sqlalchemy.engine import Connection
from sqlalchemy.engine.interfaces import DBAPICursor
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.pool import ConnectionPoolEntry

AUDIT_KEY_INFO = "audit_key"


def is_sqlite(url: str) -> bool:
    """True for an SQLite database URL."""
    return url.startswith("sqlite")


class _SqliteConnection(Protocol):
    # The driver's connection, as far as setting it up needs.
    isolation_level: str | None

    def cursor(self) -> DBAPICursor: ...


def _prepare_sqlite(engine: AsyncEngine, *, begin_immediate: bool) -> None:
    # Python's sqlite3 driver starts transactions lazily and only before writes; taking the
    # transaction ourselves lets writers take the write lock at BEGIN, so two writers queue on
    # the busy timeout instead of failing half-way with "database is locked".
    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: _SqliteConnection, _record: ConnectionPoolEntry) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(connection: Connection) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE" if begin_immediate else "BEGIN")


class Database:
    """The service's database: a writer for changes and a reader for pages.

    On SQLite there is one writer connection (SQLite allows one writer at a time, and a single
    connection queues writers in the pool rather than in lock retries) and a small pool of readers.
    On PostgreSQL both share one pooled engine.
    """

    def __init__(self, url: str, *, audit_key: str | None = None, echo: bool = False) -> None:
        self.url = url
        if is_sqlite(url):
            self.write_engine = create_async_engine(
                url, echo=echo, pool_size=1, max_overflow=0, pool_timeout=60
            )
            _prepare_sqlite(self.write_engine, begin_immediate=True)
            self.read_engine = create_async_engine(url, echo=echo, pool_size=5, max_overflow=5)
            _prepare_sqlite(self.read_engine, begin_immediate=False)
        else:
            self.write_engine = create_async_engine(
                url, echo=echo, pool_size=10, max_overflow=10, pool_pre_ping=True
            )
            self.read_engine = self.write_engine
        # Every session carries the key that seals the audit chain (service.audit).
        info = {AUDIT_KEY_INFO: audit_key} if audit_key else {}
        self.writer = async_sessionmaker(self.write_engine, expire_on_commit=False, info=info)
        self.reader = async_sessionmaker(self.read_engine, expire_on_commit=False, info=info)

    @property
    def dialect(self) -> str:
        """The database's dialect name: `sqlite` or `postgresql`."""
        return self.write_engine.dialect.name

    @asynccontextmanager
    async def write_session(self) -> AsyncIterator[AsyncSession]:
        """A session for one use case; it rolls back whatever the use case did not commit."""
        async with self.writer() as session:
            yield session

    @asynccontextmanager
    async def read_session(self) -> AsyncIterator[AsyncSession]:
        """A session for reading only."""
        async with self.reader() as session:
            yield session

    async def dispose(self) -> None:
        """Close every pooled connection."""
        await self.write_engine.dispose()
        if self.read_engine is not self.write_engine:
            await self.read_engine.dispose()
