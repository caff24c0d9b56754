"""Failed staff sign-ins, counted per account and per address. Nothing here commits."""

from datetime import datetime

from sqlalchemy import ColumnElement, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from service.domain.sign_in_limits import FAILURES_PER_ACCOUNT, FAILURES_PER_ADDRESS, WINDOW
from service.store.results import rows_changed
from service.store.tables import SignInFailure


async def recent_failures(
    session: AsyncSession, *, account_key: str, address_key: str, now: datetime
) -> tuple[list[datetime], list[datetime]]:
    """The uncleared failures in the window for the account and for the address, newest first."""

    async def times(whose: ColumnElement[bool], limit: int) -> list[datetime]:
        rows = await session.scalars(
            select(col(SignInFailure.failed_at))
            .where(
                whose,
                col(SignInFailure.failed_at) > now - WINDOW,
                col(SignInFailure.cleared_at).is_(None),
            )
            .order_by(col(SignInFailure.failed_at).desc())
            .limit(limit)
        )
        return list(rows)

    return (
        await times(col(SignInFailure.account_key) == account_key, FAILURES_PER_ACCOUNT),
        await times(col(SignInFailure.address_key) == address_key, FAILURES_PER_ADDRESS),
    )


async def add_failure(
    session: AsyncSession, *, account_key: str, address_key: str, now: datetime
) -> None:
    """Count one failed sign-in."""
    session.add(SignInFailure(account_key=account_key, address_key=address_key, failed_at=now))
    await session.flush()


async def clear_failures(session: AsyncSession, *, account_key: str, now: datetime) -> int:
    """Stop counting an account's failures (it signed in, or an administrator lifted the wait)."""
    result = await session.execute(
        update(SignInFailure)
        .where(
            col(SignInFailure.account_key) == account_key, col(SignInFailure.cleared_at).is_(None)
        )
        .values(cleared_at=now)
        .execution_options(synchronize_session=False)
    )
    return rows_changed(result)


async def accounts_waiting(
    session: AsyncSession, *, account_keys: list[str], now: datetime
) -> set[str]:
    """Which of these accounts have had too many failures in the window to try now."""
    if not account_keys:
        return set()
    rows = await session.execute(
        select(col(SignInFailure.account_key))
        .where(
            col(SignInFailure.account_key).in_(account_keys),
            col(SignInFailure.failed_at) > now - WINDOW,
            col(SignInFailure.cleared_at).is_(None),
        )
        .group_by(col(SignInFailure.account_key))
        .having(func.count() >= FAILURES_PER_ACCOUNT)
    )
    return {str(key) for key in rows.scalars()}
