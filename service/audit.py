"""The append-only, hash-chained audit log: every action, who did it, when, and what changed."""

import asyncio
import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from service.domain.audit_actions import AuditAction
from service.settings import DEVELOPMENT_AUDIT_KEY
from service.store.database import AUDIT_KEY_INFO
from service.store.ids import saved_id
from service.store.tables import AuditEntry

GENESIS_HASH = "0" * 64
# Any fixed number: the PostgreSQL advisory lock that makes appends take turns, so two
# transactions never chain onto the same previous entry.
_APPEND_LOCK_KEY = 4_271_905
_APPEND_LOCK = text("SELECT pg_advisory_xact_lock(:key)")
# Built once: every write of the service runs it.
_LAST_HASH = select(col(AuditEntry.entry_hash)).order_by(col(AuditEntry.id).desc()).limit(1)


def _canonical(entry: AuditEntry) -> bytes:
    fields = {
        "occurred_at": entry.occurred_at.astimezone(UTC).isoformat(timespec="microseconds"),
        "actor_kind": entry.actor_kind,
        "actor_id": entry.actor_id,
        "action": entry.action,
        "request_id": entry.request_id,
        "conference_id": entry.conference_id,
        "from_status": entry.from_status,
        "to_status": entry.to_status,
        "details": entry.details,
        "previous_hash": entry.previous_hash,
    }
    return json.dumps(fields, sort_keys=True, separators=(",", ":")).encode()


def compute_entry_hash(entry: AuditEntry, key: bytes) -> str:
    """The keyed hash (HMAC-SHA-256) that seals an entry with the hash of the one before it.

    The key lives outside the database (CPC_AUDIT_KEY): someone who can write to the database
    can change an entry, but cannot seal the chain again to hide it.
    """
    return hmac.new(key, _canonical(entry), hashlib.sha256).hexdigest()


def audit_key_of(session: AsyncSession) -> bytes:
    """The audit key the session's database was opened with (the development key by default)."""
    key = session.info.get(AUDIT_KEY_INFO) or DEVELOPMENT_AUDIT_KEY
    return str(key).encode()


async def append_audit(
    session: AsyncSession,
    *,
    now: datetime,
    actor_kind: str,
    actor_id: str | int | None,
    action: AuditAction,
    request_id: int | None = None,
    conference_id: int | None = None,
    from_status: str | None = None,
    to_status: str | None = None,
    details: dict[str, object] | None = None,
) -> AuditEntry:
    """Add one entry to the chain inside the caller's transaction (never commits)."""
    if session.get_bind().dialect.name == "postgresql":
        await session.execute(_APPEND_LOCK, {"key": _APPEND_LOCK_KEY})
    # Whatever the transaction has written so far goes first, an earlier entry of the chain
    # among it, so the entry before this one is read as it now stands. This entry itself is
    # written with the transaction's next statement or its commit.
    await session.flush()
    last_hash = await session.scalar(_LAST_HASH)
    entry = AuditEntry(
        occurred_at=now.astimezone(UTC),
        actor_kind=actor_kind,
        actor_id=None if actor_id is None else str(actor_id),
        action=action,
        request_id=request_id,
        conference_id=conference_id,
        from_status=from_status,
        to_status=to_status,
        details=json.dumps(details or {}, sort_keys=True, separators=(",", ":"), default=str),
        previous_hash=last_hash or GENESIS_HASH,
        entry_hash="",
    )
    entry.entry_hash = compute_entry_hash(entry, audit_key_of(session))
    session.add(entry)
    return entry


@dataclass(frozen=True)
class ChainPoint:
    """An entry the chain was verified up to: its id, its hash, and how many entries end there."""

    entry_id: int
    entry_hash: str
    entries: int


@dataclass(frozen=True)
class AuditCheck:
    """The result of walking the chain."""

    holds: bool
    entries_checked: int
    first_altered_id: int | None = None
    problem: str | None = None
    # Where a later walk can carry on from, when the chain held.
    last: ChainPoint | None = None

    def describe(self) -> str:
        """One sentence for QA or an operator."""
        if self.holds:
            if self.entries_checked == 1:
                return "The audit record holds: its one entry is unaltered."
            return f"The audit record holds: all {self.entries_checked} entries are unaltered."
        return f"The audit record has been altered: entry {self.first_altered_id} {self.problem}."


