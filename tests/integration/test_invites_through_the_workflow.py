"""Calendar invites follow the workflow: one UID, a rising SEQUENCE, and no family names."""

from datetime import UTC, datetime

import httpx
from icalendar import Calendar
from sqlalchemy import select

from notifications.outbox import OutboxMessage
from service.settings import Settings
from service.store.database import Database
from tests.support.consent import answer, approved_request, consent_paths
from tests.support.scenario import World, build_world
from tests.support.web import api_token


async def _invites(database: Database) -> list[OutboxMessage]:
    async with database.read_session() as session:
        rows = await session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.calendar_ics.is_not(None))  # type: ignore[union-attr]
            .order_by(OutboxMessage.id)  # type: ignore[arg-type]
        )
        return list(rows)


async def _confirmed(
    client: httpx.AsyncClient, database: Database, settings: Settings, world: World
) -> int:
    request_id = await approved_request(client, world)
    for path in (await consent_paths(database, settings, request_id)).values():
        await answer(client, path, "yes")
    return request_id


def _event(row: OutboxMessage) -> tuple[str, str, int, str]:
    calendar = Calendar.from_ical(row.calendar_ics or "")
    event = next(iter(calendar.walk("VEVENT")))
    return (
        str(calendar["METHOD"]),
        str(event["UID"]),
        int(event["SEQUENCE"]),
        str(event.get("STATUS")),
    )


async def test_confirmation_reschedule_and_withdrawal_keep_one_uid_with_rising_sequence(
    client: httpx.AsyncClient, database: Database, settings: Settings
) -> None:
    world = await build_world(database)
    request_id = await _confirmed(client, database, settings, world)
    qa = {"Authorization": f"Bearer {await api_token(client, world.qa_email)}"}
    moved = await client.post(
        f"/api/v1/conferences/{world.conference_id}/reschedule",
        json={"starts_at": "2026-12-22T14:00:00+00:00"},
        headers=qa,
    )
    assert moved.status_code == 200, moved.text
    withdrawn = await client.post(f"/api/v1/observation-requests/{request_id}/withdraw", headers=qa)
    assert withdrawn.json()["status"] == "withdrawn"
    invites = await _invites(database)
    to_qa = [_event(row) for row in invites if row.recipient_role == "qa"]
    assert [(m, s, st) for m, _, s, st in to_qa] == [
        ("REQUEST", 0, "CONFIRMED"),
        ("REQUEST", 1, "CONFIRMED"),
        ("CANCEL", 2, "CANCELLED"),
    ]
    assert len({uid for _, uid, _, _ in to_qa}) == 1
    assert {row.to_address for row in invites} == {
        settings.qa_mailbox,
        "staff" + world.trainee_email[5:],
    }
    for row in invites:
        for name in world.family_names:
            assert name not in (row.calendar_ics or "") and name not in row.subject
        assert row.ordering_key == f"calendar-{request_id}-{row.recipient_role}"


async def test_a_change_to_no_after_confirmation_cancels_the_invite(
    client: httpx.AsyncClient, database: Database, settings: Settings
) -> None:
    world = await build_world(database)
    request_id = await _confirmed(client, database, settings, world)
    paths = await consent_paths(database, settings, request_id)
    await answer(client, paths[world.family_ids[1]], "no")
    methods = [
        _event(row)[0] for row in await _invites(database) if row.recipient_role == "observer"
    ]
    assert methods == ["REQUEST", "CANCEL"]


async def test_cancelling_the_conference_cancels_the_invite_for_everyone_it_went_to(
    client: httpx.AsyncClient, database: Database, settings: Settings
) -> None:
    world = await build_world(database)
    request_id = await _confirmed(client, database, settings, world)
    qa = {"Authorization": f"Bearer {await api_token(client, world.qa_email)}"}
    cancelled = await client.post(f"/api/v1/conferences/{world.conference_id}/cancel", headers=qa)
    assert cancelled.status_code == 200, cancelled.text
    invites = await _invites(database)
    for role in ("qa", "observer"):
        events = [_event(row) for row in invites if row.recipient_role == role]
        assert [(method, sequence, status) for method, _, sequence, status in events] == [
            ("REQUEST", 0, "CONFIRMED"),
            ("CANCEL", 1, "CANCELLED"),
        ], role
        assert len({uid for _, uid, _, _ in events}) == 1
    assert {row.ordering_key for row in invites} == {
        f"calendar-{request_id}-qa",
        f"calendar-{request_id}-observer",
    }


async def test_the_invite_is_at_the_right_instant_after_the_clocks_change(
    client: httpx.AsyncClient, database: Database, settings: Settings
) -> None:
    # 10:00 in London on Monday 29 March 2027 is 09:00 UTC (summer time began the day before).
    world = await build_world(database, days_ahead=126)
    qa = {"Authorization": f"Bearer {await api_token(client, world.qa_email)}"}
    await client.post(
        f"/api/v1/conferences/{world.conference_id}/reschedule",
        json={"starts_at": "2027-03-29T10:00:00+01:00"},
        headers=qa,
    )
    await _confirmed(client, database, settings, world)
    row = (await _invites(database))[0]
    event = next(iter(Calendar.from_ical(row.calendar_ics or "").walk("VEVENT")))
    assert event.decoded("DTSTART").astimezone(UTC) == datetime(2027, 3, 29, 9, 0, tzinfo=UTC)
