"""Finding conferences by the meeting id the council's case-management system gives them."""

from collections.abc import Collection

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from service.store.tables import Conference


async def conference_ids_by_external_id(
    session: AsyncSession, external_ids: Collection[str]
) -> dict[str, int]:
    """The id of each conference recorded under one of these meeting ids, by meeting id."""
    if not external_ids:
        return {}
    rows = await session.execute(
        select(col(Conference.external_id), col(Conference.id)).where(
            col(Conference.external_id).in_(set(external_ids))
        )
    )
    return {
        external_id: conference_id
        for external_id, conference_id in rows
        if external_id is not None and conference_id is not None
    }
