"""The outbox shares its caller's transaction, and a delivered message carries the right parts."""

import logging
from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from icalendar import Calendar
from sqlalchemy import Column, Integer, MetaData, String, Table, func, insert, select

from notifications.dispatcher import Dispatcher
from notifications.outbox import DeliveryStatus, OutboxMessage, enqueue
from tests.integration.notifications.factories import (
    MESSAGE_ID_DOMAIN,
    Sessions,
    add_message,
    invite,
    load,
    rendered,
)
from tests.integration.notifications.smtp_server import SmtpServer
from tests.support.clock import FrozenClock

# A stand-in for the service's tables, on metadata of its own so the shared one stays as migrated.
_business = Table(
    "business_change",
    MetaData(),
    Column("id", Integer, primary_key=True),
    Column("note", String(50)),
)


async def _counts(sessions: Sessions) -> tuple[int, int]:
    async with sessions() as session:
        outbox = await session.scalar(select(func.count()).select_from(OutboxMessage))
        changes = await session.scalar(select(func.count()).select_from(_business))
        return int(outbox or 0), int(changes or 0)


async def test_an_error_after_the_business_write_rolls_back_the_change_and_its_mail(
    outbox_sessions: Sessions, clock: FrozenClock
) -> None:
    async with outbox_sessions() as session, session.begin():
        await session.run_sync(lambda sync: _business.create(sync.connection()))

    with pytest.raises(RuntimeError, match="after writing"):
        async with outbox_sessions() as session, session.begin():
            await session.execute(insert(_business).values(note="approved"))
            await enqueue(
                session,
                now=clock(),
                template="qa_outcome",
                recipient_role="qa",
                to_address="qa@council.example",
                email=rendered(),
            )
            raise RuntimeError("the use case failed after writing")

    assert await _counts(outbox_sessions) == (0, 0)


async def test_enqueue_flushes_but_never_commits(
    outbox_sessions: Sessions, clock: FrozenClock
) -> None:
    async with outbox_sessions() as session:
        row = await enqueue(
            session,
            now=clock(),
            template="qa_outcome",
            recipient_role="qa",
            to_address="qa@council.example",
            email=rendered(),
        )
        assert row.id is not None  # flushed: the caller can refer to it
        assert row.status == DeliveryStatus.PENDING
        await session.rollback()

    assert await _counts_outbox(outbox_sessions) == 0


async def _counts_outbox(sessions: Sessions) -> int:
    async with sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(OutboxMessage)) or 0)


async def test_a_message_is_delivered_with_its_message_id_headers_and_parts(
    outbox_sessions: Sessions,
    clock: FrozenClock,
    smtp_server: SmtpServer,
    make_dispatcher: Callable[..., Dispatcher],
) -> None:
    message_id = await add_message(
        outbox_sessions,
        clock,
        to_address="tom.trainee@council.example",
        email=rendered(subject="Calendar invitation: observer at conference CP-2026-001"),
        calendar=invite(),
        template="calendar_invite",
    )

    clock.advance(seconds=5)
    assert await make_dispatcher().run_once() == 1

    [received] = smtp_server.handler.received
    message = received.message
    assert received.mail_from == "observers@council.example"
    assert received.recipients == ["tom.trainee@council.example"]
    assert message["Message-ID"] == f"<outbox-{message_id}@{MESSAGE_ID_DOMAIN}>"
    assert message["From"] == "Safeguarding Quality Assurance Service <observers@council.example>"
    assert message["To"] == "tom.trainee@council.example"
    assert message["Subject"] == "Calendar invitation: observer at conference CP-2026-001"
    assert message["Auto-Submitted"] == "auto-generated"
    assert message["Date"].datetime == datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
    assert message.get_content_type() == "multipart/mixed"
    alternative, attachment = message.iter_parts()
    assert [part.get_content_type() for part in alternative.iter_parts()] == [
        "text/plain",
        "text/html",
        "text/calendar",
    ]
    calendar_part = list(alternative.iter_parts())[2]
    assert calendar_part.get_param("method") == "REQUEST"
    assert calendar_part.get_content_charset() == "utf-8"
    assert Calendar.from_ical(calendar_part.get_content())["METHOD"] == "REQUEST"
    assert attachment.get_content_type() == "application/ics"
    assert attachment.get_filename() == "invite.ics"
    assert attachment.get_content().decode() == calendar_part.get_content()

    row = await load(outbox_sessions, message_id)
    assert (row.status, row.attempts, row.lease_until, row.last_error) == ("sent", 1, None, None)
    assert row.sent_at == clock()


