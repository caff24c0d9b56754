"""The development mailbox: messages MailboxTransport wrote, listed and read back for /dev/mail."""

import re
from dataclasses import dataclass
from datetime import datetime
from email import policy
from email.message import EmailMessage
from email.parser import BytesHeaderParser, BytesParser
from email.utils import parsedate_to_datetime
from pathlib import Path

_FILE_NAME = re.compile(r"^(\d{8,})\.eml$")
_LINK = re.compile(r"https?://[^\s<>\"']+")
# Sentence punctuation after a link in plain text is not part of it.
_TRAILING = ".,;:!?)]"


@dataclass(frozen=True)
class MailboxEntry:
    """One line of the mailbox list."""

    id: int
    to: str
    subject: str
    date: datetime | None


@dataclass(frozen=True)
class MailboxMessage:
    """One message, opened: its bodies, its calendar invite and the links a reader would click."""

    id: int
    to: str
    subject: str
    date: datetime | None
    text: str
    html: str | None
    calendar: str | None
    links: tuple[str, ...]


def _date(value: object) -> datetime | None:
    if not value:
        return None
    try:
        return parsedate_to_datetime(str(value))
    except (TypeError, ValueError):
        return None


def list_mailbox(directory: Path, *, limit: int = 200) -> list[MailboxEntry]:
    """The newest `limit` messages in the mailbox, newest first.

    Only their headers are read, and only theirs: a mailbox left running for months can hold
    thousands of messages, and the page is for following the latest journey.
    """
    if not directory.is_dir():
        return []
    numbered = []
    for path in directory.iterdir():
        match = _FILE_NAME.match(path.name)
        if match is not None:
            numbered.append((int(match[1]), path))
    numbered.sort(reverse=True)
    entries = []
    for message_id, path in numbered[:limit]:
        with path.open("rb") as file:
            headers = BytesHeaderParser(policy=policy.default).parse(file)
        entries.append(
            MailboxEntry(
                id=message_id,
                to=str(headers["To"] or ""),
                subject=str(headers["Subject"] or ""),
                date=_date(headers["Date"]),
            )
        )
    return entries


def _content(message: EmailMessage, subtype: str) -> str | None:
    part = message.get_body(preferencelist=(subtype,))
    if not isinstance(part, EmailMessage):
        return None
    content = part.get_content()
    # Messages travel with CRLF line ends; a reader on the page wants plain newlines.
    return content.replace("\r\n", "\n") if isinstance(content, str) else None


def _calendar(message: EmailMessage) -> str | None:
    for part in message.walk():
        if part.get_content_type() == "text/calendar" and isinstance(part, EmailMessage):
            content = part.get_content()
            return content if isinstance(content, str) else None
    return None


def links_in(text: str) -> tuple[str, ...]:
    """The web links in a plain-text body, in order, each once."""
    found = (match.group(0).rstrip(_TRAILING) for match in _LINK.finditer(text))
    return tuple(dict.fromkeys(found))


def read_mailbox_message(directory: Path, message_id: int) -> MailboxMessage | None:
    """One message by its outbox id, or None when there is no such message."""
    if message_id < 0:
        return None
    path = directory / f"{message_id:08d}.eml"
    if not path.is_file():
        return None
    with path.open("rb") as file:
        message = BytesParser(policy=policy.default).parse(file)
    if not isinstance(message, EmailMessage):
        return None
    text = _content(message, "plain") or ""
    return MailboxMessage(
        id=message_id,
        to=str(message["To"] or ""),
        subject=str(message["Subject"] or ""),
        date=_date(message["Date"]),
        text=text,
        html=_content(message, "html"),
        calendar=_calendar(message),
        links=links_in(text),
    )
