"""GET /api/v1/outcomes: what became of each observer request, for the case-management system.

Changed since a time, oldest change first, paged by (changed_at, request id) so a client walking
the pages neither misses nor repeats a request, even when several changed in one microsecond;
for QA and integration tokens only; outcome facts and never a family's names, answers or
addresses; a plain 422 for a missing or unreadable time.
"""

from datetime import timedelta

import httpx
import pytest
from sqlalchemy import select
from sqlmodel import col

from notifications.outbox import OutboxMessage
from service.store.database import Database
from service.usecases.staff_sessions import create_integration_token
from tests.support.clock import FrozenClock
from tests.support.factories import (
    NOW,
    make_conference,
    make_family_member,
    make_request,
    make_staff,
)
from tests.support.scenario import build_world, request_body
from tests.support.web import api_token

# One instant, to the microsecond, at which several requests changed.
CROWDED = NOW + timedelta(hours=1, microseconds=123456)
FAMILY_NAME = "Philippa Outcomes-Private"
FAMILY_EMAIL = "philippa.private@family.example"


async def _seed(database: Database) -> dict[str, list[int]]:
    """Requests that changed before, at and after CROWDED, on a meeting from the case-management
    system and on one recorded by hand."""
    async with database.write_session() as session:
        trainee = await make_staff(session, role="trainee")
        imported = await make_conference(session, external_id="LIQ-2026-0042")
        by_hand = await make_conference(session)
        await make_family_member(
            session, conference_id=imported.id, name=FAMILY_NAME, email=FAMILY_EMAIL
        )
        ids: dict[str, list[int]] = {"before": [], "crowded": [], "after": []}

        async def add(group: str, when: object, **fields: object) -> None:
            request = await make_request(
                session, trainee_id=trainee.id, updated_at=when, created_at=NOW, **fields
            )
            ids[group].append(request.id or 0)

        await add("before", CROWDED - timedelta(microseconds=1), conference_id=imported.id)
        for n in range(5):
            await add(
                "crowded",
                CROWDED,
                conference_id=(imported if n % 2 else by_hand).id,
                status="completed" if n == 0 else "declined",
                chair_check="observed" if n == 0 else None,
                decline_reason="Too many observers this month." if n else None,
            )
        await add("after", CROWDED + timedelta(microseconds=1), conference_id=by_hand.id)
        await add("after", CROWDED + timedelta(days=2), conference_id=imported.id)
        await session.commit()
    return ids


async def _qa(client: httpx.AsyncClient, database: Database) -> dict[str, str]:
    async with database.write_session() as session:
        qa = await make_staff(session, role="qa")
        await session.commit()
    return {"Authorization": f"Bearer {await api_token(client, qa.email)}"}


async def test_a_client_walking_the_pages_sees_each_change_once_even_within_one_microsecond(
    client: httpx.AsyncClient, database: Database
) -> None:
    ids = await _seed(database)
    headers = await _qa(client, database)
    seen: list[int] = []
    pages = 0
    url: str | None = "/api/v1/outcomes?" + str(
        httpx.QueryParams({"changed_since": CROWDED.isoformat(), "limit": 2})
    )
    while url is not None:
        page = await client.get(url, headers=headers)
        assert page.status_code == 200, page.text
        body = page.json()
        assert len(body["items"]) <= 2
        seen.extend(item["request_id"] for item in body["items"])
        url = body["next"]
        pages += 1
    assert seen == ids["crowded"] + ids["after"]
    assert pages == 4  # 2, 2, 2, then the last one; its `next` is null

    # One page holds them all in order; the one changed a microsecond before is left out.
    everything = await client.get(
        "/api/v1/outcomes",
        params={"changed_since": CROWDED.isoformat(), "limit": 500},
        headers=headers,
    )
    items = everything.json()["items"]
    assert [item["request_id"] for item in items] == seen
    assert everything.json()["next"] is None
    earlier = await client.get(
        "/api/v1/outcomes",
        params={"changed_since": "2026-11-23T11:00:00.123455+00:00"},
        headers=headers,
    )
    assert earlier.json()["items"][0]["request_id"] == ids["before"][0]
    # The same instant written in another offset is the same instant.
    london_summer_style = await client.get(
        "/api/v1/outcomes",
        params={"changed_since": "2026-11-23T12:00:00.123456+01:00"},
        headers=headers,
    )
    assert [item["request_id"] for item in london_summer_style.json()["items"]] == seen


async def test_each_item_holds_outcome_facts_and_nothing_about_the_family(
    client: httpx.AsyncClient, database: Database
) -> None:
    ids = await _seed(database)
    headers = await _qa(client, database)
    answer = await client.get(
        "/api/v1/outcomes", params={"changed_since": CROWDED.isoformat()}, headers=headers
    )
    assert answer.status_code == 200
    first, second = answer.json()["items"][:2]
    assert first == {
        "external_id": None,
        "conference_id": first["conference_id"],
        "conference_reference": first["conference_reference"],
        "request_id": ids["crowded"][0],
        "status": "completed",
        "observed": True,
        "changed_at": "2026-11-23T11:00:00.123456Z",
        "record_url": f"http://testserver/qa/requests/{ids['crowded'][0]}/record",
    }
    assert (second["external_id"], second["status"], second["observed"]) == (
        "LIQ-2026-0042",
        "declined",
        False,
    )
    for private in (
        FAMILY_NAME,
        FAMILY_EMAIL,
        "Too many observers",
        "Sam Supervisor",
        "supervisor@council.example",
        "hears the family",
        "Children's Services",
    ):
        assert private not in answer.text, private


