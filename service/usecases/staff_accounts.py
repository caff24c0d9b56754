"""Creating staff accounts."""

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from service.audit import append_audit
from service.domain.errors import InvalidInput, NotFound
from service.domain.staff import StaffRole, check_password, normalise_email, parse_role
from service.passwords import hash_password
from service.store.tables import StaffUser


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
        password_hash=hash_password(password),
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
        action="staff_account_created",
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
    session: AsyncSession, *, now: datetime, admin_id: int, user_id: int, active: bool
) -> StaffUser:
    """Let a member of staff sign in again, or stop them signing in; commits."""
    if user_id == admin_id and not active:
        raise InvalidInput("You cannot stop your own account from signing in.")
    user = await session.get(StaffUser, user_id)
    if user is None:
        raise NotFound("There is no such member of staff.")
    if user.is_active != active:
        user.is_active = active
        await append_audit(
            session,
            now=now,
            actor_kind="admin",
            actor_id=admin_id,
            action="staff_account_reactivated" if active else "staff_account_deactivated",
            details={"staff_user_id": user_id},
        )
        await session.commit()
    return user
