"""One SMTP connection kept open between messages, and a send that knows which phase failed.

The phase matters: before the server has the whole message, a failure means "not sent, try
again"; once the final "." of DATA is on the wire, the server may have queued the message even if
its reply never arrives, and sending it again could deliver it twice. aiosmtplib's `data()` sends
DATA and the message in one call, so a broken connection there cannot be placed; this module sends
the DATA command on its own and then hands the message over itself.
"""

import contextlib
import logging
import re
from dataclasses import dataclass
from typing import Literal

import aiosmtplib
from aiosmtplib import (
    SMTPException,
    SMTPResponseException,
    SMTPServerDisconnected,
    SMTPStatus,
)

from notifications.errors import (
    DeliveryError,
    PermanentDeliveryError,
    TemporaryDeliveryError,
    UncertainDeliveryError,
)

_LINE_ENDINGS = re.compile(rb"\r\n|\n|\r(?!\n)")
_LEADING_PERIOD = re.compile(rb"(?m)^\.")
_MAX_ERROR = 500

logger = logging.getLogger("cpc_observers.notifications")


@dataclass(frozen=True)
class SmtpConfig:
    """How to reach the SMTP server, and what to put in From and Message-ID."""

    host: str
    port: int
    security: Literal["none", "starttls", "tls"]
    username: str | None
    password: str | None
    timeout_seconds: float
    mail_from: str
    message_id_domain: str


class _DroppedBeforeData(TemporaryDeliveryError):
    """The connection was gone before any of the message was handed over."""


def _refused(code: int, message: str, phase: str) -> DeliveryError:
    text = f"{phase}: {code} {message}"[:_MAX_ERROR]
    if 500 <= code <= 599:
        return PermanentDeliveryError(text)
    # 4xx, and anything the server should not have said, is worth another try later.
    return TemporaryDeliveryError(text)


def _data_block(data: bytes) -> bytes:
    """The message as sent after DATA: CRLF lines, leading dots doubled, ended by '.'."""
    data = _LINE_ENDINGS.sub(b"\r\n", data)
    if not data.endswith(b"\r\n"):
        data += b"\r\n"
    return _LEADING_PERIOD.sub(b"..", data) + b".\r\n"


class SmtpSession:
    """A lazily opened SMTP client, reopened when it has dropped."""

    def __init__(self, config: SmtpConfig) -> None:
        self.config = config
        self._client: aiosmtplib.SMTP | None = None

    async def deliver(self, *, sender: str, recipient: str, data: bytes) -> None:
        """Send one message to one recipient, or raise the DeliveryError that fits the failure."""
        reused = await self._connect()
        try:
            await self._transaction(sender, recipient, data)
        except _DroppedBeforeData:
            if not reused:
                raise
            # Servers close idle connections; a kept-open one may be dead. One fresh try.
            await self._connect()
            await self._transaction(sender, recipient, data)

    async def close(self) -> None:
        """Send QUIT if still connected, then close."""
        client, self._client = self._client, None
        if client is None:
            return
        if client.is_connected:
            with contextlib.suppress(SMTPException, OSError):
                await client.quit()
        client.close()

    async def _connect(self) -> bool:
        """Open a connection unless one is open; True when an open one is reused."""
        if self._client is not None and self._client.is_connected:
            return True
        self._drop()
        config = self.config
        client = aiosmtplib.SMTP(
            hostname=config.host,
            port=config.port,
            username=config.username,
            password=config.password,
            timeout=config.timeout_seconds,
            use_tls=config.security == "tls",
            start_tls=config.security == "starttls",
            # Our own name for EHLO, rather than a reverse DNS lookup on every reconnect.
            local_hostname=config.message_id_domain,
        )
        try:
            await client.connect()
        except (SMTPException, OSError) as error:
            client.close()
            logger.warning(
                "could not connect to the mail server %s:%s: %s",
                config.host,
                config.port,
                type(error).__name__,
            )
            # Greeting, TLS and sign-in failures are about the server or our settings, never
            # about this message, so they are retried whatever the code (a 5xx here would
            # otherwise fail every message in the queue for good).
            raise TemporaryDeliveryError(
                f"could not connect to the mail server: {type(error).__name__}"
            ) from error
        self._client = client
        return False

    async def _transaction(self, sender: str, recipient: str, data: bytes) -> None:
        client = self._client
        if client is None:
            raise _DroppedBeforeData("not connected")
        try:
            await client.mail(sender)
            await client.rcpt(recipient)
            reply = await client.execute_command(b"DATA")
        except SMTPResponseException as error:
            await self._reset()
            raise _refused(error.code, error.message, "refused") from error
        except SMTPServerDisconnected as error:
            self._drop()
            raise _DroppedBeforeData("connection lost before the message was sent") from error
        except (SMTPException, OSError) as error:
            self._drop()
            raise TemporaryDeliveryError(
                f"no answer before the message was sent: {type(error).__name__}"
            ) from error
        if reply.code != SMTPStatus.start_input:
            await self._reset()
            raise _refused(reply.code, reply.message, "DATA refused")
        await self._hand_over(client, data)

    async def _hand_over(self, client: aiosmtplib.SMTP, data: bytes) -> None:
        protocol = client.protocol
        if protocol is None:
            self._drop()
            raise _DroppedBeforeData("connection lost before the message was sent")
        try:
            protocol.write(_data_block(data))
        except SMTPServerDisconnected as error:
            self._drop()
            raise _DroppedBeforeData("connection lost before the message was sent") from error
        try:
            reply = await protocol.read_response(timeout=self.config.timeout_seconds)
        except (SMTPException, OSError) as error:
            # From here the server may have queued the message: never resend on our own.
            self._drop()
            raise UncertainDeliveryError(
                f"connection lost after the message was handed over: {type(error).__name__}"
            ) from error
        if reply.code != SMTPStatus.completed:
            raise _refused(reply.code, reply.message, "message refused")

    async def _reset(self) -> None:
        """Clear the server's half-built transaction so the next message starts clean."""
        client = self._client
        if client is None or not client.is_connected:
            self._drop()
            return
        try:
            await client.rset()
        except (SMTPException, OSError):
            self._drop()

    def _drop(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None
