"""On PostgreSQL the service runs as a role that does not own the tables: it can use the
record, but cannot set aside the triggers that keep the audit log append-only."""

import os
from collections.abc import AsyncIterator

import asyncpg  # type: ignore[import-untyped]
import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from service.audit import append_audit, verify_audit_chain
from service.store.database import Database
from tests.support.factories import NOW

pytestmark = pytest.mark.skipif(
    not os.environ.get("TEST_DATABASE_URL"), reason="needs PostgreSQL (TEST_DATABASE_URL)"
)

# What README's "PostgreSQL: a role that does not own the tables" tells an operator to run.
GRANTS = [
    "GRANT CONNECT ON DATABASE {database} TO {role}",
    "GRANT USAGE ON SCHEMA public TO {role}",
    "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role}",
    "GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {role}",
]


def _plain(url: str) -> str:
    return url.replace("postgresql+asyncpg://", "postgresql://", 1)


@pytest.fixture
async def service_role_url(database_url: str) -> AsyncIterator[str]:
    """This test's database, reached as a login role with only the grants above."""
    base, _, database = database_url.rpartition("/")
    role = f"cpc_service_{os.getpid()}"
    owner = await asyncpg.connect(_plain(database_url))
    try:
        await owner.execute(f"DROP ROLE IF EXISTS {role}")
        await owner.execute(f"CREATE ROLE {role} LOGIN")
        for grant in GRANTS:
            await owner.execute(grant.format(database=database, role=role))
    finally:
        await owner.close()
    user_and_host = base.split("://", 1)[1].split("@", 1)[1]
    yield f"postgresql+asyncpg://{role}@{user_and_host}/{database}"
    owner = await asyncpg.connect(_plain(database_url))
    try:
        await owner.execute(f"DROP OWNED BY {role}")
        await owner.execute(f"DROP ROLE {role}")
    finally:
        await owner.close()


async def test_the_service_role_writes_the_record_but_cannot_touch_its_triggers(
    service_role_url: str,
) -> None:
    database = Database(service_role_url)
    try:
        async with database.write_session() as session:
            await append_audit(session, now=NOW, actor_kind="system", actor_id=None, action="step")
            await session.commit()
        for statement in (
            "ALTER TABLE audit_entry DISABLE TRIGGER USER",
            "DROP TRIGGER audit_entry_refuse_update_delete ON audit_entry",
            "UPDATE audit_entry SET actor_id = '99'",
            "DELETE FROM audit_entry",
            "TRUNCATE audit_entry",
        ):
            async with database.write_session() as session:
                with pytest.raises(DBAPIError):
                    await session.execute(text(statement))
        async with database.read_session() as session:
            check = await verify_audit_chain(session)
        assert check.holds and check.entries_checked == 1
    finally:
        await database.dispose()