async def test_a_message_without_an_invite_is_text_and_html_only(
    outbox_sessions: Sessions,
    clock: FrozenClock,
    smtp_server: SmtpServer,
    make_dispatcher: Callable[..., Dispatcher],
) -> None:
    await add_message(outbox_sessions, clock)
    await make_dispatcher().run_once()

    [received] = smtp_server.handler.received
    assert received.message.get_content_type() == "multipart/alternative"
    text, html = received.message.iter_parts()
    assert "https://cpc.test/qa/requests/1" in text.get_content()
    assert html.get_content().strip() == "<p>The observation is going ahead.</p>"


async def test_messages_in_one_round_share_one_connection(
    outbox_sessions: Sessions,
    clock: FrozenClock,
    smtp_server: SmtpServer,
    make_dispatcher: Callable[..., Dispatcher],
) -> None:
    for number in range(3):
        await add_message(outbox_sessions, clock, to_address=f"person{number}@council.example")

    assert await make_dispatcher().run_once() == 3

    assert len({item.peer for item in smtp_server.handler.received}) == 1


async def test_logs_name_ids_and_templates_but_never_bodies_or_links(
    outbox_sessions: Sessions,
    clock: FrozenClock,
    smtp_server: SmtpServer,
    make_dispatcher: Callable[..., Dispatcher],
    caplog: pytest.LogCaptureFixture,
) -> None:
    secret = "https://cpc.test/consent/SECRET-TOKEN"
    smtp_server.handler.rcpt_replies["bounce@family.example"].append("550 No such user")
    for address in ("parent@family.example", "bounce@family.example"):
        await add_message(
            outbox_sessions,
            clock,
            to_address=address,
            email=rendered(text=f"Answer here: {secret}", html=f'<a href="{secret}">Answer</a>'),
            template="family_invitation",
            recipient_role="family",
        )

    with caplog.at_level(logging.DEBUG, logger="cpc_observers.notifications"):
        await make_dispatcher().run_once()

    assert "family_invitation" in caplog.text
    assert "SECRET-TOKEN" not in caplog.text
    assert "@family.example" not in caplog.text


async def test_welsh_letters_survive_the_journey_as_plain_ascii_on_the_wire(
    outbox_sessions: Sessions,
    clock: FrozenClock,
    smtp_server: SmtpServer,
    make_dispatcher: Callable[..., Dispatcher],
) -> None:
    await add_message(
        outbox_sessions,
        clock,
        email=rendered(
            subject="Cynhadledd CP-2026-001: ŵyr", text="Annwyl Siân,\n", html="<p>Siân</p>"
        ),
    )

    await make_dispatcher().run_once()

    [received] = smtp_server.handler.received
    assert received.content.isascii()
    text, html = received.message.iter_parts()
    assert received.message["Subject"] == "Cynhadledd CP-2026-001: ŵyr"
    assert text.get_content().strip() == "Annwyl Siân,"
    assert html.get_content().strip() == "<p>Siân</p>"


def _header_lines(content: bytes, name: bytes) -> list[bytes]:
    """A header's lines as they went on the wire: its first and any folded onto later lines."""
    lines = content.split(b"\r\n")
    start = next(i for i, line in enumerate(lines) if line.startswith(name + b": "))
    end = start + 1
    while lines[end][:1] in (b" ", b"\t"):
        end += 1
    return lines[start:end]


async def test_a_calendar_invites_subject_goes_on_one_line(
    outbox_sessions: Sessions,
    clock: FrozenClock,
    smtp_server: SmtpServer,
    make_dispatcher: Callable[..., Dispatcher],
) -> None:
    # calendar_invite.subject.txt with the longest reference a conference can have (50).
    reference = "CP-" + "7" * 47
    subject = f"Calendar invitation: observer at Child Protection Conference {reference}"
    await add_message(
        outbox_sessions,
        clock,
        to_address="tom.trainee@council.example",
        email=rendered(subject=subject),
        calendar=invite(),
        template="calendar_invite",
    )

    await make_dispatcher().run_once()

    [received] = smtp_server.handler.received
    assert _header_lines(received.content, b"Subject") == [f"Subject: {subject}".encode()]
    assert max(len(line) for line in received.content.split(b"\r\n")) <= 998
    assert received.message["Subject"] == subject


async def test_a_subject_in_welsh_is_still_folded_into_short_encoded_words(
    outbox_sessions: Sessions,
    clock: FrozenClock,
    smtp_server: SmtpServer,
    make_dispatcher: Callable[..., Dispatcher],
) -> None:
    subject = "Gwahoddiad calendr: arsylwr yng Nghynhadledd Amddiffyn Plant ŵŷâ " * 3
    await add_message(outbox_sessions, clock, email=rendered(subject=subject.strip()))

    await make_dispatcher().run_once()

    [received] = smtp_server.handler.received
    folded = _header_lines(received.content, b"Subject")
    # RFC 2047: no encoded word longer than 75 characters, so no line much past 78.
    assert len(folded) > 1 and max(len(line) for line in folded) <= 78
    # Python's folder can leave a doubled space where it breaks a line; the words are the same.
    assert received.message["Subject"].split() == subject.split()
