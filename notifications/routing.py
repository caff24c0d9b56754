"""Delivering each outbox row by its channel: emails by SMTP (or Notify), text messages and
letters through GOV.UK Notify."""

from collections.abc import Awaitable, Callable

from notifications.errors import PermanentDeliveryError
from notifications.notify import NotifyClient
from notifications.outbox import Channel, OutboxMessage, RecipientRole
from notifications.transport import Transport


class NotifyTransport:
    """Sends text messages, letters made here as PDFs, and emails when a Notify email template is
    given, through Notify.

    Each Notify template holds only placeholders, so the words stay in this service (and its
    Welsh): a text message template `((message))`, an email template `((subject))` as its
    subject and `((body))` as its body.
    """

    def __init__(
        self,
        client: NotifyClient,
        *,
        sms_template_id: str | None,
        email_template_id: str | None = None,
        letter_pdf: Callable[[str], Awaitable[bytes]] | None = None,
    ) -> None:
        self.client = client
        self.sms_template_id = sms_template_id
        self.email_template_id = email_template_id
        # Makes a letter's PDF from its HTML; given when letters are posted through Notify.
        self.letter_pdf = letter_pdf

    async def send(self, row: OutboxMessage) -> str | None:
        """Hand the row to Notify; returns Notify's id for it."""
        reference = f"outbox-{row.id}"
        if row.attempts > 1:
            # An earlier try may have reached Notify before its answer was lost.
            earlier = await self.client.notification_by_reference(reference)
            if earlier is not None:
                return earlier
        if row.channel == Channel.SMS and self.sms_template_id:
            return await self.client.send_sms(
                phone_number=row.to_address,
                template_id=self.sms_template_id,
                personalisation={"message": row.body_text or ""},
                reference=reference,
            )
        if row.channel == Channel.EMAIL and self.email_template_id:
            return await self.client.send_email(
                email_address=row.to_address,
                template_id=self.email_template_id,
                personalisation={"subject": row.subject, "body": row.body_text or ""},
                reference=reference,
            )
        if row.channel == Channel.LETTER and self.letter_pdf and row.body_html:
            return await self.client.send_precompiled_letter(
                pdf=await self.letter_pdf(row.body_html), reference=reference
            )
        raise PermanentDeliveryError(f"no Notify template is set up for {row.channel}")

    async def close(self) -> None:
        """Close Notify's connection pool."""
        await self.client.close()


class RoutingTransport:
    """One transport for the dispatcher, choosing by each row's channel; a family email may go
    its own way (through Notify), while staff emails and calendar invites keep SMTP."""

    def __init__(
        self, routes: dict[Channel, Transport], *, family_email: Transport | None = None
    ) -> None:
        self.routes = routes
        self.family_email = family_email

    def _route(self, row: OutboxMessage) -> Transport | None:
        if (
            self.family_email is not None
            and row.channel == Channel.EMAIL
            and row.recipient_role == RecipientRole.FAMILY
            and not row.calendar_ics
        ):
            return self.family_email
        return self.routes.get(Channel(row.channel))

    async def send(self, row: OutboxMessage) -> str | None:
        """Deliver the row through its channel's transport."""
        route = self._route(row)
        if route is None:
            # Nothing can carry it here: the person is asked in person instead.
            raise PermanentDeliveryError(f"no way to send a {row.channel} message is set up")
        return await route.send(row)

    async def close(self) -> None:
        """Close every transport once, even one serving two channels."""
        every = [*self.routes.values(), *([self.family_email] if self.family_email else [])]
        for route in {id(route): route for route in every}.values():
            await route.close()
