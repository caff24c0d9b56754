"""Compare-and-set changes to a conference row. Nothing here commits."""

from typing import Any

from sqlalchemy import CursorResult, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from service.store.tables import Conference


async def compare_and_set_conference(
    session: AsyncSession, *, conference_id: int, expected_version: int, **changes: Any
) -> bool:
    """Change a conference only if nobody changed it first; True when exactly this change won."""
    result = await session.execute(
        update(Conference)
        .where(col(Conference.id) == conference_id, col(Conference.version) == expected_version)
        .values(version=col(Conference.version) + 1, **changes)
        .execution_options(synchronize_session=False)
    )
    assert isinstance(result, CursorResult)
    return result.rowcount == 1
