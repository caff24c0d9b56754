"""A family member reached by text message, through the GOV.UK Notify stand-in: one neutral
text whose short link opens their page and takes their answer; a reminder by the same rules;
and a text Notify refuses sends QA to ask them in person."""

import json
import re
from datetime import timedelta

import httpx
import pytest
from sqlalchemy import select

from notifications.outbox import OutboxMessage
from service.domain.consent import who_is_asked
from service.settings import Settings
from service.store.database import Database
from service.store.tables import AuditEntry, ConsentAnswer, FamilyMember
from service.usecases.scheduled_jobs import run_scheduled_jobs
from service.usecases.steps.asking import family_facts
from service.usecases.steps.family_links import can_be_sent_a_link
from tests.integration.consent_promise.helpers import emails_to
from tests.integration.test_qa_pages import snapshot
from tests.support.clock import FrozenClock
from tests.support.consent import approved_request, information_sha256
from tests.support.dispatching import deliver_all
from tests.support.factories import NOW
from tests.support.notify_stand_in import API_KEY, SMS_TEMPLATE_ID, NotifyStandIn
from tests.support.scenario import World, build_world
from tests.support.web import api_token, csrf_from, sign_in

MOBILE = "+447900900123"
# Every character a text uses is in the GSM alphabet, where two joined fragments hold 306.
GSM_CHARACTERS = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    "ÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
TWO_FRAGMENTS = 306
CALLBACK_TOKEN = "a-callback-token-the-council-gave-notify"


@pytest.fixture
def settings(settings: Settings, notify: NotifyStandIn) -> Settings:
    """The test's settings, with GOV.UK Notify (the stand-in) set up for text messages."""
    return settings.model_copy(
        update={
            "notify_api_key": API_KEY,
            "notify_base_url": notify.base_url,
            "notify_sms_template_id": SMS_TEMPLATE_ID,
            "notify_callback_token": CALLBACK_TOKEN,
        }
    )


async def _father_by_text(client: httpx.AsyncClient, world: World) -> None:
    qa = {"Authorization": f"Bearer {await api_token(client, world.qa_email)}"}
    saved = await client.patch(
        f"/api/v1/family-members/{world.family_ids[1]}",
        json={"contact_channel": "sms", "mobile_number": "07900 900123"},
        headers=qa,
    )
    assert saved.status_code == 200, saved.text


async def test_one_neutral_text_whose_short_link_takes_the_answer(
    client: httpx.AsyncClient,
    database: Database,
    settings: Settings,
    notify: NotifyStandIn,
    clock: FrozenClock,
) -> None:
    world = await build_world(database)
    await _father_by_text(client, world)
    request_id = await approved_request(client, world)
    await deliver_all(settings, database, clock)
    (text,) = notify.of_kind("sms")
    assert text.body["phone_number"] == MOBILE
    assert text.body["template_id"] == SMS_TEMPLATE_ID
    words = text.text
    assert len(words) <= TWO_FRAGMENTS and set(words) <= GSM_CHARACTERS, words
    for private in ("Quixley", "Jonathan", "Zebedee", "Samira", "child", "Child", "Taylor"):
        assert private not in words, private
    link = re.search(r"https?://\S+/a/([A-Z0-9]{12})", words)
    assert link, words
    opened = await client.get(f"/a/{link.group(1)}", follow_redirects=True)
    assert opened.status_code == 200
    assert "Jonathan Quixley" in opened.text
    path = str(opened.url.path)
    sent = await client.post(
        path,
        data={
            "decision": "yes",
            "csrf_token": csrf_from(opened.text),
            "text_sha256": information_sha256(opened.text),
        },
    )
    assert sent.status_code == 303, sent.text
    async with database.read_session() as session:
        assert [a.answer for a in await session.scalars(select(ConsentAnswer))] == ["yes"]
        row = (
            await session.scalars(select(OutboxMessage).where(OutboxMessage.channel == "sms"))
        ).one()
    assert row.status == "sent" and row.provider_id == text.notification_id
    await sign_in(client, world.qa_email)
    request_page = await client.get(f"/qa/requests/{request_id}")
    assert "By text message, with a short link" in request_page.text
    # Nobody is emailed at the number, and the others still get their emails.
    assert await emails_to(database, world.family_emails[1]) == []
    assert await emails_to(database, world.family_emails[0], "family_invitation")


