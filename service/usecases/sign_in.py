"""Signing staff in with a password, with failed tries counted so that guessing must wait.

The password is checked in a worker thread and with no database connection held: argon2 takes
a large fraction of a second on purpose, and neither the event loop nor the one SQLite writer
may wait for it.
"""

import asyncio
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlmodel import col

from service.audit import append_audit
from service.domain.errors import InvalidInput
from service.domain.sign_in_limits import FAILURES_PER_ACCOUNT, Wait, must_wait
from service.domain.staff import normalise_email
from service.passwords import verify_password
from service.settings import Settings
from service.signing import keyed_digest
from service.store.sign_in_failures import add_failure, clear_failures, recent_failures
from service.store.tables import StaffUser


@dataclass(frozen=True)
class SignInResult:
    """The member of staff now signed in, or why not: a wrong password, or a wait."""

    user: StaffUser | None = None
    wait: Wait | None = None


def minutes_text(seconds: int) -> str:
    """'1 minute', '12 minutes': how long a wait is, rounded up to whole minutes."""
    minutes = max(1, (seconds + 59) // 60)
    return f"{minutes} minute" + ("" if minutes == 1 else "s")


def account_key(settings: Settings, email: str) -> str:
    """The key failures of one account are counted under, whether the account exists or not."""
    try:
        address = normalise_email(email)
    except InvalidInput:
        address = email.strip().lower()
    return keyed_digest(settings.secret_key, f"account:{address}")


async def sign_in_with_password(
    reader: async_sessionmaker[AsyncSession],
    writer: async_sessionmaker[AsyncSession],
    *,
    settings: Settings,
    now: datetime,
    email: str,
    password: str,
    address: str,
) -> SignInResult:
    """Check a password unless the account or address must wait; count a failure; commits."""
    account, place = (
        account_key(settings, email),
        keyed_digest(settings.secret_key, f"address:{address}"),
    )
    async with reader() as session:
        account_failures, address_failures = await recent_failures(
            session, account_key=account, address_key=place, now=now
        )
        wait = must_wait(
            now=now, account_failures=account_failures, address_failures=address_failures
        )
        if wait is not None:
            # The same answer whether the account exists or not, and no password is checked.
            return SignInResult(wait=wait)
        user = await session.scalar(
            select(StaffUser).where(col(StaffUser.email) == email.strip().lower())
        )
    hashed = user.password_hash if user else None
    matches = await asyncio.to_thread(verify_password, password, hashed)
    usable = user is not None and user.is_active and user.email_confirmed_at is not None
    async with writer() as session:
        if matches and usable:
            await clear_failures(session, account_key=account, now=now)
            await session.commit()
            return SignInResult(user=user)
        await add_failure(session, account_key=account, address_key=place, now=now)
        if len(account_failures) + 1 == FAILURES_PER_ACCOUNT:
            await append_audit(
                session,
                now=now,
                actor_kind="system",
                actor_id=None,
                action="sign_in_locked",
                details={
                    "staff_user_id": user.id if user else None,
                    "failures": FAILURES_PER_ACCOUNT,
                },
            )
        await session.commit()
    return SignInResult()


async def lift_sign_in_wait(
    session: AsyncSession, *, settings: Settings, now: datetime, admin_id: int, user: StaffUser
) -> int:
    """An administrator lets a member of staff try again at once; commits."""
    cleared = await clear_failures(session, account_key=account_key(settings, user.email), now=now)
    await append_audit(
        session,
        now=now,
        actor_kind="admin",
        actor_id=admin_id,
        action="sign_in_wait_lifted",
        details={"staff_user_id": user.id, "failures_cleared": cleared},
    )
    await session.commit()
    return cleared