async def test_a_change_of_status_moves_a_request_up_the_feed_and_a_refused_one_does_not(
    client: httpx.AsyncClient, database: Database, clock: FrozenClock
) -> None:
    world = await build_world(database)
    trainee = await api_token(client, world.trainee_email)
    created = await client.post(
        "/api/v1/observation-requests",
        json=request_body(world.conference_id),
        headers={"Authorization": f"Bearer {trainee}"},
    )
    request_id = created.json()["id"]
    clock.advance(minutes=5)
    qa = {"Authorization": f"Bearer {await api_token(client, world.qa_email)}"}
    since = {"changed_since": clock().isoformat()}
    assert (await client.get("/api/v1/outcomes", params=since, headers=qa)).json()["items"] == []
    declined = await client.post(
        f"/api/v1/observation-requests/{request_id}/decline",
        json={"reason": "Full."},
        headers=qa,
    )
    assert declined.status_code == 200
    (item,) = (await client.get("/api/v1/outcomes", params=since, headers=qa)).json()["items"]
    assert (item["status"], item["changed_at"]) == ("declined", "2026-11-23T10:05:00Z")
    clock.advance(minutes=5)
    refused = await client.post(f"/api/v1/observation-requests/{request_id}/withdraw", headers=qa)
    assert refused.status_code == 409
    (item,) = (await client.get("/api/v1/outcomes", params=since, headers=qa)).json()["items"]
    assert item["changed_at"] == "2026-11-23T10:05:00Z"
    # Without CPC_WEBHOOK_URL nothing is queued for the case-management system.
    async with database.read_session() as session:
        webhooks = await session.scalars(
            select(OutboxMessage).where(col(OutboxMessage.channel) == "webhook")
        )
        assert webhooks.all() == []


async def test_qa_and_integration_tokens_may_read_it_and_nobody_else(
    client: httpx.AsyncClient, database: Database
) -> None:
    async with database.write_session() as session:
        trainee = await make_staff(session, role="trainee")
        admin = await make_staff(session, role="admin")
        await session.commit()
    async with database.write_session() as session:
        made = await create_integration_token(
            session, now=NOW, admin_id=admin.id or 0, name="Mosaic", role="qa", valid_days=30
        )
    query = {"changed_since": "2026-11-01T00:00:00Z"}
    integration = {"Authorization": f"Bearer {made.token}"}
    assert (
        await client.get("/api/v1/outcomes", params=query, headers=integration)
    ).status_code == 200
    assert (
        await client.get("/api/v1/outcomes", params=query, headers=await _qa(client, database))
    ).status_code == 200
    for person in (trainee, admin):
        token = {"Authorization": f"Bearer {await api_token(client, person.email)}"}
        refused = await client.get("/api/v1/outcomes", params=query, headers=token)
        assert refused.status_code == 403, person.role
    assert (await client.get("/api/v1/outcomes", params=query)).status_code == 401


@pytest.mark.parametrize(
    ("query", "says"),
    [
        ({}, "The field 'changed_since' is missing."),
        ({"changed_since": "yesterday"}, "The field 'changed_since' is not valid"),
        ({"changed_since": "2026-11-23T10:00:00"}, "must be a date and time with a timezone"),
        ({"changed_since": "2026-11-23T10:00:00Z", "limit": "501"}, "The field 'limit'"),
        ({"changed_since": "2026-11-23T10:00:00Z", "after_id": "0"}, "The field 'after_id'"),
    ],
)
async def test_a_missing_or_unreadable_time_is_a_plain_422(
    client: httpx.AsyncClient, database: Database, query: dict[str, str], says: str
) -> None:
    answer = await client.get("/api/v1/outcomes", params=query, headers=await _qa(client, database))
    assert answer.status_code == 422
    assert says in answer.json()["detail"]
    assert isinstance(answer.json()["detail"], str)


async def test_a_time_at_the_ends_of_the_calendar_means_everything_or_nothing(
    client: httpx.AsyncClient, database: Database
) -> None:
    ids = await _seed(database)
    qa = await _qa(client, database)

    async def listed(since: str) -> list[int]:
        answer = await client.get(
            "/api/v1/outcomes", params={"changed_since": since, "limit": 500}, headers=qa
        )
        assert answer.status_code == 200, answer.text
        return [item["request_id"] for item in answer.json()["items"]]

    # Before midnight UTC on 1 January of year 1, and after the last moment of year 9999.
    assert len(await listed("0001-01-01T00:01:00+01:00")) == sum(map(len, ids.values()))
    assert await listed("9999-12-31T23:30:00-01:00") == []


async def test_the_openapi_schema_describes_the_feed(client: httpx.AsyncClient) -> None:
    schema = (await client.get("/openapi.json")).json()
    call = schema["paths"]["/api/v1/outcomes"]["get"]
    assert {p["name"] for p in call["parameters"]} == {"changed_since", "after_id", "limit"}
    answer = call["responses"]["200"]["content"]["application/json"]["schema"]
    assert answer == {"$ref": "#/components/schemas/OutcomesOut"}
    item = schema["components"]["schemas"]["OutcomeOut"]["properties"]
    assert set(item) == {
        "external_id",
        "conference_id",
        "conference_reference",
        "request_id",
        "status",
        "observed",
        "changed_at",
        "record_url",
    }
