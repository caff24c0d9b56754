"""Seal the audit chain with a keyed hash (HMAC-SHA-256, key CPC_AUDIT_KEY) instead of SHA-256.

With a plain hash, anyone able to write to the database could change an entry and compute the
chain again. The key is kept outside the database. This migration first checks the existing
chain under the old hash, refusing to go on if it was already altered (sealing it again would
hide that), then seals every entry again with the key, in order. It runs as the tables' owner,
who alone may set the append-only triggers aside for the moment it takes.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01
"""

import hashlib
import hmac
import json
from collections.abc import Callable, Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

from service.settings import get_settings

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_GENESIS = "0" * 64
_FIELDS = (
    "occurred_at",
    "actor_kind",
    "actor_id",
    "action",
    "request_id",
    "conference_id",
    "from_status",
    "to_status",
    "details",
)


def _canonical(row: sa.Row[tuple[object, ...]], previous_hash: str) -> bytes:
    values = dict(row._mapping)
    occurred = values["occurred_at"]
    if isinstance(occurred, str):
        occurred = datetime.fromisoformat(occurred)
    assert isinstance(occurred, datetime)
    if occurred.tzinfo is None:
        occurred = occurred.replace(tzinfo=UTC)
    fields = {name: values[name] for name in _FIELDS}
    fields["occurred_at"] = occurred.astimezone(UTC).isoformat(timespec="microseconds")
    fields["previous_hash"] = previous_hash
    return json.dumps(fields, sort_keys=True, separators=(",", ":")).encode()


def _plain(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _keyed(data: bytes) -> str:
    return hmac.new(get_settings().audit_key.encode(), data, hashlib.sha256).hexdigest()


def _reseal(old: Callable[[bytes], str], new: Callable[[bytes], str]) -> None:
    bind = op.get_bind()
    rows = bind.execute(
        sa.text(
            "SELECT id, entry_hash, occurred_at, actor_kind, actor_id, action, request_id, "
            "conference_id, from_status, to_status, details FROM audit_entry ORDER BY id"
        )
    ).all()
    if not rows:
        return
    old_previous, new_previous, resealed = _GENESIS, _GENESIS, []
    for row in rows:
        if old(_canonical(row, old_previous)) != row.entry_hash:
            raise RuntimeError(
                f"Audit entry {row.id} does not match its seal, so the record was altered "
                "before this upgrade. Investigate it (cpc-observers verify-audit) first."
            )
        old_previous = row.entry_hash
        new_hash = new(_canonical(row, new_previous))
        resealed.append({"id": row.id, "previous_hash": new_previous, "entry_hash": new_hash})
        new_previous = new_hash
    postgres = bind.dialect.name == "postgresql"
    if postgres:
        op.execute("ALTER TABLE audit_entry DISABLE TRIGGER audit_entry_refuse_update_delete")
    else:
        op.execute("DROP TRIGGER audit_entry_refuse_update")
    bind.execute(
        sa.text(
            "UPDATE audit_entry SET previous_hash = :previous_hash, entry_hash = :entry_hash "
            "WHERE id = :id"
        ),
        resealed,
    )
    if postgres:
        op.execute("ALTER TABLE audit_entry ENABLE TRIGGER audit_entry_refuse_update_delete")
    else:
        op.execute(
            """CREATE TRIGGER audit_entry_refuse_update BEFORE UPDATE ON audit_entry
               BEGIN SELECT RAISE(ABORT, 'audit entries are append-only and cannot be changed');
               END"""
        )


def upgrade() -> None:
    _reseal(_plain, _keyed)


def downgrade() -> None:
    _reseal(_keyed, _plain)
