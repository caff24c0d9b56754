"""Turning an outbox row into an email, and the ways of delivering it: SMTP, or a local mailbox."""

import asyncio
import os
import tempfile
from email import policy
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr
from pathlib import Path
from typing import Protocol

from notifications.errors import (
    DeliveryError,
    PermanentDeliveryError,
    TemporaryDeliveryError,
    UncertainDeliveryError,
)
from notifications.outbox import OutboxMessage
from notifications.smtp_session import SmtpConfig, SmtpSession

__all__ = [
    "DeliveryError",
    "MailboxTransport",
    "PermanentDeliveryError",
    "SmtpConfig",
    "SmtpTransport",
    "TemporaryDeliveryError",
    "Transport",
    "UncertainDeliveryError",
    "build_message",
    "message_id",
]

# Plain ASCII on the wire (quoted-printable or base64 for anything else), so the message passes
# through servers that do not offer 8BITMIME; CRLF line endings as SMTP expects.
MESSAGE_POLICY = policy.SMTP.clone(cte_type="7bit")
# RFC 5322's limit on a line, without its CRLF.
LONGEST_HEADER_LINE = 998


class _WirePolicy(policy.EmailPolicy):
    """Writes a plain ASCII header on one line up to RFC 5322's 998 characters.

    Folding at 78 put a calendar invite's subject on two lines, which some calendar and mail
    clients show with the break. A header with encoded words is folded at 78 as before, since
    RFC 2047 keeps each encoded word to 75 characters. The bodies were encoded when the message
    was built, under MESSAGE_POLICY, so their lines stay at 76.
    """

    def fold_binary(self, name: str, value: str) -> bytes:
        if str(value).isascii():
            return super().fold_binary(name, value)
        return MESSAGE_POLICY.fold_binary(name, value)


WIRE_POLICY = _WirePolicy(cte_type="7bit", linesep="\r\n", max_line_length=LONGEST_HEADER_LINE)


class Transport(Protocol):
    """Something that delivers one outbox row, raising a DeliveryError when it cannot."""

    async def send(self, row: OutboxMessage) -> str | None:
        """Deliver the row or raise a DeliveryError subclass; a provider that delivers later
        returns its id for the message, to hear about it by."""
        ...

    async def close(self) -> None:
        """Release any connection held between messages."""
        ...


def message_id(row: OutboxMessage, domain: str) -> str:
    """The Message-ID of a row: the same on every attempt, so a resend is recognisable."""
    return f"<outbox-{row.id}@{domain}>"


def build_message(row: OutboxMessage, *, mail_from: str, message_id_domain: str) -> EmailMessage:
    """The MIME message for a row: text and HTML alternatives, plus the calendar invite if any."""
    if row.id is None:
        raise ValueError("Only a stored outbox row can be sent.")
    message = EmailMessage(policy=MESSAGE_POLICY)
    message["From"] = mail_from
    message["To"] = row.to_address
    message["Subject"] = row.subject
    # The time the message was written, not sent: every attempt produces the same message.
    message["Date"] = format_datetime(row.created_at)
    message["Message-ID"] = message_id(row, message_id_domain)
    # Asks mail systems not to answer with out-of-office replies (RFC 3834).
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(row.body_text or "")
    message.add_alternative(row.body_html or "", subtype="html")
    if row.calendar_ics:
        method = row.calendar_method or "REQUEST"
        # Calendar clients act on the text/calendar alternative; its method must match METHOD.
        message.add_alternative(row.calendar_ics, subtype="calendar")
        calendar_part = list(message.iter_parts())[-1]
        calendar_part.replace_header(
            "Content-Type", f"text/calendar; method={method}; charset=UTF-8"
        )
        # Some clients only offer a file to open, so the same invite goes as an attachment too.
        message.add_attachment(
            row.calendar_ics.encode("utf-8"),
            maintype="application",
            subtype="ics",
            filename="invite.ics",
        )
    return message


def _encoded(row: OutboxMessage, *, mail_from: str, message_id_domain: str) -> bytes:
    try:
        message = build_message(row, mail_from=mail_from, message_id_domain=message_id_domain)
        return message.as_bytes(policy=WIRE_POLICY)
    except (ValueError, TypeError, UnicodeError) as error:
        # A header with a line break or an unusable address: no retry can fix it.
        raise PermanentDeliveryError(
            f"message could not be built: {type(error).__name__}"
        ) from error


class SmtpTransport:
    """Delivers over SMTP with one connection per worker, kept open between messages."""

    def __init__(self, config: SmtpConfig) -> None:
        self.config = config
        self._session = SmtpSession(config)

    async def send(self, row: OutboxMessage) -> str | None:
        """Send the row to its one recipient, telling temporary, permanent and uncertain apart."""
        data = _encoded(
            row, mail_from=self.config.mail_from, message_id_domain=self.config.message_id_domain
        )
        await self._session.deliver(
            sender=parseaddr(self.config.mail_from)[1], recipient=row.to_address, data=data
        )
        return None

    async def close(self) -> None:
        """Say goodbye to the server and close the connection."""
        await self._session.close()


class MailboxTransport:
    """Development delivery: each message becomes `{id:08d}.eml` in a directory."""

    def __init__(
        self,
        directory: Path,
        *,
        mail_from: str = "cpc-observers@localhost",
        message_id_domain: str = "cpc-observers.local",
    ) -> None:
        self.directory = directory
        self.mail_from = mail_from
        self.message_id_domain = message_id_domain

    async def send(self, row: OutboxMessage) -> str | None:
        """Write the message into the mailbox directory."""
        data = _encoded(row, mail_from=self.mail_from, message_id_domain=self.message_id_domain)
        await asyncio.to_thread(self._write, f"{row.id:08d}.eml", data)
        return None

    def _write(self, name: str, data: bytes) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        # Write then rename, so the mailbox page never reads half a message.
        descriptor, temporary = tempfile.mkstemp(dir=self.directory, suffix=".tmp")
        try:
            with os.fdopen(descriptor, "wb") as file:
                file.write(data)
            os.replace(temporary, self.directory / name)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise

    async def close(self) -> None:
        """Nothing to release."""
