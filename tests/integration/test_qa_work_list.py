"""QA's home leads with what needs doing now, oldest first, each with its one action, and
empties as the work is done. A list asked for by its status is the list alone.

The clock is NOW, Monday 23 November 2026 at 10:00 UTC.
"""

import re
from datetime import timedelta

import httpx
from sqlalchemy import select, update
from sqlmodel import col

from notifications.outbox import DeliveryStatus, OutboxMessage
from service.domain.times import london_day
from service.settings import Settings
from service.store.database import Database
from service.store.tables import ConsentInvitation, ObservationRequest
from service.usecases.steps.deadlines import answers_needed_for_start
from tests.support.consent import approved_request
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


def _nav_count(page: str) -> str | None:
    """What the navigation's Requests item says needs doing, if anything."""
    navigation = page.split('aria-label="Main menu"')[1].split("</nav>")[0]
    found = re.search(
        r"Requests \((\d+)<span class=\"govuk-visually-hidden\"> need doing now", navigation
    )
    return found.group(1) if found else None


async def test_every_qa_page_counts_what_needs_doing_in_the_navigation(
    client: httpx.AsyncClient, second_client: httpx.AsyncClient, database: Database
) -> None:
    world = await build_world(database)
    async with database.write_session() as session:
        first = await make_request(
            session, trainee_id=world.trainee_id, conference_id=world.conference_id
        )
        no_family = await make_conference(session, reference="CP-NO-FAMILY")
        await make_request(session, trainee_id=world.trainee_id, conference_id=no_family.id)
        await session.commit()  # fmt: skip
    await sign_in(client, world.qa_email)
    home = (await client.get("/qa")).text
    # Two to decide and one family list to finish: the work list's own count.
    assert "Needs doing now (3)" in home
    for page in ("/qa", "/qa?status=finished", "/qa/conferences", f"/qa/requests/{first.id}",
                 f"/qa/conferences/{no_family.id}", "/qa/statistics"):  # fmt: skip
        shown = await client.get(page)
        assert shown.status_code == 200, page
        assert _nav_count(shown.text) == "3", page

    declined = await form_post(client, f"/qa/requests/{first.id}",
                               f"/qa/requests/{first.id}/decline",
                               {"reason": "The family has had a hard week."})  # fmt: skip
    assert declined.status_code == 303
    assert _nav_count((await client.get(declined.headers["location"])).text) == "2"

    # Nobody else's navigation counts QA's work.
    await sign_in(second_client, world.trainee_email)
    assert _nav_count((await second_client.get("/trainee")).text) is None


async def test_nothing_to_do_shows_no_count(client: httpx.AsyncClient, database: Database) -> None:
    world = await build_world(database)
    await sign_in(client, world.qa_email)
    page = (await client.get("/qa/conferences")).text
    assert _nav_count(page) is None
    assert ">Requests<" in page.split('aria-label="Main menu"')[1]


async def test_asking_in_person_leaves_the_work_list_once_their_answer_is_recorded(
    client: httpx.AsyncClient, database: Database
) -> None:
    world = await build_world(database)
    request_id = await approved_request(client, world)
    mother_email, mother_id = world.family_emails[0], world.family_ids[0]
    async with database.write_session() as session:
        await session.execute(
            update(OutboxMessage)
            .where(col(OutboxMessage.to_address) == mother_email)
            .values(status=DeliveryStatus.PERMANENT_FAILURE.value)
        )
        invitation = (
            await session.scalars(
                select(ConsentInvitation).where(
                    col(ConsentInvitation.family_member_id) == mother_id
                )
            )
        ).one()
        await session.commit()
    await sign_in(client, world.qa_email)
    ask = f'href="/qa/requests/{request_id}"'
    assert "Ask in person" in _work((await client.get("/qa")).text)

    recorded = await form_post(
        client,
        f"/qa/requests/{request_id}",
        f"/qa/requests/{request_id}/answers",
        {"invitation_id": str(invitation.id), "answer": "yes", "channel": "in_person"},
    )
    assert recorded.status_code == 303, recorded.text
    work = _work((await client.get("/qa")).text)
    assert "Ask in person" not in work and ask not in work
