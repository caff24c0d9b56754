"""A real SMTP server (aiosmtpd) on 127.0.0.1 that keeps every message the service sends."""

import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller


@dataclass(frozen=True)
class CapturedMail:
    """One message as the SMTP server received it."""

    recipients: tuple[str, ...]
    message: EmailMessage

    @property
    def subject(self) -> str:
        """The decoded subject line."""
        return str(self.message["Subject"] or "")

    def part(self, content_type: str) -> EmailMessage | None:
        """The first MIME part of this type, for example text/plain or text/calendar."""
        for part in self.message.walk():
            if part.get_content_type() == content_type:
                return part
        return None

    def text(self, content_type: str = "text/plain") -> str:
        """The decoded body of the first part of this type, or an empty string."""
        found = self.part(content_type)
        return str(found.get_content()) if found is not None else ""

    def everything(self) -> str:
        """Subject and every text part, for checks that a name appears nowhere."""
        bodies = [
            str(part.get_content())
            for part in self.message.walk()
            if part.get_content_maintype() == "text"
        ]
        return "\n".join([self.subject, *bodies])

    def link(self, path_prefix: str) -> str:
        """The first address in the plain-text body whose path starts with `path_prefix`."""
        pattern = re.compile(r"https?://[^\s/]+" + re.escape(path_prefix) + r"[^\s\"'<>)]*")
        match = pattern.search(self.text())
        assert match, f"no {path_prefix} link in the message {self.subject!r}"
        return match.group(0)


# Addresses starting with this are refused at RCPT with a 550, like a mailbox that does not exist.
NO_SUCH_MAILBOX = "nobody."


class _Keeper:
    """The aiosmtpd handler: parse and keep each message."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.messages: list[CapturedMail] = []

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: list[str]
    ) -> str:
        # A mailbox that does not exist, as a real server says it: refused for good.
        if address.startswith(NO_SUCH_MAILBOX):
            return "550 5.1.1 No such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        parsed = message_from_bytes(envelope.content, policy=policy.default)
        assert isinstance(parsed, EmailMessage)
        with self.lock:
            self.messages.append(CapturedMail(recipients=tuple(envelope.rcpt_tos), message=parsed))
        return "250 Message accepted for delivery"


class MailCatcher:
    """Starts the SMTP server; tests wait here for the messages they expect."""

    def __init__(self, port: int) -> None:
        self.port = port
        self._keeper = _Keeper()
        self._controller = Controller(self._keeper, hostname="127.0.0.1", port=port)

    def start(self) -> None:
        """Listen on 127.0.0.1:port."""
        self._controller.start()

    def stop(self) -> None:
        """Stop listening."""
        self._controller.stop()

    def all(self) -> list[CapturedMail]:
        """Every message received so far."""
        with self._keeper.lock:
            return list(self._keeper.messages)

    def to(self, address: str) -> list[CapturedMail]:
        """Every message addressed to `address` so far."""
        return [mail for mail in self.all() if address in mail.recipients]

    def wait_for(
        self,
        address: str,
        matches: Callable[[CapturedMail], bool] = lambda _mail: True,
        *,
        count: int = 1,
        timeout: float = 20.0,
    ) -> list[CapturedMail]:
        """Wait until `address` has `count` messages that match; return them, oldest first."""
        deadline = time.monotonic() + timeout
        while True:
            found = [mail for mail in self.to(address) if matches(mail)]
            if len(found) >= count:
                return found
            if time.monotonic() > deadline:
                subjects = [mail.subject for mail in self.to(address)]
                raise AssertionError(
                    f"{address} received {len(found)} matching message(s) of {count} expected "
                    f"within {timeout:.0f}s; everything it received: {subjects}"
                )
            time.sleep(0.1)
