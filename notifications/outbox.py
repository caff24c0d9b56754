"""The outbox: every email, text message and letter is a row written in the same transaction as
the change that causes it."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Index, Text
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import Field, SQLModel

from notifications.calendar import CalendarInvite
from notifications.columns import UtcDateTime
from notifications.emails import RenderedEmail


class RecipientRole(StrEnum):
    """Who an email is for: kept with it, so the record can say so without its address."""

    FAMILY = "family"
    TRAINEE = "trainee"
    OBSERVER = "observer"
    QA = "qa"
    # Another system (the council's case-management system), told of outcomes by webhook.
    INTEGRATION = "integration"


class Channel(StrEnum):
    """How a message travels: an email, a text message, a posted letter, or a webhook."""

    EMAIL = "email"
    SMS = "sms"
    LETTER = "letter"
    # A signed JSON POST to another system: the row's body is the JSON, its address the URL.
    WEBHOOK = "webhook"


class DeliveryStatus(StrEnum):
    """Where a message is on its way out."""

    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    TEMPORARY_FAILURE = "temporary_failure"
    # Undeliverable: the server refused it for good, or every attempt failed. A message whose
    # fate was unknown (the connection broke after the data) is tried again with the same
    # Message-ID, so it ends here or in `sent`, never in doubt.
    PERMANENT_FAILURE = "permanent_failure"


# A later message with the same ordering key waits while an earlier one is in one of these.
UNFINISHED_STATUSES = (
    DeliveryStatus.PENDING,
    DeliveryStatus.SENDING,
    DeliveryStatus.TEMPORARY_FAILURE,
)


class OutboxMessage(SQLModel, table=True):
    """One email waiting to be sent, being sent, or sent."""

    __tablename__ = "outbox_message"
    __table_args__ = (
        Index("ix_outbox_message_status_next_attempt_at", "status", "next_attempt_at"),
        # The dispatcher claims the oldest due message of each status (migration 0005).
        Index("ix_outbox_message_status_id", "status", "id"),
        # Clearing old bodies looks only at rows not yet cleared (migration 0002).
        Index("ix_outbox_message_bodies_cleared_at_status", "bodies_cleared_at", "status"),
    )

    id: int | None = Field(default=None, primary_key=True)
    created_at: datetime = Field(sa_type=UtcDateTime)
    channel: str = Field(default=Channel.EMAIL.value, max_length=10)
    template: str = Field(max_length=60)
    recipient_role: str = Field(max_length=20)
    to_address: str = Field(max_length=254)
    subject: str = Field(max_length=300)
    body_text: str | None = Field(default=None, sa_type=Text)
    body_html: str | None = Field(default=None, sa_type=Text)
    calendar_ics: str | None = Field(default=None, sa_type=Text)
    calendar_method: str | None = Field(default=None, max_length=10)
    # No foreign key: the outbox stays a package of its own.
    request_id: int | None = Field(default=None, index=True)
    ordering_key: str | None = Field(default=None, max_length=100, index=True)
    status: str = Field(default=DeliveryStatus.PENDING.value, max_length=20)
    attempts: int = 0
    next_attempt_at: datetime = Field(sa_type=UtcDateTime)
    lease_until: datetime | None = Field(default=None, sa_type=UtcDateTime)
    last_error: str | None = Field(default=None, max_length=500)
    sent_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    # A provider that takes the message and delivers it later (GOV.UK Notify) gives it an id,
    # and later says what became of it: "delivered", "permanent-failure"...
    provider_id: str | None = Field(default=None, max_length=64, index=True)
    provider_status: str | None = Field(default=None, max_length=30)
    bodies_cleared_at: datetime | None = Field(default=None, sa_type=UtcDateTime)


async def _add_due_now(session: AsyncSession, message: OutboxMessage) -> OutboxMessage:
    """Put a message in the outbox, due at once, in the caller's transaction."""
    message.status = DeliveryStatus.PENDING.value
    message.attempts = 0
    session.add(message)
    # Flush, never commit: the caller commits once, so the message and the change share one fate.
    await session.flush()
    return message


async def enqueue(
    session: AsyncSession,
    *,
    now: datetime,
    template: str,
    recipient_role: RecipientRole,
    to_address: str,
    email: RenderedEmail,
    request_id: int | None = None,
    calendar: CalendarInvite | None = None,
    ordering_key: str | None = None,
) -> OutboxMessage:
    """Add an email to the outbox in the caller's transaction; it goes once the caller commits."""
    message = OutboxMessage(
        created_at=now,
        next_attempt_at=now,
        template=template,
        recipient_role=recipient_role,
        to_address=to_address,
        subject=email.subject,
        body_text=email.text,
        body_html=email.html,
        calendar_ics=calendar.ics if calendar else None,
        calendar_method=calendar.method if calendar else None,
        request_id=request_id,
        ordering_key=ordering_key,
    )
    return await _add_due_now(session, message)


async def enqueue_text(
    session: AsyncSession,
    *,
    now: datetime,
    template: str,
    recipient_role: RecipientRole,
    to_number: str,
    text: str,
    request_id: int | None = None,
) -> OutboxMessage:
    """Add a text message to the outbox in the caller's transaction, like an email."""
    message = OutboxMessage(
        created_at=now,
        next_attempt_at=now,
        channel=Channel.SMS.value,
        template=template,
        recipient_role=recipient_role,
        to_address=to_number,
        # A text message has no subject; this names it in the outbox and on the record.
        subject="Text message",
        body_text=text,
        request_id=request_id,
    )
    return await _add_due_now(session, message)


# A letter's row names its person instead of an address: "person-<their id>".
PERSON_PREFIX = "person-"


def letter_recipient(person_id: int) -> str:
    """What a letter's row keeps in place of an address: whom it is for. Two people at one
    address each get their own letter, and a returned one is traced to the right person."""
    return f"{PERSON_PREFIX}{person_id}"


def letter_person_id(to_address: str) -> int | None:
    """Whom a letter's row is for, or None when it names nobody."""
    number = to_address.removeprefix(PERSON_PREFIX)
    found = to_address.startswith(PERSON_PREFIX) and number.isdigit() and len(number) < 12
    return int(number) if found else None


async def enqueue_letter(
    session: AsyncSession,
    *,
    now: datetime,
    template: str,
    recipient_role: RecipientRole,
    person_id: int,
    html: str,
    request_id: int | None = None,
) -> OutboxMessage:
    """Add a letter to the outbox in the caller's transaction, like an email. It is kept as its
    HTML, and becomes a PDF only when it is posted, off the request that asked for it."""
    message = OutboxMessage(
        created_at=now,
        next_attempt_at=now,
        channel=Channel.LETTER.value,
        template=template,
        recipient_role=recipient_role,
        # The address is inside the letter; this names whom it is for, on the record.
        to_address=letter_recipient(person_id),
        subject="Letter",
        body_html=html,
        request_id=request_id,
    )
    return await _add_due_now(session, message)


async def enqueue_webhook(
    session: AsyncSession,
    *,
    now: datetime,
    template: str,
    url: str,
    body_json: str,
    request_id: int | None = None,
) -> OutboxMessage:
    """Add a webhook event to the outbox in the caller's transaction, like an email: it is
    POSTed only if the change that caused it commits, with the same retries."""
    message = OutboxMessage(
        created_at=now,
        next_attempt_at=now,
        channel=Channel.WEBHOOK.value,
        template=template,
        recipient_role=RecipientRole.INTEGRATION,
        to_address=url,
        subject="Webhook",
        body_text=body_json,
        request_id=request_id,
    )
    return await _add_due_now(session, message)
