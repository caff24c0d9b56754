"""A second factor for password sign-in: setting up an authenticator app, and using a code.

A code is good once: the time step it belongs to is recorded, and a recovery code is marked
used, each by a conditional update, so two requests racing with the same code cannot both win.
Wrong codes count against the same limits as wrong passwords.
"""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import or_, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlmodel import col

from service import metrics
from service.audit import append_audit
from service.domain.audit_actions import AuditAction
from service.domain.errors import NotFound
from service.domain.sign_in_limits import Wait
from service.domain.staff_sessions import EndReason, SessionKind, SignedInWith, Stage
from service.domain.states import Actor
from service.one_time_codes import (
    matching_step,
    new_secret,
    open_secret,
    seal_secret,
)
from service.settings import Settings
from service.store.ids import saved_id
from service.store.results import rows_changed
from service.store.sign_in_failures import clear_failures
from service.store.staff_sessions import end_sessions
from service.store.tables import StaffRecoveryCode, StaffSession, StaffUser
from service.usecases.staff_sessions import NewSession, start_session
from service.usecases.steps.recovery_codes import (
    matching_recovery_code,
    new_hashed_recovery_codes,
    retire_recovery_codes,
)
from service.usecases.steps.sign_in_attempts import note_if_locked, reserve_attempt


@dataclass(frozen=True)
class CodeResult:
    """The fresh, fully signed-in session, or why not: a wrong code, or a wait."""

    new_session: NewSession | None = None
    wait: Wait | None = None
    recovery_codes: tuple[str, ...] = ()


async def use_code(
    session: AsyncSession,
    *,
    settings: Settings,
    user: StaffUser,
    code: str,
    now: datetime,
    recovery_code_id: int | None,
) -> bool:
    """Whether `code` is the person's current one-time code, or is the unused recovery code
    `matching_recovery_code` found. Marks it used when it is (flushes, does not commit).
    """
    secret = open_secret(settings, user.totp_secret) if user.totp_secret else None
    step = matching_step(secret, code, now=now) if secret else None
    if step is not None:
        result = await session.execute(
            update(StaffUser)
            .where(
                col(StaffUser.id) == saved_id(user),
                or_(col(StaffUser.totp_last_step).is_(None), col(StaffUser.totp_last_step) < step),
            )
            .values(totp_last_step=step)
        )
        return rows_changed(result) > 0
    if recovery_code_id is None:
        return False
    result = await session.execute(
        update(StaffRecoveryCode)
        .where(
            col(StaffRecoveryCode.id) == recovery_code_id,
            col(StaffRecoveryCode.staff_user_id) == saved_id(user),
            col(StaffRecoveryCode.used_at).is_(None),
        )
        .values(used_at=now)
    )
    return rows_changed(result) > 0


async def secret_to_set_up(
    session: AsyncSession, *, settings: Settings, user_id: int
) -> str | None:
    """The secret the person is setting up, made on first visit; None once one is in use.

    Kept on their account from the first visit, so reloading the page shows the same QR code
    the person may already have scanned. Commits.
    """
    user = await session.get(StaffUser, user_id)
    if user is None or user.totp_enabled_at is not None:
        return None
    secret = open_secret(settings, user.totp_secret) if user.totp_secret else None
    if secret is None:
        secret = new_secret()
        user.totp_secret = seal_secret(settings, secret)
        await session.commit()
    return secret


async def _fresh_signed_in_session(
    session: AsyncSession,
    *,
    settings: Settings,
    now: datetime,
    part_way: StaffSession,
    user: StaffUser,
) -> NewSession:
    # A new token once the person has proved more: whoever saw the part-way cookie cannot
    # ride on it into the full session.
    await end_sessions(
        session, now=now, reason=EndReason.SIGNED_IN_FURTHER, session_id=saved_id(part_way)
    )
    return await start_session(
        session,
        settings=settings,
        now=now,
        user=user,
        kind=SessionKind.BROWSER,
        signed_in_with=SignedInWith(part_way.signed_in_with),
        device=part_way.device,
    )


