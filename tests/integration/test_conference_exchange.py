"""The case-management system sends conferences by their meeting id: PUT, idempotent, and a new
time is a move with everything that follows from it."""

import json
from datetime import timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from notifications.outbox import OutboxMessage
from service.store.database import Database
from service.store.tables import AuditEntry, Conference, ObservationRequest
from service.usecases.staff_sessions import create_integration_token
from tests.support.consent import approved_request
from tests.support.factories import NOW, make_conference, make_staff
from tests.support.scenario import World, build_world
from tests.support.web import api_token

URL = "/api/v1/conferences/by-external-id/"


def body(**changes: object) -> dict[str, object]:
    """A conference as the case-management system would send it."""
    sent: dict[str, object] = {
        "kind": "initial",
        "starts_at": "2027-01-12T10:00:00+00:00",
        "duration_minutes": 90,
        "venue": "Room 2, Civic Centre",
        "open_to_observers": True,
    }
    sent.update(changes)
    return sent


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def count(database: Database, table: type, *where: Any) -> int:
    """How many rows of the table, with these conditions."""
    async with database.read_session() as session:
        query = select(func.count()).select_from(table)
        return int(await session.scalar(query.where(*where)) or 0)


async def by_external_id(database: Database, external_id: str) -> Conference:
    async with database.read_session() as session:
        found = await session.scalar(
            select(Conference).where(Conference.external_id == external_id)
        )
        assert found is not None
        return found


async def qa_token(client: httpx.AsyncClient, database: Database) -> str:
    async with database.write_session() as session:
        qa = await make_staff(session, role="qa")
        await session.commit()
    return await api_token(client, qa.email)


async def test_a_new_meeting_id_records_a_conference_with_it_as_its_reference(
    client: httpx.AsyncClient, database: Database
) -> None:
    token = await qa_token(client, database)
    response = await client.put(URL + "LL/2027:0042", json=body(), headers=auth(token))
    assert response.status_code == 201, response.text
    answer = response.json()
    assert answer["external_id"] == "LL/2027:0042"
    assert answer["reference"] == "LL/2027:0042"
    assert answer["starts_at"] == "2027-01-12T10:00:00Z"
    recorded = await count(database, AuditEntry, AuditEntry.action == "conference_recorded")
    assert recorded == 1


async def test_the_same_conference_sent_again_changes_nothing(
    client: httpx.AsyncClient, database: Database
) -> None:
    token = await qa_token(client, database)
    first = await client.put(URL + "MTG-1", json=body(reference="CP-77"), headers=auth(token))
    assert first.status_code == 201, first.text
    before = await by_external_id(database, "MTG-1")
    audit, outbox = await count(database, AuditEntry), await count(database, OutboxMessage)
    # The same instant written with another offset is the same time.
    again = body(reference="CP-77", starts_at="2027-01-12T11:00:00+01:00")
    for sent in (again, body()):  # without a reference, the one recorded stays
        repeat = await client.put(URL + "MTG-1", json=sent, headers=auth(token))
        assert repeat.status_code == 200, repeat.text
        assert repeat.json() == first.json()
    after = await by_external_id(database, "MTG-1")
    assert after.version == before.version
    assert (await count(database, AuditEntry), await count(database, OutboxMessage)) == (
        audit,
        outbox,
    )


async def test_other_details_change_and_the_record_says_what_changed(
    client: httpx.AsyncClient, database: Database
) -> None:
    token = await qa_token(client, database)
    await client.put(URL + "MTG-2", json=body(), headers=auth(token))
    changed = body(kind="review", duration_minutes=60, open_to_observers=False, reference="CP-9")
    response = await client.put(URL + "MTG-2", json=changed, headers=auth(token))
    assert response.status_code == 200, response.text
    assert response.json()["kind"] == "review"
    assert response.json()["reference"] == "CP-9"
    async with database.read_session() as session:
        entry = await session.scalar(
            select(AuditEntry).where(AuditEntry.action == "conference_details_changed")
        )
    assert entry is not None
    changes = json.loads(entry.details)
    assert changes["duration_minutes"] == {"from": 90, "to": 60}
    assert changes["open_to_observers"] == {"from": True, "to": False}
    assert changes["reference"] == {"from": "MTG-2", "to": "CP-9"}
    assert await count(database, AuditEntry, AuditEntry.action == "conference_rescheduled") == 0


