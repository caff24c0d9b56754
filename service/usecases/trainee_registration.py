"""Trainees register themselves from an allowed email domain and confirm their address."""

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from notifications.emails import EmailTemplate
from notifications.outbox import RecipientRole
from service.audit import append_audit
from service.auth import issue_email_confirmation
from service.domain.audit_actions import AuditAction
from service.domain.errors import InvalidInput
from service.domain.staff import (
    StaffRole,
    check_password,
    email_domain_allowed,
    normalise_email,
)
from service.passwords import hash_password_off_loop
from service.settings import Settings
from service.store.ids import saved_id
from service.store.tables import StaffUser
from service.usecases.steps.mail import send_email


async def register_trainee(
    session: AsyncSession,
    *,
    settings: Settings,
    now: datetime,
    name: str,
    email: str,
    password: str,
) -> None:
    """Create an unconfirmed trainee account and email the confirmation link; commits.

    An address that already has an account gets the same answer and nothing is created, so the
    form cannot be used to find out who has an account.
    """
    if not name.strip():
        raise InvalidInput("Enter your full name.", field="name")
    address = normalise_email(email)
    if not email_domain_allowed(address, settings.trainee_email_domains):
        raise InvalidInput(
            "Use your work email address. Accounts can only be created with an address at "
            "an organisation that takes part.",
            field="email",
        )
    check_password(password)
    if (
        await session.scalar(select(col(StaffUser.id)).where(col(StaffUser.email) == address))
        is not None
    ):
        return
    user = StaffUser(
        email=address,
        name=name.strip(),
        role=StaffRole.TRAINEE.value,
        password_hash=await hash_password_off_loop(password),
        created_at=now,
    )
    session.add(user)
    await session.flush()
    await append_audit(
        session,
        now=now,
        actor_kind="trainee",
        actor_id=saved_id(user),
        action=AuditAction.TRAINEE_REGISTERED,
        details={"staff_user_id": saved_id(user)},
    )
    token = issue_email_confirmation(settings, user_id=saved_id(user))
    await send_email(
        session,
        settings=settings,
        now=now,
        template=EmailTemplate.STAFF_CONFIRM_EMAIL,
        recipient_role=RecipientRole.TRAINEE,
        to_address=address,
        request_id=None,
        context={
            "recipient_name": user.name,
            "confirm_url": f"{settings.base_url.rstrip('/')}/register/confirm/{token}",
        },
    )
    await session.commit()


async def confirm_trainee_email(session: AsyncSession, *, now: datetime, user_id: int) -> bool:
    """Mark a trainee's address as confirmed; False when there is no such account. Commits."""
    user = await session.get(StaffUser, user_id)
    if user is None:
        return False
    if user.email_confirmed_at is None:
        user.email_confirmed_at = now
        await append_audit(
            session,
            now=now,
            actor_kind="trainee",
            actor_id=user_id,
            action=AuditAction.TRAINEE_EMAIL_CONFIRMED,
            details={"staff_user_id": user_id},
        )
        await session.commit()
    return True
