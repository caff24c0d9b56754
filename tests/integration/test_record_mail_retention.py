"""Email bodies are cleared a while after the conference; answers and the audit log stay whole."""

import json
from datetime import timedelta

import httpx
from sqlalchemy import select, update

from notifications.outbox import OutboxMessage
from service.audit import verify_audit_chain
from service.settings import Settings
from service.store.database import Database
from service.store.tables import AuditEntry, ConsentAnswer
from service.usecases.mail_retention import clear_expired_mail_bodies
from service.usecases.scheduled_jobs import run_scheduled_jobs
from tests.support.consent import answer, approved_request, consent_paths
from tests.support.factories import NOW
from tests.support.scenario import World, build_world
from tests.support.web import sign_in

# build_world's conference starts four weeks after NOW; bodies go 30 days after that.
CONFERENCE = NOW + timedelta(days=28)
RETENTION_OVER = CONFERENCE + timedelta(days=30, seconds=1)


async def answered_and_sent(
    client: httpx.AsyncClient, database: Database, settings: Settings, world: World
) -> int:
    """A request two family members answered, with every email so far handed to the server."""
    request_id = await approved_request(client, world)
    paths = await consent_paths(database, settings, request_id)
    await answer(client, paths[world.family_ids[0]], "yes", "Happy to help")
    await answer(client, paths[world.family_ids[1]], "no")
    async with database.write_session() as session:
        await session.execute(update(OutboxMessage).values(status="sent", sent_at=NOW, attempts=1))
        await session.commit()
    return request_id


async def _rows(
    database: Database,
) -> tuple[list[OutboxMessage], list[ConsentAnswer], list[AuditEntry]]:
    async with database.read_session() as session:
        messages = list(await session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))
        answers = list(await session.scalars(select(ConsentAnswer).order_by(ConsentAnswer.id)))
        entries = list(await session.scalars(select(AuditEntry).order_by(AuditEntry.id)))
    return messages, answers, entries


def _metadata(message: OutboxMessage) -> tuple[object, ...]:
    return (
        message.id,
        message.template,
        message.recipient_role,
        message.to_address,
        message.subject,
        message.status,
        message.created_at,
        message.sent_at,
        message.request_id,
    )


async def test_clearing_bodies_keeps_every_answer_and_audit_entry_and_the_chain_holds(
    client: httpx.AsyncClient, database: Database, settings: Settings
) -> None:
    world = await build_world(database)
    request_id = await answered_and_sent(client, database, settings, world)
    messages, answers, entries = await _rows(database)
    cleared = await clear_expired_mail_bodies(
        database.writer, settings=settings, now=RETENTION_OVER
    )
    assert cleared == len(messages) > 0
    after_messages, after_answers, after_entries = await _rows(database)
    for message in after_messages:
        assert (message.body_text, message.body_html, message.calendar_ics) == (None, None, None)
        assert message.bodies_cleared_at == RETENTION_OVER
    assert [_metadata(m) for m in after_messages] == [_metadata(m) for m in messages]
    assert [(a.id, a.answer, a.text_sha256, a.comment) for a in after_answers] == [
        (a.id, a.answer, a.text_sha256, a.comment) for a in answers
    ]
    assert [(e.id, e.entry_hash) for e in after_entries[:-1]] == [
        (e.id, e.entry_hash) for e in entries
    ]
    clearing = after_entries[-1]
    assert (clearing.action, clearing.actor_kind, clearing.request_id) == (
        "mail_bodies_cleared",
        "system",
        None,
    )
    assert json.loads(clearing.details) == {
        "count": len(messages),
        "request_ids": [request_id],
        "retention_days": 30,
    }
    async with database.read_session() as session:
        assert (await verify_audit_chain(session)).holds


async def test_a_second_run_finds_nothing_and_writes_nothing(
    client: httpx.AsyncClient, database: Database, settings: Settings
) -> None:
    world = await build_world(database)
    await answered_and_sent(client, database, settings, world)
    assert await clear_expired_mail_bodies(database.writer, settings=settings, now=RETENTION_OVER)
    _, _, entries = await _rows(database)
    later = RETENTION_OVER + timedelta(days=1)
    assert await clear_expired_mail_bodies(database.writer, settings=settings, now=later) == 0
    assert len((await _rows(database))[2]) == len(entries)


async def test_bodies_stay_until_the_retention_period_after_the_conference_is_over(
    client: httpx.AsyncClient, database: Database, settings: Settings
) -> None:
    world = await build_world(database)
    await answered_and_sent(client, database, settings, world)
    _, _, entries = await _rows(database)
    not_yet = CONFERENCE + timedelta(days=30) - timedelta(seconds=1)
    assert await clear_expired_mail_bodies(database.writer, settings=settings, now=not_yet) == 0
    messages, _, after = await _rows(database)
    assert all(message.body_text for message in messages)
    assert len(after) == len(entries)


async def test_only_conferences_past_the_period_lose_their_bodies(
    client: httpx.AsyncClient, database: Database, settings: Settings
) -> None:
    world = await build_world(database)
    old = await answered_and_sent(client, database, settings, world)
    later_world = await build_world(database, days_ahead=60)
    recent = await approved_request(client, later_world)
    async with database.write_session() as session:
        await session.execute(update(OutboxMessage).values(status="sent", sent_at=NOW))
        await session.commit()
    await clear_expired_mail_bodies(database.writer, settings=settings, now=RETENTION_OVER)
    messages, _, _ = await _rows(database)
    assert {m.request_id for m in messages if m.body_text is None} == {old}
    assert all(m.body_text for m in messages if m.request_id == recent)


async def test_emails_still_waiting_to_go_keep_their_bodies(
    client: httpx.AsyncClient, database: Database, settings: Settings
) -> None:
    world = await build_world(database)
    await answered_and_sent(client, database, settings, world)
    async with database.write_session() as session:
        waiting = await session.scalar(select(OutboxMessage).order_by(OutboxMessage.id.desc()))
        assert waiting is not None
        waiting.status = "temporary_failure"
        await session.commit()
    await clear_expired_mail_bodies(database.writer, settings=settings, now=RETENTION_OVER)
    async with database.read_session() as session:
        kept = await session.get(OutboxMessage, waiting.id)
    assert kept is not None and kept.body_text and kept.bodies_cleared_at is None


async def test_the_scheduled_jobs_clear_bodies_and_the_timeline_says_so(
    client: httpx.AsyncClient, database: Database, settings: Settings
) -> None:
    world = await build_world(database)
    request_id = await answered_and_sent(client, database, settings, world)
    done = await run_scheduled_jobs(database.writer, settings=settings, now=RETENTION_OVER)
    assert done["cleared"] > 0
    await sign_in(client, world.qa_email)
    page = (await client.get(f"/qa/requests/{request_id}")).text
    assert "Email texts deleted" in page
    assert "Email sent on Monday 23 November 2026 at 10:00am." in page
    assert "Alexandra Zebedee (Mother) said yes" in page
    assert "Their comment: “Happy to help”" in page
    assert "entries up to then are unaltered" in page