async def test_a_new_time_moves_the_conference_and_everyone_asked_is_told(
    client: httpx.AsyncClient, database: Database
) -> None:
    world = await build_world(database, external_id="MTG-3")
    request_id = await approved_request(client, world)
    moved_mail = OutboxMessage.template == "family_conference_moved"
    assert await count(database, OutboxMessage, moved_mail) == 0
    token = await api_token(client, world.qa_email)
    new_start = (NOW + timedelta(days=35)).isoformat()
    response = await client.put(
        URL + "MTG-3", json=body(starts_at=new_start, venue="Room 5"), headers=auth(token)
    )
    assert response.status_code == 200, response.text
    assert response.json()["venue"] == "Room 5"
    assert await count(database, AuditEntry, AuditEntry.action == "conference_rescheduled") == 1
    assert await count(database, OutboxMessage, moved_mail) == len(world.family_ids)
    async with database.read_session() as session:
        request = await session.get(ObservationRequest, request_id)
    assert request is not None and request.status == "seeking_consent"


async def test_a_move_that_leaves_no_time_to_answer_needs_confirming(
    client: httpx.AsyncClient, database: Database
) -> None:
    world = await build_world(database, external_id="MTG-4")
    request_id = await approved_request(client, world)
    token = await api_token(client, world.qa_email)
    soon = body(starts_at=(NOW + timedelta(hours=6)).isoformat())
    refused = await client.put(URL + "MTG-4", json=soon, headers=auth(token))
    assert refused.status_code == 409, refused.text
    assert "Confirm the short notice" in refused.json()["detail"]
    confirmed = await client.put(
        URL + "MTG-4", json={**soon, "confirm_short_notice": True}, headers=auth(token)
    )
    assert confirmed.status_code == 200, confirmed.text
    async with database.read_session() as session:
        request = await session.get(ObservationRequest, request_id)
    assert request is not None and request.status == "lapsed"


async def test_a_cancelled_conference_is_refused_in_a_plain_sentence(
    client: httpx.AsyncClient, database: Database
) -> None:
    async with database.write_session() as session:
        await make_conference(session, external_id="MTG-5", cancelled_at=NOW)
        await session.commit()
    token = await qa_token(client, database)
    response = await client.put(URL + "MTG-5", json=body(), headers=auth(token))
    assert response.status_code == 409
    assert response.json()["detail"] == (
        "The conference with the meeting id MTG-5 was cancelled, so it cannot be changed. "
        "A new meeting needs a new meeting id."
    )


async def test_a_trainee_may_not_send_conferences(
    client: httpx.AsyncClient, database: Database
) -> None:
    world = await build_world(database)
    token = await api_token(client, world.trainee_email)
    response = await client.put(URL + "MTG-6", json=body(), headers=auth(token))
    assert response.status_code == 403
    assert await count(database, Conference) == 1


async def test_an_integration_token_acting_for_qa_sends_conferences(
    client: httpx.AsyncClient, database: Database
) -> None:
    async with database.write_session() as session:
        admin = await make_staff(session, role="admin")
        await session.commit()
        assert admin.id is not None
        made = await create_integration_token(
            session, now=NOW, admin_id=admin.id, name="Mosaic", role="qa", valid_days=30
        )
    response = await client.put(URL + "MOSAIC-1", json=body(), headers=auth(made.token))
    assert response.status_code == 201, response.text


@pytest.mark.parametrize(
    ("external_id", "words"),
    [
        ("", "Give the meeting id"),
        ("x" * 101, "longer than 100 characters"),
        ("MTG 1", "only letters, digits"),
        ("MTG%001", "only letters, digits"),
        ("MTG;DROP", "only letters, digits"),
    ],
)
async def test_a_meeting_id_that_is_not_valid_is_refused_plainly(
    client: httpx.AsyncClient, database: Database, external_id: str, words: str
) -> None:
    token = await qa_token(client, database)
    response = await client.put(URL + external_id, json=body(), headers=auth(token))
    assert response.status_code == 422, response.text
    assert words in response.json()["detail"]
    assert await count(database, Conference) == 0


async def test_a_meeting_id_too_long_for_a_reference_needs_one(
    client: httpx.AsyncClient, database: Database
) -> None:
    token = await qa_token(client, database)
    long_id = "ECLIPSE-" + "7" * 60
    refused = await client.put(URL + long_id, json=body(), headers=auth(token))
    assert refused.status_code == 422
    assert "Give a reference" in refused.json()["detail"]
    given = await client.put(URL + long_id, json=body(reference="CP-LONG"), headers=auth(token))
    assert given.status_code == 201, given.text


async def test_qa_sees_the_meeting_id_and_a_trainee_does_not(
    client: httpx.AsyncClient, database: Database
) -> None:
    world: World = await build_world(database, external_id="MTG-8")
    as_qa = await client.get("/api/v1/conferences", headers=auth(await qa_token(client, database)))
    assert [c["external_id"] for c in as_qa.json()] == ["MTG-8"]
    trainee = await api_token(client, world.trainee_email)
    as_trainee = await client.get("/api/v1/conferences", headers=auth(trainee))
    assert as_trainee.json() and all("external_id" not in c for c in as_trainee.json())
