"""A no is final for the conference: it closes to observers, and nobody is asked again."""

import httpx
import pytest

from service.settings import Settings
from service.store.database import Database
from service.store.tables import Conference
from tests.integration.consent_promise.helpers import emails_to, request_status
from tests.support.clock import FrozenClock
from tests.support.consent import answer, approved_request, consent_paths
from tests.support.scenario import build_world, request_body
from tests.support.web import api_token, form_post, sign_in


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """Two observers may ask about one conference, so a second request can be open meanwhile."""
    return settings.model_copy(update={"max_observers_per_conference": 2})


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def test_after_a_no_the_conference_is_closed_for_good(
    client: httpx.AsyncClient, database: Database, settings: Settings
) -> None:
    world = await build_world(database)
    other = await api_token(client, world.other_trainee_email)
    waiting = await client.post(
        "/api/v1/observation-requests",
        json=request_body(world.conference_id),
        headers=bearer(other),
    )
    assert waiting.status_code == 201
    request_id = await approved_request(client, world)
    paths = await consent_paths(database, settings, request_id)
    said_no = await answer(client, paths[world.family_ids[0]], "no")
    assert said_no.status_code == 303
    assert await request_status(database, request_id) == "not_going_ahead"
    # The other trainee's request ends too: the family is never asked about it.
    assert await request_status(database, int(waiting.json()["id"])) == "not_going_ahead"

    listed = await client.get("/api/v1/conferences?open=true", headers=bearer(other))
    assert world.conference_id not in [c["id"] for c in listed.json()]
    again = await client.post(
        "/api/v1/observation-requests",
        json=request_body(world.conference_id),
        headers=bearer(other),
    )
    assert again.status_code == 422
    assert again.json()["detail"] == (
        "This conference is no longer open to observers. Choose another conference."
    )

    qa = await api_token(client, world.qa_email)
    conferences = await client.get("/api/v1/conferences", headers=bearer(qa))
    ours = next(c for c in conferences.json() if c["id"] == world.conference_id)
    assert ours["family_said_no"] is True
    await sign_in(client, world.qa_email)
    page = await client.get(f"/qa/conferences/{world.conference_id}")
    assert "Closed to observers for good" in page.text
    assert f"request {request_id}" in page.text


async def test_qa_cannot_approve_a_request_after_the_family_said_no(
    client: httpx.AsyncClient, database: Database, settings: Settings
) -> None:
    world = await build_world(database)
    request_id = await approved_request(client, world)
    # A second request arrives while the family is being asked, before anyone says no.
    other = await api_token(client, world.other_trainee_email)
    second = await client.post(
        "/api/v1/observation-requests",
        json=request_body(world.conference_id),
        headers=bearer(other),
    )
    second_id = int(second.json()["id"])
    paths = await consent_paths(database, settings, request_id)
    await answer(client, paths[world.family_ids[1]], "no")
    qa = await api_token(client, world.qa_email)
    approve = await client.post(
        f"/api/v1/observation-requests/{second_id}/approve", headers=bearer(qa)
    )
    assert approve.status_code == 409
    assert approve.json()["detail"] == (
        "Someone in the family has said no to an observer at this conference, so the family "
        "cannot be asked again."
    )
    assert await request_status(database, second_id) == "not_going_ahead"
    father = world.family_emails[1]
    invitations = await emails_to(database, father, "family_invitation")
    assert len(invitations) == 1, "the parent who said no is never asked again"


async def test_a_withdrawal_at_the_chairs_check_closes_the_conference_too(
    client: httpx.AsyncClient, database: Database, settings: Settings, clock: FrozenClock
) -> None:
    world = await build_world(database)
    request_id = await approved_request(client, world)
    paths = await consent_paths(database, settings, request_id)
    for member_id in world.family_ids:
        await answer(client, paths[member_id], "yes")
    assert await request_status(database, request_id) == "confirmed"
    async with database.read_session() as session:
        conference = await session.get(Conference, world.conference_id)
        assert conference is not None
    clock.set(conference.starts_at)
    qa = await api_token(client, world.qa_email)
    checked = await client.post(
        f"/api/v1/observation-requests/{request_id}/chair-check",
        json={"outcome": "family_withdrew"},
        headers=bearer(qa),
    )
    assert checked.status_code == 200, checked.text
    conferences = await client.get("/api/v1/conferences", headers=bearer(qa))
    assert all(c["id"] != world.conference_id or c["family_said_no"] for c in conferences.json())


async def test_the_receipt_for_a_no_promises_no_link(
    client: httpx.AsyncClient, database: Database, settings: Settings
) -> None:
    world = await build_world(database)
    request_id = await approved_request(client, world)
    paths = await consent_paths(database, settings, request_id)
    await answer(client, paths[world.family_ids[0]], "yes")
    await answer(client, paths[world.family_ids[1]], "no")
    yes_receipt = (await emails_to(database, world.family_emails[0], "family_answer_receipt"))[0]
    no_receipt = (await emails_to(database, world.family_emails[1], "family_answer_receipt"))[0]
    assert "You can change your answer until the meeting starts" in (yes_receipt.body_text or "")
    assert "/consent/" in (yes_receipt.body_text or "")
    for body in (no_receipt.body_text or "", no_receipt.body_html or ""):
        assert "You said no" in body
        assert "/consent/" not in body
        assert "change your answer" not in body
        assert "You do not need to do anything else." in body
    # And the link itself says what the receipt says: nothing more to do.
    page = await client.get(paths[world.family_ids[1]])
    assert "You do not need to do anything else" in page.text
    assert 'name="decision"' not in page.text


async def test_the_ask_form_gives_the_same_plain_answer(
    client: httpx.AsyncClient, database: Database, settings: Settings
) -> None:
    world = await build_world(database)
    request_id = await approved_request(client, world)
    paths = await consent_paths(database, settings, request_id)
    await answer(client, paths[world.family_ids[2]], "no")
    await sign_in(client, world.other_trainee_email)
    url = f"/trainee/conferences/{world.conference_id}/ask"
    response = await form_post(
        client,
        url,
        url,
        {
            "role": "Student social worker",
            "organisation": "Children's Services",
            "purpose": "To learn.",
            "supervisor_name": "Sam Supervisor",
            "supervisor_email": "supervisor@council.example",
            "confidentiality_acknowledged": "yes",
        },
    )
    assert response.status_code == 422
    assert "This conference is no longer open to observers" in response.text
    assert 'href="#conference"' in response.text
    home = await client.get("/trainee")
    assert f"/trainee/conferences/{world.conference_id}/ask" not in home.text
