"""QA's home leads with what needs doing now, oldest first, each with its one action, and
empties as the work is done. A list asked for by its status is the list alone.

The clock is NOW, Monday 23 November 2026 at 10:00 UTC.
"""

from datetime import timedelta

import httpx

from notifications.outbox import OutboxMessage
from service.domain.times import london_day
from service.settings import Settings
from service.store.database import Database
from service.store.tables import ObservationRequest
from service.usecases.steps.deadlines import answers_needed_for_start
from tests.support.factories import NOW, make_conference, make_family_member, make_request
from tests.support.scenario import build_world
from tests.support.web import form_post, sign_in


def _work(page: str) -> str:
    """The work list's part of QA's home page."""
    assert 'id="work"' in page, "the home page has no work list"
    return page.split('id="work"')[1].split('class="app-status-filter"')[0]


async def test_the_work_list_names_each_kind_of_work_oldest_first(
    client: httpx.AsyncClient, database: Database
) -> None:
    world = await build_world(database, reference="CP-WAITING")
    async with database.write_session() as session:
        waiting = await make_request(
            session,
            trainee_id=world.trainee_id,
            conference_id=world.conference_id,
            created_at=NOW - timedelta(days=3),
        )
        no_family = await make_conference(session, reference="CP-NO-FAMILY")
        await make_request(
            session,
            trainee_id=world.trainee_id,
            conference_id=no_family.id,
            created_at=NOW - timedelta(days=5),
        )
        started = await make_conference(
            session, reference="CP-STARTED", starts_at=NOW - timedelta(hours=1)
        )
        going = await make_request(
            session, trainee_id=world.trainee_id, conference_id=started.id, status="confirmed"
        )
        undelivered_to = await make_conference(session, reference="CP-UNDELIVERED")
        await make_family_member(session, conference_id=undelivered_to.id)
        asking = await make_request(
            session,
            trainee_id=world.trainee_id,
            conference_id=undelivered_to.id,
            status="seeking_consent",
        )
        session.add(
            OutboxMessage(
                created_at=NOW - timedelta(days=4),
                template="family_invitation",
                recipient_role="family",
                to_address="parent@family.example",
                subject="A request",
                next_attempt_at=NOW,
                status="permanent_failure",
                request_id=asking.id,
            )
        )
        await session.commit()  # fmt: skip
    await sign_in(client, world.qa_email)
    work = _work((await client.get("/qa")).text)

    # The request on the conference with no family is also waiting for a decision: five.
    assert "Needs doing now (5)" in work
    expected = [
        ("Finish the family list", f'href="/qa/conferences/{no_family.id}"'),
        ("Ask in person", f'href="/qa/requests/{asking.id}"'),
        ("Approve or decline", f'href="/qa/requests/{waiting.id}#approve"'),
        ("Record the chair&#39;s check", f'href="/qa/requests/{going.id}#chair-check"'),
    ]
    places = []
    for action, link in expected:
        assert action in work and link in work, action
        places.append(work.index(link))
    assert places == sorted(places), "oldest first"
    # A list asked for by its status is the list alone.
    assert 'id="work"' not in (await client.get("/qa?status=submitted")).text


async def test_answers_needed_today_are_on_the_work_list(
    client: httpx.AsyncClient, database: Database, settings: Settings
) -> None:
    world = await build_world(database)
    async with database.write_session() as session:
        # The first start, hour by hour, whose answers are needed on NOW's London day.
        starts = next(
            NOW + timedelta(hours=hours)
            for hours in range(1, 24 * 30)
            if london_day(answers_needed_for_start(settings, NOW + timedelta(hours=hours)))
            == london_day(NOW)
        )
        due = await make_conference(session, reference="CP-DUE-TODAY", starts_at=starts)
        await make_family_member(session, conference_id=due.id)
        asking = await make_request(
            session, trainee_id=world.trainee_id, conference_id=due.id, status="seeking_consent"
        )
        await session.commit()  # fmt: skip
    await sign_in(client, world.qa_email)
    work = _work((await client.get("/qa")).text)
    assert "Answers are needed today" in work
    assert f'href="/qa/requests/{asking.id}#record-answer"' in work


async def test_the_work_list_empties_as_the_work_is_done(
    client: httpx.AsyncClient, database: Database
) -> None:
    world = await build_world(database)
    async with database.write_session() as session:
        waiting = await make_request(
            session, trainee_id=world.trainee_id, conference_id=world.conference_id
        )
        await session.commit()  # fmt: skip
    await sign_in(client, world.qa_email)
    assert "Approve or decline" in _work((await client.get("/qa")).text)

    declined = await form_post(client, f"/qa/requests/{waiting.id}",
                               f"/qa/requests/{waiting.id}/decline",
                               {"reason": "The family has had a hard week."})  # fmt: skip
    assert declined.status_code == 303
    async with database.read_session() as session:
        decided = await session.get(ObservationRequest, waiting.id)
        assert decided is not None and decided.status == "declined"
    work = _work((await client.get("/qa")).text)
    assert "Nothing needs doing now." in work and "Approve or decline" not in work
