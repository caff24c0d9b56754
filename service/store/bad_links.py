"""Counting bad consent links per address and minute, shared by every process. Never commits."""

from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from service.store.results import rows_changed
from service.store.tables import BadLinkAttempts


async def count_bad_link(
    session: AsyncSession, *, address_key: str, window_start: datetime
) -> None:
    """Add one bad attempt to the address's count for this window."""
    dialect = session.get_bind().dialect.name
    insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    statement = insert(BadLinkAttempts).values(
        address_key=address_key, window_start=window_start, attempts=1
    )
    await session.execute(
        statement.on_conflict_do_update(
            index_elements=["address_key", "window_start"],
            set_={"attempts": col(BadLinkAttempts.attempts) + 1},
        )
    )


async def bad_links_in_window(
    session: AsyncSession, *, address_key: str, window_start: datetime
) -> int:
    """How many bad attempts the address has made in this window so far."""
    count = await session.scalar(
        select(col(BadLinkAttempts.attempts)).where(
            col(BadLinkAttempts.address_key) == address_key,
            col(BadLinkAttempts.window_start) == window_start,
        )
    )
    return int(count or 0)


async def forget_bad_links_before(session: AsyncSession, *, before: datetime) -> int:
    """Remove counts of windows that ended before `before`; how many went."""
    result = await session.execute(
        delete(BadLinkAttempts).where(col(BadLinkAttempts.window_start) < before)
    )
    return rows_changed(result)
