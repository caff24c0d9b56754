"""Reading the whole record of one request: audit entries, answers, staff names, email states.

Each function issues one statement, so a record costs the same number of queries however long
its history is.
"""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from notifications.outbox import Channel, OutboxMessage
from service.domain.audit_actions import AuditAction
from service.store.ids import saved_id
from service.store.tables import AuditEntry, ConsentAnswer, ConsentInvitation, StaffUser

# Conference-wide entries that change what happens to every request about that conference.
CONFERENCE_ACTIONS = (AuditAction.CONFERENCE_RESCHEDULED, AuditAction.CONFERENCE_CANCELLED)


@dataclass(frozen=True)
class EmailState:
    """What is kept about one email for the record: never its body."""

    id: int
    template: str
    recipient_role: str
    to_address: str
    status: str
    attempts: int
    created_at: datetime
    sent_at: datetime | None
    bodies_cleared_at: datetime | None
    # "email" or "sms"; and what a provider such as Notify last said of it ("delivered"...).
    channel: str = "email"
    provider_status: str | None = None


async def audit_entries_for_request(
    session: AsyncSession, *, request_id: int, conference_id: int, since: datetime
) -> list[AuditEntry]:
    """The request's entries and its conference's moves and cancellation since it was made."""
    rows = await session.scalars(
        select(AuditEntry)
        .where(
            or_(
                col(AuditEntry.request_id) == request_id,
                and_(
                    col(AuditEntry.request_id).is_(None),
                    col(AuditEntry.conference_id) == conference_id,
                    col(AuditEntry.action).in_(CONFERENCE_ACTIONS),
                    col(AuditEntry.occurred_at) >= since,
                ),
            )
        )
        .order_by(col(AuditEntry.id))
    )
    return list(rows)


async def answers_for_request(session: AsyncSession, *, request_id: int) -> list[ConsentAnswer]:
    """Every answer given about the request, changes of mind included, oldest first."""
    rows = await session.scalars(
        select(ConsentAnswer)
        .join(ConsentInvitation, col(ConsentInvitation.id) == col(ConsentAnswer.invitation_id))
        .where(col(ConsentInvitation.request_id) == request_id)
        .order_by(col(ConsentAnswer.id))
    )
    return list(rows)


async def staff_names(session: AsyncSession, *, ids: set[int]) -> dict[int, str]:
    """The names of these members of staff, by id."""
    if not ids:
        return {}
    rows = await session.execute(
        select(col(StaffUser.id), col(StaffUser.name)).where(col(StaffUser.id).in_(sorted(ids)))
    )
    return {user_id: name for user_id, name in rows if user_id is not None}


async def email_states_for_request(session: AsyncSession, *, request_id: int) -> list[EmailState]:
    """Each email about the request, oldest first, without bodies (they may have been cleared)."""
    rows = await session.execute(
        select(
            col(OutboxMessage.id),
            col(OutboxMessage.template),
            col(OutboxMessage.recipient_role),
            col(OutboxMessage.to_address),
            col(OutboxMessage.status),
            col(OutboxMessage.attempts),
            col(OutboxMessage.created_at),
            col(OutboxMessage.sent_at),
            col(OutboxMessage.bodies_cleared_at),
            col(OutboxMessage.channel),
            col(OutboxMessage.provider_status),
        )
        .where(
            col(OutboxMessage.request_id) == request_id,
            # Outcome webhooks to the case-management system are not messages to anyone.
            col(OutboxMessage.channel) != Channel.WEBHOOK.value,
        )
        .order_by(col(OutboxMessage.id))
    )
    return [
        EmailState(
            id=saved_id(row),
            template=row.template,
            recipient_role=row.recipient_role,
            to_address=row.to_address,
            status=row.status,
            attempts=row.attempts,
            created_at=row.created_at,
            sent_at=row.sent_at,
            bodies_cleared_at=row.bodies_cleared_at,
            channel=row.channel,
            provider_status=row.provider_status,
        )
        for row in rows
    ]
