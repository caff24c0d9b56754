"""The audit log is append-only and its hash chain names the first altered entry."""

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError, IntegrityError

from service.audit import append_audit, verify_audit_chain
from service.store.database import Database
from tests.support.factories import NOW


async def _write_entries(database: Database, how_many: int) -> None:
    async with database.write_session() as session:
        for n in range(how_many):
            await append_audit(
                session, now=NOW, actor_kind="qa", actor_id=7, action=f"step_{n}", request_id=1
            )
        await session.commit()


async def test_an_untouched_chain_holds(database: Database) -> None:
    await _write_entries(database, 5)
    async with database.read_session() as session:
        result = await verify_audit_chain(session)
    assert result.holds
    assert result.entries_checked == 5


async def test_an_empty_chain_holds(database: Database) -> None:
    async with database.read_session() as session:
        assert (await verify_audit_chain(session)).holds


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_entry SET action = 'rewritten' WHERE id = 2",
        "DELETE FROM audit_entry WHERE id = 2",
    ],
)
async def test_the_database_refuses_to_change_or_delete_an_entry(
    database: Database, statement: str
) -> None:
    await _write_entries(database, 3)
    async with database.write_session() as session:
        with pytest.raises((IntegrityError, DBAPIError), match="append-only"):
            await session.execute(text(statement))
        await session.rollback()
    async with database.read_session() as session:
        assert (await verify_audit_chain(session)).holds


async def _tamper(database: Database, statement: str) -> None:
    """Change a row the way an intruder with full database rights would: around the triggers."""
    async with database.write_session() as session:
        if database.dialect == "postgresql":
            await session.execute(text("ALTER TABLE audit_entry DISABLE TRIGGER USER"))
            await session.execute(text(statement))
            await session.execute(text("ALTER TABLE audit_entry ENABLE TRIGGER USER"))
        else:
            await session.execute(text("DROP TRIGGER audit_entry_refuse_update"))
            await session.execute(text("DROP TRIGGER audit_entry_refuse_delete"))
            await session.execute(text(statement))
        await session.commit()


async def test_an_entry_changed_behind_the_triggers_back_is_named(database: Database) -> None:
    await _write_entries(database, 4)
    await _tamper(database, "UPDATE audit_entry SET actor_id = '99' WHERE id = 3")
    async with database.read_session() as session:
        result = await verify_audit_chain(session)
    assert not result.holds
    assert result.first_altered_id == 3
    assert "entry 3" in result.describe()


async def test_an_entry_resealed_after_a_change_is_still_caught(database: Database) -> None:
    await _write_entries(database, 4)
    await _tamper(database, "UPDATE audit_entry SET entry_hash = previous_hash WHERE id = 2")
    async with database.read_session() as session:
        result = await verify_audit_chain(session)
    assert not result.holds
    assert result.first_altered_id == 2


async def test_a_removed_entry_breaks_the_chain(database: Database) -> None:
    await _write_entries(database, 4)
    await _tamper(database, "DELETE FROM audit_entry WHERE id = 3")
    async with database.read_session() as session:
        result = await verify_audit_chain(session)
    assert not result.holds
    assert result.first_altered_id == 2
