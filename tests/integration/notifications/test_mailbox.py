"""The development mailbox keeps each message as a file that /dev/mail lists and opens."""

from datetime import UTC, datetime, timedelta
from pathlib import Path

from icalendar import Calendar
from sqlalchemy.ext.asyncio import async_sessionmaker

from notifications.dispatcher import Dispatcher
from notifications.mailbox import list_mailbox, read_mailbox_message
from notifications.transport import MailboxTransport
from tests.integration.notifications.factories import Sessions, add_message, invite, rendered
from tests.support.clock import FrozenClock


async def test_the_development_mailbox_round_trips_through_list_and_read(
    outbox_sessions: Sessions, clock: FrozenClock, tmp_path: Path
) -> None:
    directory = tmp_path / "mail"
    consent_url = "http://localhost:8000/consent/abc.def-ghi"
    first = await add_message(
        outbox_sessions,
        clock,
        to_address="parent@family.example",
        email=rendered(
            subject="Can a trainee sit in on the Child Protection Conference?",
            text=f"Please answer:\n{consent_url}\n\nOr call us (01234 567890).\n",
        ),
    )
    clock.advance(minutes=1)
    second = await add_message(
        outbox_sessions, clock, calendar=invite(), template="calendar_invite"
    )
    dispatcher = Dispatcher(outbox_sessions, MailboxTransport(directory), clock=clock)

    assert await dispatcher.run_once() == 2

    entries = list_mailbox(directory)
    assert [entry.id for entry in entries] == [second, first]
    assert [entry.id for entry in list_mailbox(directory, limit=1)] == [second]
    assert entries[1].to == "parent@family.example"
    assert entries[1].subject == "Can a trainee sit in on the Child Protection Conference?"
    assert entries[1].date == datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
    opened = read_mailbox_message(directory, first)
    assert opened is not None
    assert opened.links == (consent_url,)
    assert opened.calendar is None
    assert opened.html == "<p>The observation is going ahead.</p>\n"
    with_invite = read_mailbox_message(directory, second)
    assert with_invite is not None and with_invite.calendar is not None
    assert Calendar.from_ical(with_invite.calendar)["METHOD"] == "REQUEST"
    assert read_mailbox_message(directory, 999) is None
    assert sorted(path.suffix for path in directory.iterdir()) == [".eml", ".eml"]


async def test_an_empty_or_missing_mailbox_lists_nothing(tmp_path: Path) -> None:
    assert list_mailbox(tmp_path / "nowhere") == []


def test_backoff_doubles_from_the_base_and_stops_at_the_cap(tmp_path: Path) -> None:
    dispatcher = Dispatcher(
        async_sessionmaker(), MailboxTransport(tmp_path), clock=lambda: datetime.now(UTC)
    )
    waits = [dispatcher.backoff(attempts) for attempts in (1, 2, 3, 7, 8, 100)]
    assert waits == [
        timedelta(seconds=30),
        timedelta(seconds=60),
        timedelta(seconds=120),
        timedelta(seconds=1920),
        timedelta(hours=1),
        timedelta(hours=1),
    ]
