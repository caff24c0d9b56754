"""Signing staff in with a password, with failed tries counted so that guessing must wait.

The password is checked in a worker thread and with no database connection held: argon2 takes
a large fraction of a second on purpose, and neither the event loop nor the one SQLite writer
may wait for it.
"""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlmodel import col

from service import metrics
from service.audit import append_audit
from service.domain.audit_actions import AuditAction
from service.domain.sign_in_limits import Wait
from service.domain.staff import AccountKind
from service.domain.staff_sessions import SessionKind, SignedInWith, Stage, stage_after_password
from service.passwords import verify_password_off_loop
from service.settings import Settings
from service.store.sign_in_failures import clear_failures
from service.store.tables import StaffUser
from service.usecases.second_factor import use_code
from service.usecases.staff_sessions import NewSession, start_session
from service.usecases.steps.recovery_codes import matching_recovery_code
from service.usecases.steps.sign_in_attempts import (
    Attempt,
    account_key,
    note_if_locked,
    reserve_attempt,
)


@dataclass(frozen=True)
class SignInResult:
    """The session now started, or why not: a wrong password, a wait, or a step missing."""

    new_session: NewSession | None = None
    wait: Wait | None = None
    # An API token for an account with a second factor needs its one-time code too.
    needs_code: bool = False
    # An API token for an account that must set up a second factor first, on the web.
    needs_set_up: bool = False


def minutes_text(seconds: int) -> str:
    """'1 minute', '12 minutes': how long a wait is, rounded up to whole minutes."""
    minutes = max(1, (seconds + 59) // 60)
    return f"{minutes} minute" + ("" if minutes == 1 else "s")


async def sign_in_with_password(
    reader: async_sessionmaker[AsyncSession],
    writer: async_sessionmaker[AsyncSession],
    *,
    settings: Settings,
    now: datetime,
    email: str,
    password: str,
    address: str,
    kind: SessionKind,
    one_time_code: str | None = None,
    device: str | None = None,
) -> SignInResult:
    """Check a password unless the account or address must wait, then start a session.

    A browser session starts part-way when a second factor is still to come, and the attempt
    stays counted until that step is passed too. An API token is given only with the one-time
    code, when the account has one. Commits.
    """
    attempt = await reserve_attempt(
        writer, settings=settings, now=now, email=email, address=address
    )
    if attempt.wait is not None:
        # The same answer whether the account exists or not, and no password is checked.
        metrics.sign_in_failures.labels("waiting").inc()
        return SignInResult(wait=attempt.wait)
    async with reader() as session:
        user = await session.scalar(
            select(StaffUser).where(
                col(StaffUser.email) == email.strip().lower(),
                col(StaffUser.kind) == AccountKind.PERSON.value,
            )
        )
    hashed = user.password_hash if user else None
    matches = await verify_password_off_loop(password, hashed)
    usable = user is not None and user.is_active and user.email_confirmed_at is not None
    if not (matches and usable and user is not None and user.id is not None):
        await _wrong(writer, now, attempt, user)
        return SignInResult()
    stage = stage_after_password(
        role=user.role,
        has_second_factor=user.totp_enabled_at is not None,
        mfa_required=settings.mfa_required,
    )
    recovery_id = None
    if kind is SessionKind.API and stage is Stage.SECOND_FACTOR and one_time_code:
        recovery_id = await matching_recovery_code(reader, user_id=user.id, code=one_time_code)
    async with writer() as session:
        if kind is SessionKind.API and stage is Stage.SET_UP_SECOND_FACTOR:
            # Nothing more to guess here: the person must set a factor up on the web.
            await clear_failures(session, account_key=attempt.account, now=now)
            await session.commit()
            return SignInResult(needs_set_up=True)
        if kind is SessionKind.API and stage is Stage.SECOND_FACTOR:
            if not one_time_code:
                return SignInResult(needs_code=True)  # the attempt stays counted
            if not await use_code(
                session,
                settings=settings,
                now=now,
                user=user,
                code=one_time_code,
                recovery_code_id=recovery_id,
            ):
                await note_if_locked(session, now=now, attempt=attempt, staff_user_id=user.id)
                await session.commit()
                metrics.sign_in_failures.labels("one_time_code").inc()
                return SignInResult()
            stage = Stage.SIGNED_IN
        if stage is Stage.SIGNED_IN:
            await clear_failures(session, account_key=attempt.account, now=now)
        started = await start_session(
            session,
            settings=settings,
            now=now,
            user=user,
            kind=kind,
            stage=stage,
            signed_in_with=SignedInWith.PASSWORD,
            device=device,
        )
        await session.commit()
        return SignInResult(new_session=started)


async def _wrong(
    writer: async_sessionmaker[AsyncSession],
    now: datetime,
    attempt: Attempt,
    user: StaffUser | None,
) -> None:
    async with writer() as session:
        await note_if_locked(
            session, now=now, attempt=attempt, staff_user_id=user.id if user else None
        )
        await session.commit()
    metrics.sign_in_failures.labels("password").inc()


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
        action=AuditAction.SIGN_IN_WAIT_LIFTED,
        details={"staff_user_id": user.id, "failures_cleared": cleared},
    )
    await session.commit()
    return cleared
