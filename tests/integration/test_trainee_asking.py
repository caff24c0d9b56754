"""A trainee is offered only what they can do, and told why the rest is not open, before any form.

The clock is NOW, Monday 23 November 2026; the world's conference is four weeks ahead (Monday 21
December), so with five working days' notice its requests close on Monday 14 December.
"""

from datetime import timedelta

import httpx

from service.store.database import Database
from tests.integration.test_staff_pages import ASK_FORM
from tests.support.factories import NOW, make_conference, make_request
from tests.support.scenario import World, build_world
from tests.support.web import form_post, sign_in


def _row(page: str, reference: str) -> str:
    """The home page's table row for one conference."""
    start = page.index(f">{reference}<")
    return page[start : page.index("</tr>", start)]


async def _other_trainees_request(database: Database, world: World) -> int:
    async with database.write_session() as session:
        other = await make_request(
            session,
            trainee_id=world.trainee_id + 1,  # the world's other trainee
            conference_id=world.conference_id,
        )
        await session.commit()
    assert other.id is not None
    return other.id


async def test_an_open_conference_offers_the_form_and_says_when_requests_close(
    client: httpx.AsyncClient, database: Database
) -> None:
    world = await build_world(database, reference="CP-OPEN")
    await sign_in(client, world.trainee_email)
    row = _row((await client.get("/trainee")).text, "CP-OPEN")
    assert f'href="/trainee/conferences/{world.conference_id}/ask"' in row
    assert "Requests close on Monday 14 December 2026" in row
    form = await client.get(f"/trainee/conferences/{world.conference_id}/ask")
    assert 'name="purpose"' in form.text
    assert "close at the end of Monday 14 December 2026" in form.text


async def test_a_conference_already_asked_about_links_to_the_request_not_the_form(
    client: httpx.AsyncClient, database: Database
) -> None:
    world = await build_world(database, reference="CP-MINE")
    await sign_in(client, world.trainee_email)
    asked = await form_post(
        client,
        f"/trainee/conferences/{world.conference_id}/ask",
        f"/trainee/conferences/{world.conference_id}/ask",
        ASK_FORM,
    )
    assert asked.status_code == 303
    request_path = asked.headers["location"].split("?")[0]

    row = _row((await client.get("/trainee")).text, "CP-MINE")
    assert "Already asked by you" in row and f'href="{request_path}"' in row
    assert "/ask" not in row

    page = await client.get(f"/trainee/conferences/{world.conference_id}/ask")
    assert page.status_code == 200
    assert "You have already asked to observe this conference" in page.text
    assert 'name="purpose"' not in page.text and f'href="{request_path}"' in page.text

    again = await form_post(client, "/trainee", f"/trainee/conferences/{world.conference_id}/ask",
                            ASK_FORM)  # fmt: skip
    assert again.status_code == 422
    assert "You have already asked to observe this conference" in again.text
    assert "Another trainee" not in again.text


async def test_a_conference_another_trainee_asked_about_says_so_and_offers_no_form(
    client: httpx.AsyncClient, database: Database
) -> None:
    world = await build_world(database, reference="CP-TAKEN")
    await _other_trainees_request(database, world)
    await sign_in(client, world.trainee_email)
    row = _row((await client.get("/trainee")).text, "CP-TAKEN")
    assert "Another trainee is observing" in row and "/ask" not in row
    page = await client.get(f"/trainee/conferences/{world.conference_id}/ask")
    assert "Another trainee has asked to observe this conference" in page.text
    assert 'name="purpose"' not in page.text


async def test_a_conference_too_soon_says_when_requests_closed_and_offers_no_form(
    client: httpx.AsyncClient, database: Database
) -> None:
    world = await build_world(database)
    async with database.write_session() as session:
        # Wednesday 25 November: five working days before it was Wednesday 18 November.
        soon = await make_conference(
            session, reference="CP-SOON", starts_at=NOW + timedelta(days=2)
        )
        await session.commit()
    await sign_in(client, world.trainee_email)
    row = _row((await client.get("/trainee")).text, "CP-SOON")
    assert "Too soon: requests closed on Wednesday 18 November 2026" in row
    assert "/ask" not in row
    page = await client.get(f"/trainee/conferences/{soon.id}/ask")
    assert page.status_code == 200
    assert "requests for this conference closed on Wednesday 18 November 2026" in page.text
    assert 'name="purpose"' not in page.text


async def test_a_finished_request_of_their_own_lets_a_trainee_ask_again(
    client: httpx.AsyncClient, database: Database
) -> None:
    world = await build_world(database, reference="CP-AGAIN")
    async with database.write_session() as session:
        await make_request(session, trainee_id=world.trainee_id,
                           conference_id=world.conference_id, status="withdrawn")  # fmt: skip
        await session.commit()
    await sign_in(client, world.trainee_email)
    row = _row((await client.get("/trainee")).text, "CP-AGAIN")
    assert f'href="/trainee/conferences/{world.conference_id}/ask"' in row
