"""Withdrawing a request and stopping someone's sign-in each ask first, saying what will happen."""

import httpx

from service.store.database import Database
from service.store.tables import StaffUser
from tests.integration.test_qa_pages import a_request, signed_in_staff, status_of
from tests.support.factories import make_request, make_staff
from tests.support.scenario import build_world
from tests.support.web import form_post, sign_in


async def test_qa_withdraw_button_leads_to_a_page_that_says_who_is_told(
    client: httpx.AsyncClient, database: Database
) -> None:
    await signed_in_staff(client, database)
    request_id, _ = await a_request(database, status="confirmed")
    page = (await client.get(f"/qa/requests/{request_id}")).text
    confirm = f"/qa/requests/{request_id}/withdraw"
    assert f'href="{confirm}"' in page
    assert f'action="{confirm}"' not in page
    assert "Withdrawing ends the request at any point before the conference" in page
    asked = await client.get(confirm)
    assert asked.status_code == 200
    for text in (
        "Taylor Trainee is emailed that the request was withdrawn",
        "their calendar invitation is cancelled",
        "their links stop taking answers",
        "Yes, withdraw",
        "No, go back",
    ):
        assert text in asked.text
    assert await status_of(database, request_id) == "confirmed"
    done = await form_post(client, confirm, confirm, {})
    assert done.status_code == 303
    assert await status_of(database, request_id) == "withdrawn"
    # Nothing left to withdraw: the confirmation page sends QA back to the request.
    again = await client.get(confirm)
    assert again.status_code == 303
    assert again.headers["location"] == f"/qa/requests/{request_id}"


async def test_qa_withdrawing_an_undecided_request_says_the_family_was_not_asked(
    client: httpx.AsyncClient, database: Database
) -> None:
    await signed_in_staff(client, database)
    request_id, _ = await a_request(database)
    page = (await client.get(f"/qa/requests/{request_id}")).text
    assert "Declining is your decision not to approve" in page
    asked = (await client.get(f"/qa/requests/{request_id}/withdraw")).text
    assert "the family was not asked, and is not told" in asked
    assert "calendar invitation" not in asked


async def test_the_trainees_withdraw_button_asks_first(
    client: httpx.AsyncClient, database: Database
) -> None:
    world = await build_world(database)
    async with database.write_session() as session:
        request = await make_request(
            session, trainee_id=world.trainee_id, conference_id=world.conference_id
        )
        await session.commit()
    await sign_in(client, world.trainee_email)
    request_page = f"/trainee/requests/{request.id}"
    confirm = f"{request_page}/withdraw"
    page = (await client.get(request_page)).text
    assert f'href="{confirm}"' in page
    assert f'action="{confirm}"' not in page
    asked = await client.get(confirm)
    assert asked.status_code == 200
    assert "you will not observe this conference" in asked.text
    assert "Yes, withdraw" in asked.text
    assert f'href="{request_page}"' in asked.text
    done = await form_post(client, confirm, confirm, {})
    assert done.status_code == 303
    assert await status_of(database, request.id) == "withdrawn"
    assert (await client.get(confirm)).status_code == 303


async def test_stopping_a_trainees_sign_in_says_their_requests_are_withdrawn_first(
    client: httpx.AsyncClient, database: Database
) -> None:
    world = await build_world(database)
    admin = await signed_in_staff(client, database, role="admin")
    page = (await client.get("/admin")).text
    confirm = f"/admin/staff/{world.trainee_id}/deactivate"
    assert f'href="{confirm}"' in page
    assert f'action="{confirm}"' not in page
    assert f'href="/admin/staff/{admin.id}/deactivate"' not in page
    asked = await client.get(confirm)
    assert asked.status_code == 200
    for text in ("Every browser session and API token", "open requests", "Yes, stop their sign-in"):
        assert text in asked.text
    done = await form_post(client, confirm, confirm, {})
    assert done.status_code == 303
    async with database.read_session() as session:
        trainee = await session.get(StaffUser, world.trainee_id)
        assert trainee is not None and not trainee.is_active
    # Already stopped: nothing to confirm.
    assert (await client.get(confirm)).status_code == 303


async def test_stopping_a_qa_officers_sign_in_mentions_no_requests(
    client: httpx.AsyncClient, database: Database
) -> None:
    await signed_in_staff(client, database, role="admin")
    async with database.write_session() as session:
        qa = await make_staff(session, role="qa")
        await session.commit()
    asked = await client.get(f"/admin/staff/{qa.id}/deactivate")
    assert "Every browser session and API token" in asked.text
    assert "open requests" not in asked.text
