"""Outcome webhooks to a receiver on 127.0.0.1 that checks every signature: each change of
outcome is one signed event, written with the change and sent through the outbox with the same
retries and states as mail; a receiver that is down for a while gets each event once it is back;
one refused for good shows to QA, and no family member hears of it."""

import json
from collections.abc import Iterator

import httpx
import pytest
from sqlalchemy import select
from sqlmodel import col

from notifications.mailbox import list_mailbox
from notifications.outbox import OutboxMessage
from service.settings import Settings
from service.store.database import Database
from tests.support.clock import FrozenClock
from tests.support.consent import approved_request
from tests.support.dispatching import deliver_all
from tests.support.factories import make_request
from tests.support.scenario import World, build_world, request_body
from tests.support.web import api_token, sign_in
from tests.support.webhook_receiver import WebhookReceiver, webhook_receiver

SECRET = "outcome-webhook-secret-shared-with-the-council-7f3a"
EVENT_FIELDS = {
    "event_id",
    "event_type",
    "occurred_at",
    "external_id",
    "conference_id",
    "conference_reference",
    "request_id",
    "status",
    "observed",
    "changed_at",
    "record_url",
}


@pytest.fixture
def receiver() -> Iterator[WebhookReceiver]:
    with webhook_receiver(SECRET) as running:
        yield running


@pytest.fixture
def settings(settings: Settings, receiver: WebhookReceiver) -> Settings:
    """The test's settings, with the receiver as the case-management system's webhook."""
    return settings.model_copy(update={"webhook_url": receiver.url, "webhook_secret": SECRET})


async def _webhook_rows(database: Database) -> list[OutboxMessage]:
    async with database.read_session() as session:
        rows = await session.scalars(
            select(OutboxMessage)
            .where(col(OutboxMessage.channel) == "webhook")
            .order_by(col(OutboxMessage.id))
        )
        return list(rows)


async def _family_and_qa_messages(database: Database) -> int:
    async with database.read_session() as session:
        rows = await session.scalars(
            select(OutboxMessage).where(col(OutboxMessage.channel) != "webhook")
        )
        return len(rows.all())


async def _qa_headers(client: httpx.AsyncClient, world: World) -> dict[str, str]:
    return {"Authorization": f"Bearer {await api_token(client, world.qa_email)}"}


async def test_a_receiver_down_for_a_while_gets_each_event_once_it_is_back(
    client: httpx.AsyncClient,
    database: Database,
    settings: Settings,
    receiver: WebhookReceiver,
    clock: FrozenClock,
) -> None:
    world = await build_world(database, external_id="MOSAIC-4471")
    receiver.go_down()
    request_id = await approved_request(client, world)
    rows = await _webhook_rows(database)
    assert [json.loads(row.body_text or "")["status"] for row in rows] == [
        "submitted",
        "seeking_consent",
    ]
    assert {(row.to_address, row.recipient_role, row.request_id) for row in rows} == {
        (receiver.url, "integration", request_id)
    }

    # Down: connections refused, tried again after the outbox's backoff.
    await deliver_all(settings, database, clock)
    rows = await _webhook_rows(database)
    assert {(row.status, row.attempts) for row in rows} == {("temporary_failure", 1)}
    assert all("could not be reached" in (row.last_error or "") for row in rows)
    # The family's emails went meanwhile.
    assert list_mailbox(settings.dev_mailbox_dir)

    # Back, but answering 503 twice: another backoff.
    receiver.come_back()
    receiver.answer_next(503, times=2)
    await deliver_all(settings, database, clock)
    assert receiver.attempts == []  # not due yet
    clock.advance(seconds=31)
    await deliver_all(settings, database, clock)
    rows = await _webhook_rows(database)
    assert {(row.status, row.attempts, row.last_error) for row in rows} == {
        ("temporary_failure", 2, "the webhook answered 503")
    }
    clock.advance(seconds=61)
    await deliver_all(settings, database, clock)
    clock.advance(hours=3)
    await deliver_all(settings, database, clock)

    rows = await _webhook_rows(database)
    assert {(row.status, row.attempts) for row in rows} == {("sent", 3)}
    event_ids = [json.loads(row.body_text or "")["event_id"] for row in rows]
    assert receiver.delivered_ids() == event_ids  # each once, in the order they happened
    assert len(set(event_ids)) == 2
    # The same event id on every attempt.
    assert [event for event, _ in receiver.attempts] == event_ids * 2
    assert receiver.bad_requests == []

    first, second = (delivery.event for delivery in receiver.delivered)
    assert set(first) == EVENT_FIELDS
    assert first["event_type"] == "outcome.changed"
    assert (first["external_id"], first["request_id"], first["observed"]) == (
        "MOSAIC-4471",
        request_id,
        False,
    )
    assert first["record_url"] == f"http://testserver/qa/requests/{request_id}/record"
    assert first["occurred_at"] == first["changed_at"] == "2026-11-23T10:00:00Z"
    for delivery in receiver.delivered:
        assert delivery.headers["x-cpc-event-id"] == delivery.event_id
        assert delivery.headers["x-cpc-signature"].startswith("sha256=")
        raw = json.dumps(delivery.event)
        for private in (*world.family_names, *world.family_emails, "supervisor", "learn"):
            assert private not in raw, private

    # The feed says the same as the last event.
    feed = await client.get(
        "/api/v1/outcomes",
        params={"changed_since": "2026-11-23T00:00:00Z"},
        headers=await _qa_headers(client, world),
    )
    assert feed.status_code == 200, feed.text
    (item,) = feed.json()["items"]
    assert item == {
        key: value
        for key, value in second.items()
        if key not in ("event_id", "event_type", "occurred_at")
    }


