"""QA's "Going ahead" list, and the conference page, flag a conference that has started with its
chair's check still to record."""

from datetime import timedelta

import httpx

from service.store.database import Database
from tests.integration.test_qa_pages import a_request, signed_in_staff
from tests.support.clock import FrozenClock
from tests.support.factories import NOW
from tests.support.web import sign_in

DUE = "Chair's check due"
STARTS = NOW + timedelta(days=28)


async def test_going_ahead_rows_say_the_chairs_check_is_due_once_the_conference_starts(
    client: httpx.AsyncClient, database: Database, clock: FrozenClock
) -> None:
    qa = await signed_in_staff(client, database)
    request_id, conference_id = await a_request(database, status="confirmed")
    going_ahead = (await client.get("/qa?status=confirmed")).text
    assert f'href="/qa/requests/{request_id}"' in going_ahead
    assert DUE not in going_ahead
    clock.set(STARTS - timedelta(minutes=1))
    await sign_in(client, qa.email)
    assert DUE not in (await client.get("/qa?status=confirmed")).text
    clock.set(STARTS + timedelta(minutes=1))
    await sign_in(client, qa.email)
    started = (await client.get("/qa?status=confirmed")).text
    assert "Going ahead" in started
    assert DUE in started
    assert DUE in (await client.get(f"/qa/conferences/{conference_id}")).text


async def test_a_request_that_did_not_go_ahead_owes_no_chairs_check(
    client: httpx.AsyncClient, database: Database, clock: FrozenClock
) -> None:
    qa = await signed_in_staff(client, database)
    await a_request(database, status="withdrawn")
    clock.set(STARTS + timedelta(minutes=1))
    await sign_in(client, qa.email)
    assert DUE not in (await client.get("/qa?status=all")).text
