"""A real SMTP server for tests: aiosmtpd on 127.0.0.1, answering as each test scripts it."""

import asyncio
import socket
import threading
from collections import defaultdict
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from email.parser import BytesHeaderParser, BytesParser
from email.policy import compat32
from typing import Any

from aiosmtpd.controller import Controller

DROP = "DROP"  # a scripted reply meaning: take the message, then hang up without answering
HANG = "HANG"  # a scripted reply meaning: take the message, then say nothing for `hang_seconds`


@dataclass
class Received:
    """One message the server accepted (or took before hanging up)."""

    peer: Any
    mail_from: str
    recipients: list[str]
    content: bytes

    @property
    def message(self) -> EmailMessage:
        """The message parsed (only when a test looks: parsing is slow, and 500 arrive at once)."""
        message = BytesParser(policy=policy.default).parsebytes(self.content)
        assert isinstance(message, EmailMessage)
        return message

    @property
    def message_id(self) -> str:
        """The Message-ID header, read without parsing the whole message."""
        headers = BytesHeaderParser(policy=compat32).parsebytes(self.content)
        return str(headers["Message-ID"])


@dataclass
class RecordingHandler:
    """An aiosmtpd handler that records messages and answers as a test scripts it, per address."""

    received: list[Received] = field(default_factory=list)
    rcpt_replies: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    data_replies: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    # A slow server: seconds to wait after the data before answering, per address ("*": all).
    delays: dict[str, float] = field(default_factory=dict)
    hang_seconds: float = 2.0
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: Any
    ) -> str:
        """Refuse a recipient when scripted to, otherwise accept it."""
        with self.lock:
            scripted = self.rcpt_replies[address]
            if scripted:
                return scripted.pop(0)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        """Record the message, then answer as scripted: 250, a refusal, or a hang-up."""
        with self.lock:
            address = envelope.rcpt_tos[0]
            scripted = self.data_replies[address]
            reply = scripted.pop(0) if scripted else "250 Message accepted for delivery"
            delay = self.delays.get(address, self.delays.get("*", 0.0))
        if delay:
            await asyncio.sleep(delay)
        if reply == HANG:
            # The message is taken; the answer comes only after the client stopped waiting.
            await asyncio.sleep(self.hang_seconds)
            reply = "250 Message accepted for delivery"
        if reply.startswith("250") or reply == DROP:
            received = Received(
                session.peer, envelope.mail_from, list(envelope.rcpt_tos), envelope.content
            )
            with self.lock:
                self.received.append(received)
        if reply == DROP:
            server.transport.abort()
        return reply

    def message_ids(self) -> list[str]:
        """The Message-ID of every message received, in arrival order."""
        with self.lock:
            received = list(self.received)
        return [item.message_id for item in received]


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class SmtpServer:
    """A real aiosmtpd server on 127.0.0.1 that a test can stop and start again on its port."""

    def __init__(self) -> None:
        self.handler = RecordingHandler()
        self.port = _free_port()
        self._controller: Controller | None = None

    def start(self) -> None:
        """Listen (again) on this server's port."""
        # aiosmtpd defaults to ::1 and 8025; always pass both.
        self._controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)
        self._controller.start()

    def stop(self) -> None:
        """Stop listening and drop every connection."""
        if self._controller is not None:
            self._controller.stop()
            self._controller = None