async def test_a_reminder_goes_by_text_by_the_same_rules(
    client: httpx.AsyncClient,
    database: Database,
    settings: Settings,
    notify: NotifyStandIn,
    clock: FrozenClock,
) -> None:
    world = await build_world(database)
    await _father_by_text(client, world)
    await approved_request(client, world)
    deadline = NOW + timedelta(days=25, hours=7)
    clock.set(deadline - timedelta(hours=2))
    await run_scheduled_jobs(database.writer, settings=settings, now=clock())
    await deliver_all(settings, database, clock)
    _, reminder = notify.of_kind("sms")
    assert "reminder" in reminder.text
    assert len(reminder.text) <= TWO_FRAGMENTS
    assert re.search(r"/a/[A-Z0-9]{12}", reminder.text)


async def test_a_text_notify_refuses_sends_qa_to_ask_in_person(
    client: httpx.AsyncClient,
    database: Database,
    settings: Settings,
    notify: NotifyStandIn,
    clock: FrozenClock,
) -> None:
    world = await build_world(database)
    await _father_by_text(client, world)
    await approved_request(client, world)
    notify.fail_next(
        400, "BadRequestError", "Can't send to this recipient using a team-only API key"
    )
    await deliver_all(settings, database, clock)
    assert notify.of_kind("sms") == [] and notify.refused == [(400, "sms")]
    async with database.read_session() as session:
        entry = (
            await session.scalars(
                select(AuditEntry).where(AuditEntry.action == "family_email_undeliverable")
            )
        ).one()
    details = json.loads(entry.details)
    assert (details["channel"], details["family_member_id"]) == ("sms", world.family_ids[1])
    (told,) = await emails_to(database, "qa@council.example", "qa_undeliverable")
    assert "could not be delivered" in (told.body_text or "")


def test_without_notify_set_up_someone_reached_by_text_is_asked_in_person(
    settings: Settings,
) -> None:
    member = FamilyMember(
        id=7,
        conference_id=1,
        name="Rhian Morgan",
        relationship="Mother",
        is_child=False,
        has_parental_responsibility=True,
        contact_by_email=False,
        contact_channel="sms",
        mobile_number=MOBILE,
        created_at=NOW,
    )
    assert can_be_sent_a_link(settings, member)
    for unset in ("notify_api_key", "notify_sms_template_id", "notify_callback_token"):
        without = settings.model_copy(update={unset: None})
        assert not can_be_sent_a_link(without, member), unset
        (decision,) = who_is_asked([family_facts(member, without)])
        assert decision.asked and decision.ask_in_person


async def _texted(
    client: httpx.AsyncClient, database: Database, settings: Settings, clock: FrozenClock
) -> tuple[World, str]:
    world = await build_world(database)
    await _father_by_text(client, world)
    await approved_request(client, world)
    await deliver_all(settings, database, clock)
    async with database.read_session() as session:
        row = (
            await session.scalars(select(OutboxMessage).where(OutboxMessage.channel == "sms"))
        ).one()
    assert row.provider_id
    return world, row.provider_id


async def _sms_row(database: Database) -> OutboxMessage:
    async with database.read_session() as session:
        return (
            await session.scalars(select(OutboxMessage).where(OutboxMessage.channel == "sms"))
        ).one()


async def test_receipts_with_a_wrong_token_get_401_and_change_nothing(
    client: httpx.AsyncClient, database: Database, settings: Settings, clock: FrozenClock
) -> None:
    _, notification_id = await _texted(client, database, settings, clock)
    body = {"id": notification_id, "status": "permanent-failure", "notification_type": "sms"}
    before = await snapshot(database)
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": CALLBACK_TOKEN}):
        refused = await client.post("/notify/callback", json=body, headers=headers)
        assert refused.status_code == 401, headers
    assert await snapshot(database) == before
    assert (await _sms_row(database)).provider_status is None


