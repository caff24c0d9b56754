"""Signing in with the council's own account, once its OpenID provider has vouched for the person.

The provider decides who may sign in and with which role, at every sign-in: a joiner gets an
account the first time, a mover's new role applies at their next sign-in, and a leaver the
provider no longer lets through cannot sign in. An account an administrator has stopped here
stays stopped, whatever the provider says.
"""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from service.audit import append_audit
from service.domain.audit_actions import AuditAction
from service.domain.errors import InvalidInput
from service.domain.staff import AccountKind, StaffRole, normalise_email
from service.domain.staff_sessions import EndReason, SessionKind, SignedInWith
from service.domain.states import Actor
from service.settings import Settings
from service.store.staff_sessions import end_sessions
from service.store.tables import StaffUser
from service.usecases.staff_sessions import UNUSABLE_PASSWORD, NewSession, start_session


@dataclass(frozen=True)
class CouncilIdentity:
    """What the provider's ID token says about the person."""

    issuer: str
    subject: str
    email: str
    # Whether the provider vouches for the email (`email_verified`): only then may the
    # identity be joined to an existing account found by that email.
    email_verified: bool
    name: str
    role: StaffRole | None


@dataclass(frozen=True)
class CouncilSignInResult:
    """The session started, or the plain reason the person cannot sign in."""

    new_session: NewSession | None = None
    refusal: str | None = None


NO_ROLE = (
    "Your council account does not give you access to this service. If you need it, ask your "
    "manager to request it through your IT service desk."
)
STOPPED = "Your access to this service has been stopped. Ask an administrator if you need it."
AGAIN = "Signing in did not finish. Go back to the sign-in page and try again."
CLASH = (
    "There is already an account here for your email address, and we cannot join it to your "
    "council account. Ask an administrator to sort it out."
)


async def sign_in_with_council_account(
    session: AsyncSession,
    *,
    settings: Settings,
    now: datetime,
    identity: CouncilIdentity,
    device: str | None,
) -> CouncilSignInResult:
    """Find or create the person's account, bring its role up to date, start a session; commits."""
    linked = f"{identity.issuer} {identity.subject}"
    user = await session.scalar(select(StaffUser).where(col(StaffUser.oidc_subject) == linked))
    if identity.role is None:
        if user is not None:
            # The provider no longer lets this person in: nothing they still hold works.
            await end_sessions(
                session, now=now, reason=EndReason.ACCOUNT_STOPPED, staff_user_id=user.id
            )
            await session.commit()
        return CouncilSignInResult(refusal=NO_ROLE)
    try:
        email = normalise_email(identity.email)
    except InvalidInput:
        return CouncilSignInResult(refusal=NO_ROLE)
    try:
        return await _sign_in(session, settings, now, identity, linked, email, user, device)
    except IntegrityError:
        # The same person's first sign-in finished in another tab a moment ago.
        await session.rollback()
        return CouncilSignInResult(refusal=AGAIN)


async def _sign_in(
    session: AsyncSession,
    settings: Settings,
    now: datetime,
    identity: CouncilIdentity,
    linked: str,
    email: str,
    user: StaffUser | None,
    device: str | None,
) -> CouncilSignInResult:
    assert identity.role is not None
    if user is None:
        user = await session.scalar(select(StaffUser).where(col(StaffUser.email) == email))
        if user is not None and (user.oidc_subject is not None or not identity.email_verified):
            return CouncilSignInResult(refusal=CLASH)
    if user is None:
        user = StaffUser(
            email=email,
            name=(identity.name.strip() or email)[:200],
            role=identity.role.value,
            password_hash=UNUSABLE_PASSWORD,
            email_confirmed_at=now,
            created_at=now,
            oidc_subject=linked,
        )
        session.add(user)
        await session.flush()
        await _audit(
            session, now, AuditAction.STAFF_ACCOUNT_CREATED, user, {"role": identity.role.value}
        )
    if user.kind != AccountKind.PERSON.value or not user.is_active:
        return CouncilSignInResult(refusal=STOPPED)
    if user.oidc_subject is None:
        # Joined to the council account from now on: the provider decides who signs in, so the
        # old password stops working and a leaver cannot fall back on it.
        user.oidc_subject, user.password_hash = linked, UNUSABLE_PASSWORD
        await _audit(session, now, AuditAction.STAFF_ACCOUNT_LINKED, user, {})
    if user.role != identity.role.value:
        await _audit(
            session,
            now,
            AuditAction.STAFF_ROLE_CHANGED,
            user,
            {"from": user.role, "to": identity.role.value},
        )
        user.role = identity.role.value
    started = await start_session(
        session,
        settings=settings,
        now=now,
        user=user,
        kind=SessionKind.BROWSER,
        signed_in_with=SignedInWith.COUNCIL_ACCOUNT,
        device=device,
    )
    await session.commit()
    return CouncilSignInResult(new_session=started)


async def _audit(
    session: AsyncSession,
    now: datetime,
    action: AuditAction,
    user: StaffUser,
    details: dict[str, str],
) -> None:
    await append_audit(
        session,
        now=now,
        actor_kind=Actor.SYSTEM.value,
        actor_id=None,
        action=action,
        details={"staff_user_id": user.id, "by": "council sign-in", **details},
    )
