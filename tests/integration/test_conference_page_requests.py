"""QA's conference page lists the requests to observe it, with the same status words as the list."""

import httpx

from service.store.database import Database
from tests.support.factories import make_request
from tests.support.scenario import build_world
from tests.support.web import sign_in


async def test_the_conference_page_lists_its_requests_and_where_each_stands(
    client: httpx.AsyncClient, database: Database
) -> None:
    world = await build_world(database, reference="CP-WITH-REQUESTS")
    await sign_in(client, world.qa_email)
    empty = await client.get(f"/qa/conferences/{world.conference_id}")
    assert "No trainee has asked to observe this conference." in empty.text

    async with database.write_session() as session:
        withdrawn = await make_request(
            session,
            trainee_id=world.trainee_id,
            conference_id=world.conference_id,
            status="withdrawn",
        )
        waiting = await make_request(
            session, trainee_id=world.trainee_id, conference_id=world.conference_id
        )
        await session.commit()  # fmt: skip
    page = (await client.get(f"/qa/conferences/{world.conference_id}")).text
    requests = page.split('id="requests"')[1].split("Family members")[0]
    assert f'href="/qa/requests/{waiting.id}"' in requests
    assert f'href="/qa/requests/{withdrawn.id}"' in requests
    # Newest first, each with its status as QA's list shows it.
    assert requests.index(f"/qa/requests/{waiting.id}") < requests.index(
        f"/qa/requests/{withdrawn.id}"
    )
    assert "Waiting for a decision" in requests and "Withdrawn" in requests
    assert "Taylor Trainee" in requests
