"""Creating staff accounts, and stopping or restoring a person's sign-in."""

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from service.audit import append_audit
from service.domain.audit_actions import AuditAction
from service.domain.errors import InvalidInput, NotFound
from service.domain.staff import StaffRole, check_password, normalise_email, parse_role
from service.domain.staff_sessions import EndReason
from service.domain.states import OPEN_STATUSES, Actor, RequestEvent, RequestStatus, is_finished
from service.passwords import hash_password_off_loop
from service.settings import Settings
from service.store.locks import lock_conferences
from service.store.staff_sessions import end_sessions
from service.store.tables import ObservationRequest, StaffUser
from service.usecases.steps.consent_outcome import end_request


async def create_staff_user(
    session: AsyncSession,
    *,
    now: datetime,
    email: str,
    name: str,
    role: str,
    password: str,
    created_by: str = "command line",
    email_confirmed: bool = True,
) -> StaffUser:
    """Create a staff account after checking its role, email and password; commits."""
    staff_role: StaffRole = parse_role(role)
    address = normalise_email(email)
    if not name.strip():
        raise InvalidInput("Enter the person's name.")
    check_password(password)
    existing = await session.scalar(
        select(col(StaffUser.id)).where(col(StaffUser.email) == address)
    )
    if existing is not None:
        raise InvalidInput(f"There is already an account for {address}.")
    user = StaffUser(
        email=address,
        name=name.strip(),
        role=staff_role.value,
        password_hash=await hash_password_off_loop(password),
        email_confirmed_at=now if email_confirmed else None,
        created_at=now,
    )
    session.add(user)
    await session.flush()
    await append_audit(
        session,
        now=now,
        actor_kind="system",
        actor_id=None,
        action=AuditAction.STAFF_ACCOUNT_CREATED,
        details={"staff_user_id": user.id, "role": staff_role.value, "by": created_by},
    )
    try:
        await session.commit()
    except IntegrityError:
        # Two people created the same account at the same moment; the unique index decided.
        await session.rollback()
        raise InvalidInput(f"There is already an account for {address}.") from None
    return user


async def set_staff_active(
    session: AsyncSession,
    *,
    settings: Settings,
    now: datetime,
    admin_id: int,
    user_id: int,
    active: bool,
) -> StaffUser:
    """Let a member of staff sign in again, or stop them signing in; commits.

    A trainee who can no longer sign in cannot observe: their open requests are withdrawn, so
    the family's links go quiet and any invite is cancelled.
    """
    if user_id == admin_id and not active:
        raise InvalidInput("You cannot stop your own account from signing in.")
    if not active:
        await _withdraw_open_requests(
            session, settings=settings, now=now, admin_id=admin_id, trainee_id=user_id
        )
    user = await session.get(StaffUser, user_id, populate_existing=True)
    if user is None:
        raise NotFound("There is no such member of staff.")
    if not active:
        # Every browser session and token of theirs ends now, and stays ended if the account
        # is ever allowed to sign in again.
        await end_sessions(
            session, now=now, reason=EndReason.ACCOUNT_STOPPED, staff_user_id=user_id
        )
    if user.is_active != active:
        user.is_active = active
        await append_audit(
            session,
            now=now,
            actor_kind=Actor.ADMIN.value,
            actor_id=admin_id,
            action=AuditAction.STAFF_ACCOUNT_REACTIVATED
            if active
            else AuditAction.STAFF_ACCOUNT_DEACTIVATED,
            details={"staff_user_id": user_id},
        )
    await session.commit()
    return user


async def _withdraw_open_requests(
    session: AsyncSession, *, settings: Settings, now: datetime, admin_id: int, trainee_id: int
) -> None:
    conference_ids = await session.scalars(
        select(col(ObservationRequest.conference_id)).where(
            col(ObservationRequest.trainee_id) == trainee_id,
            col(ObservationRequest.status).in_([s.value for s in OPEN_STATUSES]),
        )
    )
    for locked in await lock_conferences(session, conference_ids):
        if now >= locked.conference.starts_at:
            continue  # the conference has begun: the chair's check finishes the request
        for request in locked.requests:
            if request.trainee_id != trainee_id or is_finished(RequestStatus(request.status)):
                continue
            await end_request(
                session,
                settings=settings,
                now=now,
                request=request,
                event=RequestEvent.WITHDRAW,
                actor=Actor.ADMIN,
                actor_id=admin_id,
                details={"because": "observer_account_stopped"},
            )
