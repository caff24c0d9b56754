"""Starting and ending staff sessions, and the named tokens integrations use.

A session starts only after the person has proved who they are (see `sign_in.py`,
`second_factor.py` and `council_sign_in.py`); these steps only keep the book of who is signed
in. Starting a session flushes and leaves the commit to the action that called it.
"""

import logging
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from service.audit import append_audit
from service.auth import new_api_token, new_session_token, token_hash
from service.domain.audit_actions import AuditAction
from service.domain.errors import InvalidInput, NotFound
from service.domain.staff import AccountKind, StaffRole, parse_role
from service.domain.staff_sessions import (
    INTEGRATION_TOKEN_MAX_DAYS,
    EndReason,
    SessionKind,
    SignedInWith,
    Stage,
    lifetime,
)
from service.domain.states import Actor
from service.settings import Settings
from service.store.ids import saved_id
from service.store.staff_sessions import end_sessions
from service.store.tables import StaffSession, StaffUser

logger = logging.getLogger("cpc_observers.sign_in")

# Roles an integration may act as: a case-management system adds conferences (QA's work) or
# reads them; it never administers accounts.
INTEGRATION_ROLES = (StaffRole.QA, StaffRole.TRAINEE)
UNUSABLE_PASSWORD = "!"  # noqa: S105 - matches no password: argon2 cannot read it as a hash


@dataclass(frozen=True)
class NewSession:
    """A session just started, and the token that opens it, which is never stored."""

    token: str
    row: StaffSession
    # The role of whoever it belongs to: where they start.
    role: str


async def start_session(
    session: AsyncSession,
    *,
    settings: Settings,
    now: datetime,
    user: StaffUser,
    kind: SessionKind,
    stage: Stage = Stage.SIGNED_IN,
    signed_in_with: SignedInWith,
    device: str | None = None,
) -> NewSession:
    """A new browser session or personal API token for `user`; flushes, does not commit."""
    token = new_api_token() if kind is SessionKind.API else new_session_token()
    row = StaffSession(
        token_hash=token_hash(token),
        staff_user_id=saved_id(user),
        kind=kind.value,
        stage=stage.value,
        signed_in_with=signed_in_with.value,
        csrf_token=secrets.token_urlsafe(32) if kind is SessionKind.BROWSER else None,
        device=(device or "")[:200] or None,
        created_at=now,
        last_seen_at=now,
        expires_at=now
        + lifetime(kind, stage, max_age=timedelta(seconds=settings.session_max_age_seconds)),
    )
    session.add(row)
    await session.flush()
    logger.info(
        "session started",
        extra={"staff_user_id": saved_id(user), "kind": kind.value, "stage": stage.value},
    )
    return NewSession(token=token, row=row, role=user.role)


async def sign_out(session: AsyncSession, *, now: datetime, session_id: int) -> None:
    """End the session at once, so that its cookie opens nothing again; commits."""
    await end_sessions(session, now=now, reason=EndReason.SIGNED_OUT, session_id=session_id)
    await session.commit()


async def end_session_for_admin(
    session: AsyncSession, *, now: datetime, admin_id: int, session_id: int
) -> None:
    """An administrator ends someone's session or revokes a token; commits."""
    row = await session.get(StaffSession, session_id)
    if row is None:
        raise NotFound("There is no such session.")
    reason = (
        EndReason.REVOKED if row.kind == SessionKind.INTEGRATION.value else EndReason.ENDED_BY_ADMIN
    )
    if await end_sessions(session, now=now, reason=reason, session_id=session_id):
        await append_audit(
            session,
            now=now,
            actor_kind=Actor.ADMIN.value,
            actor_id=admin_id,
            action=AuditAction.STAFF_SESSION_ENDED,
            details={"session_id": session_id, "staff_user_id": row.staff_user_id},
        )
    await session.commit()


# What "sign everyone out" ends: people's sessions and tokens, never an integration's.
PEOPLES_SESSIONS = (SessionKind.BROWSER, SessionKind.API)


async def end_peoples_sessions_for_admin(
    session: AsyncSession,
    *,
    now: datetime,
    admin_id: int,
    keep_session_id: int,
    staff_user_id: int | None = None,
) -> int:
    """An administrator signs one person out everywhere, or everyone but themselves; commits."""
    ended = await end_sessions(
        session,
        now=now,
        reason=EndReason.ENDED_BY_ADMIN,
        staff_user_id=staff_user_id,
        kinds=PEOPLES_SESSIONS,
        keep_session_id=keep_session_id,
    )
    await append_audit(
        session,
        now=now,
        actor_kind=Actor.ADMIN.value,
        actor_id=admin_id,
        action=AuditAction.STAFF_SESSIONS_ENDED,
        details={"staff_user_id": staff_user_id, "everyone": staff_user_id is None, "ended": ended},
    )
    await session.commit()
    return ended


async def create_integration_token(
    session: AsyncSession,
    *,
    now: datetime,
    admin_id: int,
    name: str,
    role: str,
    valid_days: int,
) -> NewSession:
    """A named token another system can use, acting with `role`; commits.

    Each token gets an account of its own, so the record says which integration did what,
    and that account can never sign in with a password.
    """
    label = " ".join(name.split())
    if not label:
        raise InvalidInput("Enter a name for the token, such as the system that will use it.")
    if len(label) > 100:
        raise InvalidInput("The name must be 100 characters or fewer.", field="name")
    acting_as = parse_role(role)
    if acting_as not in INTEGRATION_ROLES:
        raise InvalidInput("An integration can act as a QA officer or a trainee.", field="role")
    if not 1 <= valid_days <= INTEGRATION_TOKEN_MAX_DAYS:
        raise InvalidInput(
            f"Choose between 1 and {INTEGRATION_TOKEN_MAX_DAYS} days.", field="valid_days"
        )
    account = StaffUser(
        email=f"integration-{secrets.token_hex(8)}@integrations.invalid",
        name=label,
        role=acting_as.value,
        kind=AccountKind.INTEGRATION.value,
        password_hash=UNUSABLE_PASSWORD,
        email_confirmed_at=now,
        created_at=now,
    )
    session.add(account)
    await session.flush()
    token = new_api_token()
    row = StaffSession(
        token_hash=token_hash(token),
        staff_user_id=saved_id(account),
        kind=SessionKind.INTEGRATION.value,
        stage=Stage.SIGNED_IN.value,
        signed_in_with=SignedInWith.INTEGRATION.value,
        name=label,
        created_by_id=admin_id,
        created_at=now,
        last_seen_at=now,
        expires_at=now + timedelta(days=valid_days),
    )
    session.add(row)
    await session.flush()
    await append_audit(
        session,
        now=now,
        actor_kind=Actor.ADMIN.value,
        actor_id=admin_id,
        action=AuditAction.INTEGRATION_TOKEN_CREATED,
        details={"session_id": row.id, "staff_user_id": saved_id(account), "role": acting_as.value},
    )
    await session.commit()
    return NewSession(token=token, row=row, role=account.role)
