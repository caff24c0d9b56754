"""A moved conference is told to everyone asked; a stopped trainee's requests are withdrawn."""

import re

import httpx

from service.settings import Settings
from service.store.database import Database
from service.store.tables import Conference, StaffUser
from tests.integration.consent_promise.helpers import emails_to, invitations_of, request_status
from tests.integration.test_qa_pages import snapshot
from tests.support.consent import answer, approved_request, consent_paths
from tests.support.factories import make_staff
from tests.support.scenario import World, build_world
from tests.support.web import api_token, form_post, sign_in


async def qa_headers(client: httpx.AsyncClient, world: World) -> dict[str, str]:
    return {"Authorization": f"Bearer {await api_token(client, world.qa_email)}"}


async def starts_at(database: Database, conference_id: int) -> str:
    async with database.read_session() as session:
        conference = await session.get(Conference, conference_id)
        assert conference is not None
        return conference.starts_at.isoformat()


async def test_everyone_asked_is_told_the_new_time_with_their_same_link(
    client: httpx.AsyncClient, database: Database, settings: Settings
) -> None:
    world = await build_world(database)
    request_id = await approved_request(client, world)
    paths = await consent_paths(database, settings, request_id)
    await answer(client, paths[world.family_ids[0]], "yes")

    async def nonces_now() -> dict[int, str]:
        return {i.family_member_id: i.nonce for i in await invitations_of(database, request_id)}

    nonces = await nonces_now()
    moved = await client.post(
        f"/api/v1/conferences/{world.conference_id}/reschedule",
        json={"starts_at": "2026-12-22T14:00:00+00:00"},
        headers=await qa_headers(client, world),
    )
    assert moved.status_code == 200, moved.text
    for member_id, address in zip(world.family_ids, world.family_emails, strict=True):
        told = await emails_to(database, address, "family_conference_moved")
        assert len(told) == 1, address
        body = told[0].body_text or ""
        assert "Tuesday 22 December 2026 at 2:00pm" in body
        link = re.search(r"/consent/\S+", body)
        assert link is not None
        # The same link: its token is signed afresh, but it opens the same invitation.
        assert (await client.get(link.group(0))).status_code == 200
        assert nonces[member_id] == (await nonces_now())[member_id]
        assert "Alexandra" not in told[0].subject and "Zebedee" not in told[0].subject
    said_yes = (await emails_to(database, world.family_emails[0], "family_conference_moved"))[0]
    assert "You said yes. Your answer still stands." in (said_yes.body_text or "")
    # The answer stands, and the page shows the new details.
    assert await request_status(database, request_id) == "seeking_consent"
    page = await client.get(paths[world.family_ids[0]])
    assert "Tuesday 22 December 2026" in page.text


async def test_a_move_that_leaves_no_time_to_answer_needs_confirming(
    client: httpx.AsyncClient, database: Database
) -> None:
    world = await build_world(database)
    request_id = await approved_request(client, world)
    headers = await qa_headers(client, world)
    url = f"/api/v1/conferences/{world.conference_id}/reschedule"
    # This afternoon: the answers would have been needed by 17:00 last Friday.
    tomorrow = {"starts_at": "2026-11-23T16:00:00+00:00"}
    before = await snapshot(database)
    refused = await client.post(url, json=tomorrow, headers=headers)
    assert refused.status_code == 409
    assert "Confirm the short notice" in refused.json()["detail"]
    assert "the observer would not attend" in refused.json()["detail"]
    assert await snapshot(database) == before
    confirmed = await client.post(
        url, json={**tomorrow, "confirm_short_notice": True}, headers=headers
    )
    assert confirmed.status_code == 200, confirmed.text
    assert await request_status(database, request_id) == "lapsed"
    assert await starts_at(database, world.conference_id) == "2026-11-23T16:00:00+00:00"
    assert not await emails_to(database, world.family_emails[0], "family_conference_moved")


async def test_the_web_spells_out_short_notice_and_asks_to_confirm(
    client: httpx.AsyncClient, database: Database
) -> None:
    world = await build_world(database)
    request_id = await approved_request(client, world)
    await sign_in(client, world.qa_email)
    url = f"/qa/conferences/{world.conference_id}/reschedule"
    form = {
        "date-day": "23",
        "date-month": "11",
        "date-year": "2026",
        "time-hour": "16",
        "time-minute": "00",
        "venue": "Room 2, Civic Centre",
    }
    first = await form_post(client, url, url, form)
    assert first.status_code == 409
    assert "Confirm the short notice" in first.text
    assert 'name="confirm_short_notice"' in first.text
    assert await request_status(database, request_id) == "seeking_consent"
    second = await form_post(client, url, url, {**form, "confirm_short_notice": "yes"})
    assert second.status_code == 303
    assert await request_status(database, request_id) == "lapsed"


async def test_stopping_a_trainees_sign_in_withdraws_their_requests(
    client: httpx.AsyncClient, database: Database, settings: Settings
) -> None:
    world = await build_world(database)
    request_id = await approved_request(client, world)
    paths = await consent_paths(database, settings, request_id)
    for member_id in world.family_ids:
        await answer(client, paths[member_id], "yes")
    assert await request_status(database, request_id) == "confirmed"
    async with database.write_session() as session:
        admin = await make_staff(session, role="admin", name="Ada Admin")
        await session.commit()
    await sign_in(client, admin.email)
    stopped = await form_post(client, "/admin", f"/admin/staff/{world.trainee_id}/deactivate", {})
    assert stopped.status_code == 303
    assert await request_status(database, request_id) == "withdrawn"
    cancels = [
        m for m in await emails_to(database, world.trainee_email) if m.template == "calendar_cancel"
    ]
    assert len(cancels) == 1
    page = await client.get(paths[world.family_ids[0]])
    assert "This request has ended" in page.text
    async with database.read_session() as session:
        trainee = await session.get(StaffUser, world.trainee_id)
    assert trainee is not None and not trainee.is_active


async def test_a_move_a_few_days_later_keeps_the_deadline_honest(
    client: httpx.AsyncClient, database: Database
) -> None:
    world = await build_world(database, days_ahead=10)
    await approved_request(client, world)
    headers = await qa_headers(client, world)
    later = await client.post(
        f"/api/v1/conferences/{world.conference_id}/reschedule",
        json={"starts_at": "2026-12-10T10:00:00+00:00"},
        headers=headers,
    )
    assert later.status_code == 200
    told = await emails_to(database, world.family_emails[1], "family_conference_moved")
    assert "Wednesday 9 December 2026 at 5:00pm" in (told[0].body_text or "")
