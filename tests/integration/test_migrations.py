"""The Alembic migrations and the SQLModel tables describe the same schema."""

import asyncio
from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool
from sqlmodel import SQLModel

import notifications.outbox  # noqa: F401 - registers the outbox table
import service.store.tables  # noqa: F401 - registers the service's tables
from service.store.migrate import downgrade_database, upgrade_database


def _differences(connection: Connection) -> list[Any]:
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return list(compare_metadata(context, SQLModel.metadata))


def _table_names(connection: Connection) -> set[str]:
    return set(inspect(connection).get_table_names()) - {"alembic_version"}


def _trigger_names(connection: Connection) -> set[str]:
    """The database's own triggers: the audit log's refusals to change or delete live here."""
    if connection.dialect.name == "sqlite":
        query = "SELECT name FROM sqlite_master WHERE type = 'trigger'"
    else:
        query = "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal"
    return {str(name) for name in connection.execute(text(query)).scalars()}


async def _inspect(url: str, how: Any) -> Any:
    engine = create_async_engine(url, poolclass=NullPool)
    try:
        async with engine.connect() as connection:
            return await connection.run_sync(how)
    finally:
        await engine.dispose()


def test_the_head_migration_matches_the_models(database_url: str) -> None:
    assert asyncio.run(_inspect(database_url, _differences)) == []


def test_upgrade_downgrade_upgrade_leaves_the_same_schema(database_url: str) -> None:
    tables_at_head = asyncio.run(_inspect(database_url, _table_names))
    triggers_at_head = asyncio.run(_inspect(database_url, _trigger_names))
    assert len(triggers_at_head) >= 2  # no update, no delete of audit entries
    downgrade_database(database_url, "base")
    assert asyncio.run(_inspect(database_url, _table_names)) == set()
    assert asyncio.run(_inspect(database_url, _trigger_names)) == set()
    upgrade_database(database_url)
    assert asyncio.run(_inspect(database_url, _table_names)) == tables_at_head
    assert asyncio.run(_inspect(database_url, _trigger_names)) == triggers_at_head
    assert asyncio.run(_inspect(database_url, _differences)) == []
