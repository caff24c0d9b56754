"""Finding, touching and ending staff sessions. Nothing here commits."""

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import ColumnElement, bindparam, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from service.domain.staff_sessions import EndReason, SessionKind, SessionTimes
from service.store.results import rows_changed
from service.store.tables import StaffSession, StaffUser


def times_of(row: StaffSession) -> SessionTimes:
    """The times the domain decides a session's fate by."""
    return SessionTimes(
        kind=SessionKind(row.kind),
        last_seen_at=row.last_seen_at,
        expires_at=row.expires_at,
        ended_at=row.ended_at,
    )


# Built once: every staff page runs it, and building costs more than running.
_BY_TOKEN_HASH = (
    select(StaffSession, StaffUser)
    .join(StaffUser, col(StaffUser.id) == col(StaffSession.staff_user_id))
    .where(col(StaffSession.token_hash) == bindparam("token_hash"))
)


async def session_by_token_hash(
    session: AsyncSession, token_hash: str
) -> tuple[StaffSession, StaffUser] | None:
    """The session a token hash names, with its member of staff, in one query."""
    row = (await session.execute(_BY_TOKEN_HASH, {"token_hash": token_hash})).first()
    return (row[0], row[1]) if row else None


async def touch(session: AsyncSession, *, session_id: int, now: datetime) -> None:
    """Record that a session was used now, unless another request already did."""
    await session.execute(
        update(StaffSession)
        .where(col(StaffSession.id) == session_id, col(StaffSession.last_seen_at) < now)
        .values(last_seen_at=now)
    )


async def end_sessions(
    session: AsyncSession,
    *,
    now: datetime,
    reason: EndReason,
    session_id: int | None = None,
    staff_user_id: int | None = None,
    kinds: Sequence[SessionKind] | None = None,
    keep_session_id: int | None = None,
) -> int:
    """End sessions not ended yet: one, a person's, or (by kind) everyone's; the number ended."""
    conditions: list[ColumnElement[bool]] = [col(StaffSession.ended_at).is_(None)]
    if session_id is not None:
        conditions.append(col(StaffSession.id) == session_id)
    if staff_user_id is not None:
        conditions.append(col(StaffSession.staff_user_id) == staff_user_id)
    if kinds is not None:
        conditions.append(col(StaffSession.kind).in_([kind.value for kind in kinds]))
    if keep_session_id is not None:
        conditions.append(col(StaffSession.id) != keep_session_id)
    assert len(conditions) > 1, "end which sessions?"
    result = await session.execute(
        update(StaffSession).where(*conditions).values(ended_at=now, ended_reason=reason.value)
    )
    return rows_changed(result)


async def open_sessions(
    session: AsyncSession, *, now: datetime, kinds: Sequence[SessionKind]
) -> list[tuple[StaffSession, StaffUser]]:
    """Sessions not ended and not past their hard end, newest use first, with their person.

    Idleness is left to the caller, which asks the domain: the rule lives in one place.
    """
    rows = await session.execute(
        select(StaffSession, StaffUser)
        .join(StaffUser, col(StaffUser.id) == col(StaffSession.staff_user_id))
        .where(
            col(StaffSession.ended_at).is_(None),
            col(StaffSession.expires_at) > now,
            col(StaffSession.kind).in_([kind.value for kind in kinds]),
        )
        .order_by(col(StaffSession.last_seen_at).desc())
        .limit(500)
    )
    return [(row[0], row[1]) for row in rows]


async def integration_tokens(
    session: AsyncSession, *, limit: int = 200
) -> list[tuple[StaffSession, StaffUser]]:
    """Every integration token, working or not, newest first, with the account it acts as."""
    rows = await session.execute(
        select(StaffSession, StaffUser)
        .join(StaffUser, col(StaffUser.id) == col(StaffSession.staff_user_id))
        .where(col(StaffSession.kind) == SessionKind.INTEGRATION.value)
        .order_by(col(StaffSession.id).desc())
        .limit(limit)
    )
    return [(row[0], row[1]) for row in rows]
