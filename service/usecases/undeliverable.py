"""When a family member's email cannot be delivered, QA is told so they can ask in person."""

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from notifications.outbox import OutboxMessage
from service.audit import append_audit
from service.domain.states import Actor
from service.settings import Settings
from service.store.tables import Conference, ObservationRequest
from service.usecases.mail import send_email, staff_request_url


async def tell_qa_email_undeliverable(
    session: AsyncSession, *, settings: Settings, now: datetime, message: OutboxMessage
) -> None:
    """Record and report a family email that failed for good, in the dispatcher's transaction."""
    if message.recipient_role != "family" or message.request_id is None:
        return
    request = await session.get(ObservationRequest, message.request_id)
    conference = await session.get(Conference, request.conference_id) if request else None
    if request is None or conference is None:
        return
    await append_audit(
        session,
        now=now,
        actor_kind=Actor.SYSTEM.value,
        actor_id=None,
        action="family_email_undeliverable",
        request_id=request.id,
        conference_id=conference.id,
        details={"outbox_message_id": message.id, "template": message.template},
    )
    await send_email(
        session,
        settings=settings,
        now=now,
        template="qa_undeliverable",
        recipient_role="qa",
        to_address=settings.qa_mailbox,
        request_id=request.id,
        context={
            "conference_reference": conference.reference,
            "request_url": staff_request_url(settings, audience="qa", request_id=request.id or 0),
        },
    )
