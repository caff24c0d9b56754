"""Mail through a real SMTP server: links arrive, outages lose nothing, bounces reach QA."""

import asyncio
from collections.abc import Iterator

import httpx
import pytest
from sqlalchemy import func, select

from notifications.outbox import OutboxMessage
from service.settings import Settings
from service.store.database import Database
from service.store.tables import AuditEntry
from service.web.app import create_app
from tests.integration.notifications.smtp_server import SmtpServer
from tests.support.clock import FrozenClock
from tests.support.consent import approved_request
from tests.support.dispatching import deliver_all
from tests.support.scenario import build_world


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    """A real aiosmtpd server on 127.0.0.1."""
    server = SmtpServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def smtp_settings(settings: Settings, smtp: SmtpServer) -> Settings:
    """The test's settings, sending through the test's SMTP server."""
    return settings.model_copy(update={"smtp_host": "127.0.0.1", "smtp_port": smtp.port})


async def test_every_family_member_emailed_gets_their_own_working_link(
    client: httpx.AsyncClient,
    database: Database,
    smtp_settings: Settings,
    smtp: SmtpServer,
    clock: FrozenClock,
) -> None:
    world = await build_world(database)
    await approved_request(client, world)
    await deliver_all(smtp_settings, database, clock)
    invitations = [
        r.message for r in smtp.handler.received if r.recipients[0] in world.family_emails
    ]
    assert len(invitations) == 3
    for message in invitations:
        body = message.get_body(preferencelist=("plain",))
        assert body is not None
        text = body.get_content()
        path = "/consent/" + text.split("/consent/", 1)[1].split()[0]
        assert (await client.get(path)).status_code == 200
        for name in world.family_names:
            assert name not in str(message["Subject"])


async def test_with_the_server_down_actions_succeed_and_mail_arrives_later(
    client: httpx.AsyncClient,
    database: Database,
    smtp_settings: Settings,
    smtp: SmtpServer,
    clock: FrozenClock,
) -> None:
    smtp.stop()
    world = await build_world(database)
    await approved_request(client, world)
    await deliver_all(smtp_settings, database, clock)
    assert smtp.handler.received == []
    smtp.start()
    clock.advance(hours=1)
    await deliver_all(smtp_settings, database, clock)
    async with database.read_session() as session:
        rows = (await session.scalars(select(OutboxMessage))).all()
    assert {row.status for row in rows} == {"sent"}
    assert len(smtp.handler.message_ids()) == len(set(smtp.handler.message_ids())) == len(rows)


async def test_a_bounced_family_email_is_recorded_and_qa_is_told(
    client: httpx.AsyncClient,
    database: Database,
    smtp_settings: Settings,
    smtp: SmtpServer,
    clock: FrozenClock,
) -> None:
    world = await build_world(database)
    smtp.handler.rcpt_replies[world.family_emails[1]].append("550 No such mailbox")
    await approved_request(client, world)
    await deliver_all(smtp_settings, database, clock)
    async with database.read_session() as session:
        bounced = (
            await session.scalars(
                select(OutboxMessage).where(OutboxMessage.to_address == world.family_emails[1])
            )
        ).one()
        told = (
            await session.scalars(
                select(OutboxMessage).where(OutboxMessage.template == "qa_undeliverable")
            )
        ).one()
        audited = (
            await session.scalars(
                select(AuditEntry).where(AuditEntry.action == "family_email_undeliverable")
            )
        ).one()
    assert bounced.status == "permanent_failure"
    assert told.to_address == smtp_settings.qa_mailbox
    assert world.family_names[1] not in told.subject
    assert audited.request_id == told.request_id


async def test_the_development_mailbox_page_lists_the_newest_messages(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    mailbox = settings.dev_mailbox_dir
    mailbox.mkdir(parents=True)
    for n in range(1, 203):
        (mailbox / f"{n:08d}.eml").write_bytes(
            f"To: person{n}@example.org\r\nSubject: Message number {n}\r\n"
            "Date: Mon, 23 Nov 2026 10:00:00 +0000\r\n\r\nHello\r\n".encode()
        )
    (mailbox / "notes.txt").write_text("not a message")

    page = await client.get("/dev/mail")

    assert page.status_code == 200
    assert page.text.count('href="/dev/mail/') == 200
    assert "Message number 202<" in page.text and "Message number 3<" in page.text
    assert "Message number 2<" not in page.text and "Message number 1<" not in page.text


async def test_the_development_mailbox_gives_times_in_london_time_as_the_service_does(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    mailbox = settings.dev_mailbox_dir
    mailbox.mkdir(parents=True)
    (mailbox / "00000001.eml").write_bytes(
        b"To: person@example.org\r\nSubject: In summer\r\n"
        b"Date: Wed, 01 Jul 2026 09:05:00 +0000\r\n\r\nHello\r\n"
    )
    (mailbox / "00000002.eml").write_bytes(
        b"To: person@example.org\r\nSubject: Undated\r\n\r\nHello\r\n"
    )

    listed = (await client.get("/dev/mail")).text
    opened = (await client.get("/dev/mail/1")).text

    # British Summer Time: an hour ahead of the header's UTC.
    assert "Wednesday 1 July 2026 at 10:05am" in listed
    assert "Not known" in listed
    assert "2026-07-01" not in listed and "+00:00" not in listed
    assert "Sent: Wednesday 1 July 2026 at 10:05am" in opened


@pytest.mark.parametrize("in_process", [True, False], ids=["serve-sends", "dispatch-elsewhere"])
async def test_serve_sends_mail_itself_unless_told_another_process_does(
    database: Database,
    smtp_settings: Settings,
    smtp: SmtpServer,
    clock: FrozenClock,
    in_process: bool,
) -> None:
    settings = smtp_settings.model_copy(
        update={"dispatch_in_process": in_process, "dispatch_interval_seconds": 0.05}
    )
    app = create_app(settings, database, clock=clock)
    world = await build_world(database)
    transport = httpx.ASGITransport(app=app)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=transport, base_url="http://testserver") as client,
    ):
        await approved_request(client, world)
        for _ in range(100):  # up to five seconds
            arrived = {r.recipients[0] for r in smtp.handler.received}
            # The jobs beside the dispatcher send mail of their own (the daily audit seal),
            # so wait for the family's emails themselves.
            if set(world.family_emails) <= arrived or not in_process:
                break
            await asyncio.sleep(0.05)
        if not in_process:
            await asyncio.sleep(0.3)  # long enough for a dispatcher that should not be there
    family = {r.recipients[0] for r in smtp.handler.received} & set(world.family_emails)
    assert family == (set(world.family_emails) if in_process else set())
    async with database.read_session() as session:
        pending = await session.scalar(
            select(func.count()).where(OutboxMessage.status == "pending")
        )
    assert (pending == 0) if in_process else (pending or 0) >= 3