async def finish_signing_in(
    reader: async_sessionmaker[AsyncSession],
    writer: async_sessionmaker[AsyncSession],
    *,
    settings: Settings,
    now: datetime,
    session_id: int,
    expected_stage: Stage,
    code: str,
    address: str,
) -> CodeResult:
    """The step after the password: a code from the app (or a recovery code), or the first
    code of an app being set up, which turns it on and brings back ten recovery codes.

    Either way a right code ends the part-way session and starts a fresh one; commits.
    """
    async with reader() as session:
        part_way = await session.get(StaffSession, session_id)
        user = await session.get(StaffUser, part_way.staff_user_id) if part_way else None
    if part_way is None or user is None or user.id is None:
        return CodeResult()
    if part_way.stage != expected_stage.value:
        return CodeResult()
    attempt = await reserve_attempt(
        writer, settings=settings, now=now, email=user.email, address=address
    )
    if attempt.wait is not None:
        metrics.sign_in_failures.labels("waiting").inc()
        return CodeResult(wait=attempt.wait)
    setting_up = expected_stage is Stage.SET_UP_SECOND_FACTOR
    new_codes: list[tuple[str, str]] = []
    recovery_id = None
    if setting_up and _set_up_step(settings, user, code, now) is not None:
        new_codes = await new_hashed_recovery_codes()  # only once the code is known to be right
    elif not setting_up:
        recovery_id = await matching_recovery_code(reader, user_id=user.id, code=code)
    async with writer() as session:
        part_way = await session.get(StaffSession, session_id)
        user = await session.get(StaffUser, user.id)
        if part_way is None or user is None or part_way.ended_at is not None:
            return CodeResult()
        if setting_up:
            right = bool(new_codes) and await _finish_set_up(
                session, settings=settings, now=now, user=user, code=code, new_codes=new_codes
            )
        else:
            right = await use_code(
                session,
                settings=settings,
                now=now,
                user=user,
                code=code,
                recovery_code_id=recovery_id,
            )
        if not right:
            await note_if_locked(session, now=now, attempt=attempt, staff_user_id=user.id)
            await session.commit()
            metrics.sign_in_failures.labels("one_time_code").inc()
            return CodeResult()
        await clear_failures(session, account_key=attempt.account, now=now)
        fresh = await _fresh_signed_in_session(
            session, settings=settings, now=now, part_way=part_way, user=user
        )
        await session.commit()
        shown = tuple(code for code, _ in new_codes) if setting_up else ()
        return CodeResult(new_session=fresh, recovery_codes=shown)


def _set_up_step(settings: Settings, user: StaffUser, code: str, now: datetime) -> int | None:
    """The time step of the first code from an app being set up, when it is right."""
    if user.totp_enabled_at is not None or not user.totp_secret:
        return None
    secret = open_secret(settings, user.totp_secret)
    return matching_step(secret, code, now=now) if secret else None


async def _finish_set_up(
    session: AsyncSession,
    *,
    settings: Settings,
    now: datetime,
    user: StaffUser,
    code: str,
    new_codes: list[tuple[str, str]],
) -> bool:
    step = _set_up_step(settings, user, code, now)
    if step is None or user.id is None:
        return False
    # Conditional, so that two set-ups finishing at once cannot both add recovery codes.
    turned_on = await session.execute(
        update(StaffUser)
        .where(
            col(StaffUser.id) == user.id,
            col(StaffUser.totp_enabled_at).is_(None),
            col(StaffUser.totp_secret) == user.totp_secret,
        )
        .values(totp_enabled_at=now, totp_last_step=step)
        .execution_options(synchronize_session=False)
    )
    if rows_changed(turned_on) == 0:
        return False
    await retire_recovery_codes(session, user_id=user.id, now=now)
    for _, hashed in new_codes:
        session.add(StaffRecoveryCode(staff_user_id=user.id, code_hash=hashed, created_at=now))
    await append_audit(
        session,
        now=now,
        actor_kind=Actor.SYSTEM.value,
        actor_id=None,
        action=AuditAction.SECOND_FACTOR_SET_UP,
        details={"staff_user_id": user.id},
    )
    return True


async def reset_second_factor(
    session: AsyncSession, *, now: datetime, admin_id: int, user_id: int
) -> None:
    """An administrator clears a person's lost second factor; they set up a new one. Commits."""
    user = await session.get(StaffUser, user_id)
    if user is None:
        raise NotFound("There is no such member of staff.")
    user.totp_secret = user.totp_enabled_at = user.totp_last_step = None
    await retire_recovery_codes(session, user_id=user_id, now=now)
    await end_sessions(session, now=now, reason=EndReason.ENDED_BY_ADMIN, staff_user_id=user_id)
    await append_audit(
        session,
        now=now,
        actor_kind=Actor.ADMIN.value,
        actor_id=admin_id,
        action=AuditAction.SECOND_FACTOR_RESET,
        details={"staff_user_id": user_id},
    )
    await session.commit()
