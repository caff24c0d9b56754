"""The deadline, reminder and chair's-check jobs, under a frozen clock and run twice at once."""

import asyncio
import logging
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from sqlalchemy import select

from notifications.outbox import OutboxMessage
from service.audit import append_audit
from service.settings import Settings
from service.store.database import Database
from service.store.tables import AuditEntry, ObservationRequest
from service.usecases.audit_seal import send_daily_seal
from service.usecases.scheduled_jobs import run_scheduled_jobs
from tests.integration.conftest import START
from tests.support.clock import FrozenClock
from tests.support.consent import answer, approved_request, consent_paths
from tests.support.scenario import build_world

# build_world puts the conference on Monday 21 December 2026 at 10:00 (GMT).
DEADLINE = datetime(2026, 12, 18, 17, 0, tzinfo=UTC)  # 17:00 on Friday 18 December
REMINDER = datetime(2026, 12, 16, 10, 0, tzinfo=UTC)  # 10:00 two working days before


async def _status(database: Database, request_id: int) -> str:
    async with database.read_session() as session:
        request = await session.get(ObservationRequest, request_id)
    assert request is not None
    return request.status


async def _templates(database: Database) -> list[str]:
    async with database.read_session() as session:
        rows = await session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))
        return [row.template for row in rows]


async def test_silence_at_the_deadline_lapses_the_request(
    client: httpx.AsyncClient, database: Database, settings: Settings
) -> None:
    world = await build_world(database)
    request_id = await approved_request(client, world)
    paths = await consent_paths(database, settings, request_id)
    await answer(client, paths[world.family_ids[0]], "yes")
    just_before = DEADLINE - timedelta(seconds=1)
    assert (await run_scheduled_jobs(database.writer, settings=settings, now=just_before))[
        "lapsed"
    ] == 0
    done = await run_scheduled_jobs(database.writer, settings=settings, now=DEADLINE)
    assert done["lapsed"] == 1
    assert await _status(database, request_id) == "lapsed"
    assert (await _templates(database))[-2:] == ["trainee_outcome", "qa_outcome"]


async def test_two_processes_lapsing_at_once_lapse_it_once(
    client: httpx.AsyncClient, database: Database, settings: Settings
) -> None:
    world = await build_world(database)
    request_id = await approved_request(client, world)
    results = await asyncio.gather(
        run_scheduled_jobs(database.writer, settings=settings, now=DEADLINE),
        run_scheduled_jobs(database.writer, settings=settings, now=DEADLINE),
    )
    assert sorted(r["lapsed"] for r in results) == [0, 1]
    assert await _status(database, request_id) == "lapsed"
    async with database.read_session() as session:
        lapses = (
            await session.scalars(select(AuditEntry).where(AuditEntry.action == "deadline_passed"))
        ).all()
    assert len(lapses) == 1


async def test_two_processes_reminding_at_once_send_each_reminder_once(
    client: httpx.AsyncClient, database: Database, settings: Settings
) -> None:
    world = await build_world(database)
    await approved_request(client, world)
    results = await asyncio.gather(
        run_scheduled_jobs(database.writer, settings=settings, now=REMINDER),
        run_scheduled_jobs(database.writer, settings=settings, now=REMINDER),
    )
    assert sum(r["reminded"] for r in results) == 3
    async with database.read_session() as session:
        reminders = (
            await session.scalars(
                select(OutboxMessage).where(OutboxMessage.template.like("family_reminder%"))
            )
        ).all()
    assert sorted(r.to_address for r in reminders) == sorted(world.family_emails)


async def test_one_reminder_goes_to_those_who_have_not_answered(
    client: httpx.AsyncClient, database: Database, settings: Settings
) -> None:
    world = await build_world(database)
    request_id = await approved_request(client, world)
    paths = await consent_paths(database, settings, request_id)
    await answer(client, paths[world.family_ids[0]], "yes")
    early = await run_scheduled_jobs(
        database.writer, settings=settings, now=REMINDER - timedelta(minutes=1)
    )
    assert early["reminded"] == 0
    first = await run_scheduled_jobs(database.writer, settings=settings, now=REMINDER)
    again = await run_scheduled_jobs(
        database.writer, settings=settings, now=REMINDER + timedelta(hours=3)
    )
    assert (first["reminded"], again["reminded"]) == (2, 0)
    async with database.read_session() as session:
        reminders = (
            await session.scalars(
                select(OutboxMessage).where(OutboxMessage.template.like("family_reminder%"))
            )
        ).all()
    assert sorted(r.to_address for r in reminders) == sorted(world.family_emails[1:])
    assert {r.template for r in reminders} == {"family_reminder", "family_reminder_young_person"}


async def test_a_missing_chair_check_is_flagged_to_qa_once(
    client: httpx.AsyncClient, database: Database, settings: Settings, clock: FrozenClock
) -> None:
    world = await build_world(database)
    request_id = await approved_request(client, world)
    for path in (await consent_paths(database, settings, request_id)).values():
        await answer(client, path, "yes")
    assert await _status(database, request_id) == "confirmed"
    during = datetime(2026, 12, 21, 10, 30, tzinfo=UTC)
    after = datetime(2026, 12, 21, 12, 0, tzinfo=UTC)
    assert (await run_scheduled_jobs(database.writer, settings=settings, now=during))[
        "flagged"
    ] == 0
    assert (await run_scheduled_jobs(database.writer, settings=settings, now=after))["flagged"] == 1
    assert (await run_scheduled_jobs(database.writer, settings=settings, now=after))["flagged"] == 0
    assert (await _templates(database))[-1] == "qa_chair_check_due"


async def test_an_empty_record_is_not_sealed_and_is_no_error(
    database: Database, settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="cpc_observers.audit"):
        assert await send_daily_seal(database.writer, settings=settings, now=START) == 0
    assert "qa_audit_seal" not in await _templates(database)
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert any("nothing to seal yet" in r.getMessage() for r in caplog.records)


async def test_the_daily_seal_goes_to_the_qa_mailbox_once_a_day(
    database: Database, settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    await build_world(database)
    async with database.write_session() as session:
        await append_audit(session, now=START, actor_kind="system", actor_id=None, action="step")
        await session.commit()
    with caplog.at_level(logging.INFO, logger="cpc_observers.audit"):
        assert await send_daily_seal(database.writer, settings=settings, now=START) == 1
    assert (
        await send_daily_seal(database.writer, settings=settings, now=START + timedelta(hours=5))
        == 0
    )
    assert (
        await send_daily_seal(database.writer, settings=settings, now=START + timedelta(days=1))
        == 1
    )
    async with database.read_session() as session:
        seals = list(
            await session.scalars(
                select(OutboxMessage).where(OutboxMessage.template == "qa_audit_seal")
            )
        )
    assert [m.to_address for m in seals] == [settings.qa_mailbox] * 2
    assert "seal: 1:" in (seals[0].body_text or "")
    assert "cpc-observers verify-audit --seal 1:" in (seals[0].body_text or "")
    assert any("audit seal: 1:" in r.getMessage() for r in caplog.records)