async def test_a_delivered_receipt_is_recorded_and_a_failure_sends_qa_to_ask_in_person(
    client: httpx.AsyncClient, database: Database, settings: Settings, clock: FrozenClock
) -> None:
    world, notification_id = await _texted(client, database, settings, clock)
    headers = {"Authorization": f"Bearer {CALLBACK_TOKEN}"}
    delivered = await client.post(
        "/notify/callback",
        json={"id": notification_id, "status": "delivered", "reference": "outbox-4", "to": MOBILE},
        headers=headers,
    )
    assert delivered.status_code == 204
    row = await _sms_row(database)
    assert (row.status, row.provider_status) == ("sent", "delivered")
    failed = await client.post(
        "/notify/callback",
        json={"id": notification_id, "status": "permanent-failure"},
        headers=headers,
    )
    assert failed.status_code == 204
    row = await _sms_row(database)
    assert (row.status, row.provider_status) == ("permanent_failure", "permanent-failure")
    (told,) = await emails_to(database, "qa@council.example", "qa_undeliverable")
    assert told.request_id is not None
    # Told twice, QA is told once.
    again = await client.post(
        "/notify/callback",
        json={"id": notification_id, "status": "permanent-failure"},
        headers=headers,
    )
    assert again.status_code == 204
    assert len(await emails_to(database, "qa@council.example", "qa_undeliverable")) == 1
    unknown = await client.post(
        "/notify/callback", json={"id": "no-such-id", "status": "delivered"}, headers=headers
    )
    assert unknown.status_code == 404  # Notify sends it again later
    assert world.family_ids


async def test_a_moved_conference_is_texted_with_the_same_short_link(
    client: httpx.AsyncClient,
    database: Database,
    settings: Settings,
    notify: NotifyStandIn,
    clock: FrozenClock,
) -> None:
    world = await build_world(database)
    await _father_by_text(client, world)
    await approved_request(client, world)
    qa = {"Authorization": f"Bearer {await api_token(client, world.qa_email)}"}
    moved = await client.post(
        f"/api/v1/conferences/{world.conference_id}/reschedule",
        json={"starts_at": "2026-12-22T14:00:00+00:00"},
        headers=qa,
    )
    assert moved.status_code == 200, moved.text
    await deliver_all(settings, database, clock)
    invitation, told = notify.of_kind("sms")
    assert "Tuesday 22 December 2026 at 2:00pm" in told.text
    assert len(told.text) <= TWO_FRAGMENTS and set(told.text) <= GSM_CHARACTERS
    first_link = re.search(r"/a/[A-Z0-9]{12}", invitation.text)
    assert first_link and first_link.group(0) in told.text
    for private in ("Quixley", "yes", "no,"):
        assert private not in told.text


async def test_receipts_found_by_our_reference_a_technical_failure_and_an_unknown_message(
    client: httpx.AsyncClient, database: Database, settings: Settings, clock: FrozenClock
) -> None:
    await _texted(client, database, settings, clock)
    row = await _sms_row(database)
    headers = {"Authorization": f"Bearer {CALLBACK_TOKEN}"}
    # Notify's id not written yet (or lost): our reference still finds the message.
    found = await client.post(
        "/notify/callback",
        json={
            "id": "an-id-we-never-saw",
            "reference": f"outbox-{row.id}",
            "status": "technical-failure",
        },
        headers=headers,
    )
    assert found.status_code == 204
    row = await _sms_row(database)
    assert (row.status, row.provider_status) == ("permanent_failure", "technical-failure")
    assert len(await emails_to(database, "qa@council.example", "qa_undeliverable")) == 1
    for reference in (None, "outbox-99999", "outbox-x", "elsewhere-1"):
        unknown = await client.post(
            "/notify/callback",
            json={"id": "no-such-id", "reference": reference, "status": "delivered"},
            headers=headers,
        )
        assert unknown.status_code == 404, reference


async def test_a_text_whose_answer_was_lost_is_not_sent_twice(
    client: httpx.AsyncClient,
    database: Database,
    settings: Settings,
    notify: NotifyStandIn,
    clock: FrozenClock,
) -> None:
    world = await build_world(database)
    await _father_by_text(client, world)
    await approved_request(client, world)
    # Notify takes the text, then the connection drops before its answer arrives.
    notify.lose_next_answer = True
    await deliver_all(settings, database, clock)
    assert len(notify.of_kind("sms")) == 1
    async with database.read_session() as session:
        row = (
            await session.scalars(select(OutboxMessage).where(OutboxMessage.channel == "sms"))
        ).one()
    assert row.status == "temporary_failure" and row.provider_id is None
    # The next try asks Notify by our reference first, and finds the text it already took.
    clock.advance(minutes=30)
    await deliver_all(settings, database, clock)
    (text,) = notify.of_kind("sms")
    async with database.read_session() as session:
        row = (
            await session.scalars(select(OutboxMessage).where(OutboxMessage.channel == "sms"))
        ).one()
    assert row.status == "sent" and row.provider_id == text.notification_id
