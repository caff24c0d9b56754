"""Migration 0007 seals an existing chain again with the key, and refuses an altered one."""

import asyncio
import hashlib
import json
from datetime import UTC, datetime

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from service.audit import verify_audit_chain
from service.store.database import Database
from service.store.migrate import downgrade_database, upgrade_database


def _plain_seal(fields: dict[str, object], previous: str) -> str:
    canonical = {**fields, "previous_hash": previous}
    return hashlib.sha256(
        json.dumps(canonical, sort_keys=True, separators=(",", ":")).encode()
    ).hexdigest()


async def _write_old_chain(url: str, entries: int, *, alter: int | None = None) -> None:
    """Entries as the service wrote them before 0007: sealed with plain SHA-256."""
    engine = create_async_engine(url, poolclass=NullPool)
    previous = "0" * 64
    async with engine.begin() as connection:
        for n in range(1, entries + 1):
            moment = datetime(2026, 11, 23, 10, n, tzinfo=UTC)
            fields: dict[str, object] = {
                "occurred_at": moment.isoformat(timespec="microseconds"),
                "actor_kind": "system",
                "actor_id": None,
                "action": f"step_{n}",
                "request_id": None,
                "conference_id": None,
                "from_status": None,
                "to_status": None,
                "details": "{}",
            }
            sealed = _plain_seal(fields, previous)
            await connection.execute(
                text(
                    "INSERT INTO audit_entry (id, occurred_at, actor_kind, actor_id, action, "
                    "details, previous_hash, entry_hash) VALUES (:id, :at, 'system', NULL, "
                    ":action, :details, :previous, :sealed)"
                ),
                {
                    "id": n,
                    "at": moment if url.startswith("postgresql") else moment.isoformat(),
                    "action": f"step_{n}" if n != alter else "step_altered",
                    "details": "{}",
                    "previous": previous,
                    "sealed": sealed,
                },
            )
            previous = sealed
    await engine.dispose()


async def _verify(url: str) -> tuple[bool, int]:
    database = Database(url)
    try:
        async with database.read_session() as session:
            check = await verify_audit_chain(session)
        return check.holds, check.entries_checked
    finally:
        await database.dispose()


def test_an_old_chain_is_sealed_again_with_the_key(database_url: str) -> None:
    downgrade_database(database_url, "0006")
    asyncio.run(_write_old_chain(database_url, 5))
    upgrade_database(database_url)
    assert asyncio.run(_verify(database_url)) == (True, 5)
    downgrade_database(database_url, "0006")
    upgrade_database(database_url)
    assert asyncio.run(_verify(database_url)) == (True, 5)


def test_an_altered_old_chain_is_not_sealed_again(database_url: str) -> None:
    downgrade_database(database_url, "0006")
    asyncio.run(_write_old_chain(database_url, 5, alter=3))
    with pytest.raises(RuntimeError, match="Audit entry 3 does not match its seal"):
        upgrade_database(database_url)