def _walk(entries: list[AuditEntry], point: ChainPoint | None, key: bytes) -> AuditCheck:
    """Check a run of entries that follows `point` (or starts the chain); pure CPU work."""
    previous_hash = point.entry_hash if point else GENESIS_HASH
    checked = point.entries if point else 0
    last = point
    for entry in entries:
        if entry.previous_hash != previous_hash:
            if last is None:
                return AuditCheck(False, checked, saved_id(entry), "does not start the chain")
            # The seal of the entry before was recomputed after a change, or entries
            # between the two were removed: either way the break is at the earlier one.
            return AuditCheck(
                False,
                checked,
                last.entry_id,
                f"was changed, or entries after it were removed (entry {saved_id(entry)} "
                "no longer follows it)",
            )
        if compute_entry_hash(entry, key) != entry.entry_hash:
            return AuditCheck(False, checked, saved_id(entry), "was changed after it was written")
        previous_hash = entry.entry_hash
        checked += 1
        last = ChainPoint(saved_id(entry), entry.entry_hash, checked)
    return AuditCheck(True, checked, last=last)


async def verify_audit_chain(
    session: AsyncSession, *, batch_size: int = 5000, after: ChainPoint | None = None
) -> AuditCheck:
    """Recompute every entry's hash in order (or those after `after`) and name the first wrong.

    The hashing runs in a worker thread, a batch at a time, so a long chain never holds up
    the pages served meanwhile.
    """
    key = audit_key_of(session)
    if after is not None:
        # The entry a walk carries on from is hashed again too: were it rewritten (its seal
        # recomputed or not), everything checked after it would hang from a changed link.
        still = await session.get(AuditEntry, after.entry_id, populate_existing=True)
        if (
            still is None
            or still.entry_hash != after.entry_hash
            or compute_entry_hash(still, key) != after.entry_hash
        ):
            return AuditCheck(
                False, after.entries, after.entry_id, "was changed or removed since it was checked"
            )
    check = AuditCheck(True, after.entries if after else 0, last=after)
    while True:
        start_id = check.last.entry_id if check.last else 0
        batch = list(
            (
                await session.scalars(
                    select(AuditEntry)
                    .where(col(AuditEntry.id) > start_id)
                    .order_by(col(AuditEntry.id))
                    .limit(batch_size)
                )
            ).all()
        )
        if not batch:
            return check
        check = await asyncio.to_thread(_walk, batch, check.last, key)
        session.expunge_all()
        if not check.holds:
            return check


@dataclass(frozen=True)
class Seal:
    """A witness of the newest entry, kept outside the database: `<entry id>:<hex digest>`."""

    entry_id: int
    digest: str

    def __str__(self) -> str:
        return f"{self.entry_id}:{self.digest}"

    @classmethod
    def parse(cls, text: str) -> "Seal":
        """The seal written as `ID:HEX`, or ValueError with a plain sentence."""
        entry_id, _, digest = text.strip().partition(":")
        if not entry_id.isdigit() or len(digest) != 64 or not _is_hex(digest):
            raise ValueError("A seal looks like 1234:followed-by-64-hexadecimal-characters.")
        return cls(int(entry_id), digest.lower())


def _is_hex(text: str) -> bool:
    return all(char in "0123456789abcdefABCDEF" for char in text)


def seal_of(check: AuditCheck) -> Seal | None:
    """The seal of the newest entry a walk that held reached, or None for an empty record."""
    if not check.holds or check.last is None:
        return None
    return Seal(check.last.entry_id, check.last.entry_hash)


async def check_seal(session: AsyncSession, seal: Seal) -> str | None:
    """Why the record no longer holds the sealed entry with its digest, or None when it does."""
    stored = await session.scalar(
        select(col(AuditEntry.entry_hash)).where(col(AuditEntry.id) == seal.entry_id)
    )
    if stored is None:
        return (
            f"Entry {seal.entry_id}, sealed earlier, is no longer in the record: entries were "
            "deleted from it."
        )
    if stored != seal.digest:
        return (
            f"Entry {seal.entry_id} no longer has the digest it was sealed with: the record was "
            "rewritten up to it."
        )
    return None
