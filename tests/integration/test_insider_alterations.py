"""The nine ways an insider with the database could alter the record, and how each is found.

Every alteration is made around the append-only triggers, as someone with full rights on the
database could. Each must be found by the chain walk (`verify-audit`) or by the seal kept
outside the database (`verify-audit --seal`), taken before the alteration.
"""

import hashlib
import hmac
import json
from collections.abc import Awaitable, Callable
from datetime import timedelta

import pytest
from sqlalchemy import select, text
from sqlmodel import col

from service.audit import Seal, check_seal, seal_of, verify_audit_chain
from service.store.database import Database
from service.store.tables import AuditEntry
from tests.integration.test_audit_log import _write_entries

Alteration = Callable[[Database], Awaitable[None]]


async def _tamper(database: Database, *statements: str) -> None:
    """Change rows as someone with full rights on the database would: around the triggers."""
    async with database.write_session() as session:
        if database.dialect == "postgresql":
            await session.execute(text("ALTER TABLE audit_entry DISABLE TRIGGER USER"))
        else:
            await session.execute(text("DROP TRIGGER IF EXISTS audit_entry_refuse_update"))
            await session.execute(text("DROP TRIGGER IF EXISTS audit_entry_refuse_delete"))
        for statement in statements:
            await session.execute(text(statement))
        if database.dialect == "postgresql":
            await session.execute(text("ALTER TABLE audit_entry ENABLE TRIGGER USER"))
        await session.commit()


async def _rows(database: Database) -> list[AuditEntry]:
    async with database.read_session() as session:
        return list(await session.scalars(select(AuditEntry).order_by(col(AuditEntry.id))))


async def _edit_one(database: Database) -> None:
    await _tamper(database, "UPDATE audit_entry SET actor_id = '99' WHERE id = 4")


async def _edit_and_recompute_without_the_key(database: Database) -> None:
    # Everything the database holds, recomputed the way the chain used to be sealed and, for
    # good measure, with a guessed key: neither is the key the service keeps outside.
    rows = await _rows(database)
    previous = "0" * 64
    statements = []
    for row in rows:
        fields = {
            "occurred_at": row.occurred_at.isoformat(timespec="microseconds"),
            "actor_kind": row.actor_kind,
            "actor_id": "99" if row.id == 4 else row.actor_id,
            "action": row.action,
            "request_id": row.request_id,
            "conference_id": row.conference_id,
            "from_status": row.from_status,
            "to_status": row.to_status,
            "details": row.details,
            "previous_hash": previous,
        }
        data = json.dumps(fields, sort_keys=True, separators=(",", ":")).encode()
        digest = (
            hashlib.sha256(data).hexdigest()
            if row.id and row.id % 2
            else hmac.new(b"guessed", data, hashlib.sha256).hexdigest()
        )
        statements.append(
            f"UPDATE audit_entry SET actor_id = '{fields['actor_id']}', "
            f"previous_hash = '{previous}', entry_hash = '{digest}' WHERE id = {row.id}"
        )
        previous = digest
    await _tamper(database, *statements)


async def _delete_a_middle_entry(database: Database) -> None:
    await _tamper(database, "DELETE FROM audit_entry WHERE id = 4")


def _delete_newest(count: int) -> Alteration:
    async def delete(database: Database) -> None:
        await _tamper(database, f"DELETE FROM audit_entry WHERE id > {8 - count}")

    return delete


async def _delete_all(database: Database) -> None:
    await _tamper(database, "DELETE FROM audit_entry")


async def _swap_two(database: Database) -> None:
    rows = {row.id: row for row in await _rows(database)}
    await _tamper(
        database,
        *(
            f"UPDATE audit_entry SET action = '{rows[there].action}', "
            f"previous_hash = '{rows[there].previous_hash}', "
            f"entry_hash = '{rows[there].entry_hash}' WHERE id = {here}"
            for here, there in ((3, 5), (5, 3))
        ),
    )


async def _change_a_time(database: Database) -> None:
    row = (await _rows(database))[5]
    earlier = row.occurred_at - timedelta(days=3)
    await _tamper(
        database,
        f"UPDATE audit_entry SET occurred_at = '{earlier.isoformat()}' WHERE id = {row.id}",
    )


async def _insert_a_forged_entry(database: Database) -> None:
    newest = (await _rows(database))[-1]
    await _tamper(
        database,
        "INSERT INTO audit_entry (id, occurred_at, actor_kind, action, details, previous_hash, "
        f"entry_hash) VALUES (100, '{newest.occurred_at.isoformat()}', 'qa', 'approve', '{{}}', "
        f"'{newest.entry_hash}', '{'ab' * 32}')",
    )


ALTERATIONS: dict[str, tuple[Alteration, str]] = {
    "edit one entry": (_edit_one, "chain"),
    "edit and recompute without the key": (_edit_and_recompute_without_the_key, "chain"),
    "delete a middle entry": (_delete_a_middle_entry, "chain"),
    "delete the newest entry": (_delete_newest(1), "seal"),
    "delete the newest five": (_delete_newest(5), "seal"),
    "delete every entry": (_delete_all, "seal"),
    "swap two entries": (_swap_two, "chain"),
    "change an entry's time": (_change_a_time, "chain"),
    "insert a forged entry": (_insert_a_forged_entry, "chain"),
}


@pytest.mark.parametrize("name", list(ALTERATIONS))
async def test_each_insider_alteration_is_found(database: Database, name: str) -> None:
    alter, found_by = ALTERATIONS[name]
    await _write_entries(database, 8)
    async with database.read_session() as session:
        before = await verify_audit_chain(session)
    seal = seal_of(before)
    assert before.holds and seal == Seal(8, seal.digest if seal else "")
    assert seal is not None

    await alter(database)

    async with database.read_session() as session:
        chain = await verify_audit_chain(session)
        sealed = await check_seal(session, seal)
    if found_by == "chain":
        assert not chain.holds, f"{name}: the chain walk should find it"
    else:
        # Deleting from the end leaves a chain that holds on its own: the seal finds it.
        assert sealed is not None, f"{name}: the seal should find it"
    assert not chain.holds or sealed is not None