async def test_each_change_of_outcome_is_one_event_and_a_refused_change_sends_none(
    client: httpx.AsyncClient,
    database: Database,
    settings: Settings,
    receiver: WebhookReceiver,
    clock: FrozenClock,
) -> None:
    world = await build_world(database, days_ahead=28)
    async with database.write_session() as session:
        confirmed = await make_request(
            session,
            conference_id=world.conference_id,
            trainee_id=world.trainee_id,
            status="confirmed",
        )
        await session.commit()
    clock.advance(days=28, hours=3)  # the conference's day, after it started
    qa = await _qa_headers(client, world)
    checked = await client.post(
        f"/api/v1/observation-requests/{confirmed.id}/chair-check",
        json={"outcome": "observed"},
        headers=qa,
    )
    assert checked.status_code == 200, checked.text
    again = await client.post(
        f"/api/v1/observation-requests/{confirmed.id}/chair-check",
        json={"outcome": "observed"},
        headers=qa,
    )
    assert again.status_code == 409
    await deliver_all(settings, database, clock)
    (event,) = [delivery.event for delivery in receiver.delivered]
    assert (event["status"], event["observed"], event["external_id"]) == ("completed", True, None)
    assert event["changed_at"] == event["occurred_at"] == "2026-12-21T13:00:00Z"
    assert receiver.bad_requests == []

    # The record and the development mailbox show emails only.
    await sign_in(client, world.qa_email)
    record = await client.get(f"/qa/requests/{confirmed.id}/record")
    assert record.status_code == 200
    for word in ("outcome_changed", "Outcome changed", "Webhook", receiver.url):
        assert word not in record.text, word
    mailbox = await client.get("/dev/mail")
    assert mailbox.status_code == 200 and receiver.url not in mailbox.text


async def test_a_webhook_refused_for_good_shows_to_qa_and_tells_no_family(
    client: httpx.AsyncClient,
    database: Database,
    settings: Settings,
    receiver: WebhookReceiver,
    clock: FrozenClock,
) -> None:
    world = await build_world(database, reference="CP-GONE-1")
    receiver.answer_next(410)
    trainee = await api_token(client, world.trainee_email)
    created = await client.post(
        "/api/v1/observation-requests",
        json=request_body(world.conference_id),
        headers={"Authorization": f"Bearer {trainee}"},
    )
    assert created.status_code == 201
    messages = await _family_and_qa_messages(database)
    await deliver_all(settings, database, clock)
    (row,) = await _webhook_rows(database)
    assert (row.status, row.attempts, row.last_error) == (
        "permanent_failure",
        1,
        "the webhook refused it (410)",
    )
    # Nobody is emailed about it.
    assert await _family_and_qa_messages(database) == messages

    await sign_in(client, world.qa_email)
    page = (await client.get("/qa")).text
    assert "The case-management system was not told of 1 change of outcome" in page
    assert "CP-GONE-1" in page and "the webhook refused it (410)" in page
    assert f'href="/qa/requests/{created.json()["id"]}"' in page

    # A later event about the same request that goes settles it.
    declined = await client.post(
        f"/api/v1/observation-requests/{created.json()['id']}/decline",
        json={"reason": "The conference is full."},
        headers=await _qa_headers(client, world),
    )
    assert declined.status_code == 200
    await deliver_all(settings, database, clock)
    assert [delivery.event["status"] for delivery in receiver.delivered] == ["declined"]
    assert "was not told" not in (await client.get("/qa")).text
    assert receiver.bad_requests == []


async def test_a_body_signed_with_another_secret_is_refused_by_the_receiver(
    client: httpx.AsyncClient,
    database: Database,
    settings: Settings,
    receiver: WebhookReceiver,
    clock: FrozenClock,
) -> None:
    world = await build_world(database)
    trainee = await api_token(client, world.trainee_email)
    created = await client.post(
        "/api/v1/observation-requests",
        json=request_body(world.conference_id),
        headers={"Authorization": f"Bearer {trainee}"},
    )
    assert created.status_code == 201
    wrong = settings.model_copy(update={"webhook_secret": "not-the-secret-the-receiver-knows-0000"})
    await deliver_all(wrong, database, clock)
    assert receiver.bad_requests == ["bad signature"]
    assert receiver.delivered == []
    (row,) = await _webhook_rows(database)
    assert (row.status, row.last_error) == ("permanent_failure", "the webhook refused it (401)")
