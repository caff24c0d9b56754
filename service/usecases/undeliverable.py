"""When a family member's email, text or letter cannot be delivered, QA is told so they can ask in
person."""

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from notifications.emails import EmailTemplate
from notifications.outbox import Channel, OutboxMessage, RecipientRole, letter_person_id
from service.audit import append_audit
from service.domain.audit_actions import AuditAction
from service.domain.states import Actor
from service.settings import Settings
from service.store.ids import saved_id
from service.store.tables import Conference, FamilyMember, ObservationRequest
from service.usecases.steps.mail import tell_qa


async def tell_qa_email_undeliverable(
    session: AsyncSession, *, settings: Settings, now: datetime, message: OutboxMessage
) -> None:
    """Record and report a family email that failed for good, in the dispatcher's transaction."""
    if message.recipient_role != RecipientRole.FAMILY or message.request_id is None:
        return
    request = await session.get(ObservationRequest, message.request_id)
    conference = await session.get(Conference, request.conference_id) if request else None
    if request is None or conference is None:
        return
    # The outbox knows only the address or number (a letter, whom it is for): the person is
    # whoever in the family has it, so the record and QA's pages can name who to ask in person.
    reached_at = {
        Channel.SMS: col(FamilyMember.mobile_number) == message.to_address,
        Channel.LETTER: col(FamilyMember.id) == (letter_person_id(message.to_address) or -1),
    }.get(
        Channel(message.channel),
        func.lower(col(FamilyMember.email)) == message.to_address.lower(),
    )
    member_id = await session.scalar(
        select(col(FamilyMember.id))
        .where(col(FamilyMember.conference_id) == conference.id, reached_at)
        .order_by(col(FamilyMember.removed_at).is_not(None), col(FamilyMember.id))
        .limit(1)
    )
    await append_audit(
        session,
        now=now,
        actor_kind=Actor.SYSTEM.value,
        actor_id=None,
        action=AuditAction.FAMILY_EMAIL_UNDELIVERABLE,
        request_id=saved_id(request),
        conference_id=conference.id,
        details={
            "outbox_message_id": message.id,
            "template": message.template,
            "channel": message.channel,
            "family_member_id": member_id,
            "attempts": message.attempts,
        },
    )
    await tell_qa(
        session,
        settings=settings,
        now=now,
        template=EmailTemplate.QA_UNDELIVERABLE,
        request_id=saved_id(request),
        context={
            "conference_reference": conference.reference,
        },
    )
