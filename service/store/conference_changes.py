"""Compare-and-set changes to a conference row. Nothing here commits."""

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from service.store.results import rows_changed
from service.store.tables import Conference


async def compare_and_set_conference(
    session: AsyncSession, *, conference_id: int, expected_version: int, **changes: object
) -> bool:
    """Change a conference only if nobody changed it first; True when exactly this change won."""
    result = await session.execute(
        update(Conference)
        .where(col(Conference.id) == conference_id, col(Conference.version) == expected_version)
        .values(version=col(Conference.version) + 1, **changes)
        .execution_options(synchronize_session=False)
    )
    return rows_changed(result) == 1
