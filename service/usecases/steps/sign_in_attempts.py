"""Counting sign-in attempts, so that guessing passwords or codes must wait.

An attempt is counted as a failure *before* the password or code is checked, in a write
transaction that first looks at the recent failures: a burst of simultaneous guesses is counted
one by one and meets the limit, rather than all passing a check made before any was counted.
A right answer then clears the count. Accounts and addresses are counted only as keyed hashes.
"""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from service.audit import append_audit
from service.domain.audit_actions import AuditAction
from service.domain.errors import InvalidInput
from service.domain.sign_in_limits import FAILURES_PER_ACCOUNT, Wait, must_wait
from service.domain.staff import normalise_email
from service.settings import Settings
from service.signing import keyed_digest
from service.store.sign_in_failures import add_failure, recent_failures


def account_key(settings: Settings, email: str) -> str:
    """The key failures of one account are counted under, whether the account exists or not."""
    try:
        address = normalise_email(email)
    except InvalidInput:
        address = email.strip().lower()
    return keyed_digest(settings.secret_key, f"account:{address}")


def address_key(settings: Settings, address: str) -> str:
    """The key failures from one network address are counted under."""
    return keyed_digest(settings.secret_key, f"address:{address}")


@dataclass(frozen=True)
class Attempt:
    """An attempt allowed and already counted, or the wait that stops it."""

    account: str
    wait: Wait | None
    # Counting this one, the account's failures in the window.
    failures: int


async def reserve_attempt(
    writer: async_sessionmaker[AsyncSession],
    *,
    settings: Settings,
    now: datetime,
    email: str,
    address: str,
) -> Attempt:
    """Count an attempt as a failure unless the account or address must wait; commits."""
    account, place = account_key(settings, email), address_key(settings, address)
    async with writer() as session:
        if session.get_bind().dialect.name == "postgresql":
            # Attempts on one account take turns, across processes; SQLite's writer already does.
            await session.execute(
                text("SELECT pg_advisory_xact_lock(hashtextextended(:key, 0))"), {"key": account}
            )
        account_failures, address_failures = await recent_failures(
            session, account_key=account, address_key=place, now=now
        )
        wait = must_wait(
            now=now, account_failures=account_failures, address_failures=address_failures
        )
        if wait is not None:
            return Attempt(account=account, wait=wait, failures=len(account_failures))
        await add_failure(session, account_key=account, address_key=place, now=now)
        await session.commit()
    return Attempt(account=account, wait=None, failures=len(account_failures) + 1)


async def note_if_locked(
    session: AsyncSession, *, now: datetime, attempt: Attempt, staff_user_id: int | None
) -> None:
    """After a wrong answer: audit the lockout when this attempt was the one that reached it."""
    if attempt.failures == FAILURES_PER_ACCOUNT:
        await append_audit(
            session,
            now=now,
            actor_kind="system",
            actor_id=None,
            action=AuditAction.SIGN_IN_LOCKED,
            details={"staff_user_id": staff_user_id, "failures": FAILURES_PER_ACCOUNT},
        )
