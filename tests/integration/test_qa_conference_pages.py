"""QA records conferences and families, moves and cancels conferences, through the pages."""

from datetime import UTC, date, datetime

import httpx
import pytest
from sqlalchemy import func, select

from service.domain.errors import InvalidConferenceTime
from service.store.database import Database
from service.store.tables import Conference, FamilyMember, ObservationRequest
from service.usecases.conferences import record_conference
from tests.integration.test_qa_pages import a_request, signed_in_staff, snapshot, status_of
from tests.support.factories import NOW, make_conference, make_family_member
from tests.support.web import form_post


def conference_form(**changes: str) -> dict[str, str]:
    """A complete conference form, changed where a test says."""
    data = {
        "reference": "CP-2027-001",
        "kind": "initial",
        "date-day": "15",
        "date-month": "6",
        "date-year": "2027",
        "time-hour": "10",
        "time-minute": "00",
        "duration_minutes": "90",
        "venue": "Room 2, Civic Centre",
        "open_to_observers": "yes",
    }
    data.update(changes)
    return data


async def record(client: httpx.AsyncClient, **changes: str) -> httpx.Response:
    """Post the conference form from its page."""
    return await form_post(
        client, "/qa/conferences/new", "/qa/conferences/new", conference_form(**changes)
    )


async def stored_conference(database: Database, reference: str) -> Conference | None:
    """The conference with this reference, if any."""
    async with database.read_session() as session:
        found = await session.scalars(select(Conference).where(Conference.reference == reference))
        return found.first()


async def count(database: Database, table: type) -> int:
    """How many rows a table has."""
    async with database.read_session() as session:
        return int(await session.scalar(select(func.count()).select_from(table)) or 0)


async def test_recording_a_conference_stores_the_uk_time_and_shows_it(
    client: httpx.AsyncClient, database: Database
) -> None:
    await signed_in_staff(client, database)
    response = await record(client)
    assert response.status_code == 303
    stored = await stored_conference(database, "CP-2027-001")
    assert stored is not None
    assert response.headers["location"] == f"/qa/conferences/{stored.id}?done=recorded"
    assert stored.starts_at == datetime(2027, 6, 15, 9, 0, tzinfo=UTC)  # 10:00 BST
    assert stored.open_to_observers and stored.kind == "initial" and stored.duration_minutes == 90
    page = await client.get(response.headers["location"])
    assert "The conference has been recorded." in page.text
    assert "Tuesday 15 June 2027 at 10:00am" in page.text


async def test_a_conference_at_ten_on_the_day_the_clocks_change_is_at_ten_uk_time(
    client: httpx.AsyncClient, database: Database
) -> None:
    await signed_in_staff(client, database)
    spring = await record(client, **{"date-day": "28", "date-month": "3"})
    autumn = await record(client, reference="CP-AUTUMN", **{"date-day": "31", "date-month": "10"})
    assert spring.status_code == autumn.status_code == 303
    spring_row = await stored_conference(database, "CP-2027-001")
    autumn_row = await stored_conference(database, "CP-AUTUMN")
    assert spring_row is not None and autumn_row is not None
    assert spring_row.starts_at == datetime(2027, 3, 28, 9, 0, tzinfo=UTC)
    assert autumn_row.starts_at == datetime(2027, 10, 31, 10, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("day", "month", "message"),
    [
        ("28", "3", "there is no 01:30"),
        ("31", "10", "01:30 happens twice"),
    ],
)
async def test_a_time_the_clocks_skip_or_repeat_is_refused(
    client: httpx.AsyncClient, database: Database, day: str, month: str, message: str
) -> None:
    await signed_in_staff(client, database)
    response = await record(
        client, **{"date-day": day, "date-month": month, "time-hour": "1", "time-minute": "30"}
    )
    assert response.status_code == 422
    assert message in response.text
    assert 'href="#time-hour"' in response.text
    assert await count(database, Conference) == 0


async def test_recording_a_conference_with_missing_fields_shows_every_error_and_writes_nothing(
    client: httpx.AsyncClient, database: Database
) -> None:
    await signed_in_staff(client, database)
    empty = {name: "" for name in conference_form()}
    response = await form_post(client, "/qa/conferences/new", "/qa/conferences/new", empty)
    assert response.status_code == 422
    assert "There is a problem" in response.text
    for href, message in [
        ("#reference", "Enter the conference reference"),
        ("#kind", "Choose whether this is an initial or a review conference"),
        ("#date-day", "Enter the date of the conference"),
        ("#time-hour", "Enter the time the conference starts"),
        ("#duration-minutes", "Enter the length in minutes"),
        ("#venue", "Enter where the conference will be held"),
        ("#open-to-observers", "Choose whether a trainee may ask to observe"),
    ]:
        assert f'href="{href}"' in response.text, href
        assert message in response.text, message
    assert response.text.index("#reference") < response.text.index("#date-day")
    assert await count(database, Conference) == 0


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"date-day": "31", "date-month": "2"}, "must be a real date"),
        ({"date-month": ""}, "must include a month"),
        ({"date-year": "27"}, "Year must include 4 numbers"),
        ({"time-hour": "24"}, "Enter a real time on the 24-hour clock"),
        ({"time-minute": ""}, "The time must include a minute"),
        ({"duration_minutes": "ninety"}, "a whole number from 15 to 480"),
        ({"duration_minutes": "9" * 30}, "a whole number from 15 to 480"),
        ({"reference": "x" * 51}, "up to 50 characters"),
        ({"reference": "CP\x00"}, "Enter the conference reference"),
        ({"kind": "other"}, "initial or a review"),
    ],
)
async def test_wrong_values_are_refused_with_a_message(
    client: httpx.AsyncClient, database: Database, changes: dict[str, str], message: str
) -> None:
    await signed_in_staff(client, database)
    response = await record(client, **changes)
    assert response.status_code == 422
    assert message in response.text
    assert await count(database, Conference) == 0


async def test_a_past_time_is_refused(client: httpx.AsyncClient, database: Database) -> None:
    await signed_in_staff(client, database)
    response = await record(client, **{"date-day": "20", "date-month": "11", "date-year": "2026"})
    assert response.status_code == 422
    assert 'href="#date-day"' in response.text
    assert await count(database, Conference) == 0


async def test_a_naive_time_is_refused_by_the_use_case_the_page_calls(
    database: Database,
) -> None:
    # The page always builds an aware time from Europe/London, so this is the guard behind it.
    async with database.write_session() as session:
        with pytest.raises(InvalidConferenceTime):
            await record_conference(
                session,
                now=NOW,
                qa_user_id=1,
                reference="CP-NAIVE",
                kind="initial",
                starts_at=datetime(2027, 6, 15, 10, 0),
                duration_minutes=90,
                venue="Room 2",
                open_to_observers=True,
            )
    assert await count(database, Conference) == 0


async def test_a_duplicate_reference_is_refused(
    client: httpx.AsyncClient, database: Database
) -> None:
    await signed_in_staff(client, database)
    assert (await record(client)).status_code == 303
    again = await record(client, venue="Room 9")
    assert again.status_code == 422
    assert "There is already a conference with the reference CP-2027-001" in again.text
    assert 'href="#reference"' in again.text
    assert 'value="Room 9"' in again.text  # what was typed is kept
    assert await count(database, Conference) == 1


def family_form(**changes: str) -> dict[str, str]:
    """A child judged able to decide, who must not be emailed."""
    data = {
        "name": "Samira Wolstenholme",
        "relationship": "Daughter",
        "email": "",
        "child_or_adult": "child",
        "date_of_birth-day": "1",
        "date_of_birth-month": "5",
        "date_of_birth-year": "2013",
        "has_parental_responsibility": "no",
        "sufficient_understanding": "yes",
        "understanding_judged_by": "Priya Shah, social worker",
        "do_not_email": "yes",
    }
    data.update(changes)
    return data


async def add_member(
    client: httpx.AsyncClient, conference_id: int, **changes: str
) -> httpx.Response:
    """Post the family member form from its page."""
    url = f"/qa/conferences/{conference_id}/family-members/new"
    return await form_post(client, url, url, family_form(**changes))


async def empty_conference(database: Database) -> int:
    """A conference with nobody listed yet."""
    async with database.write_session() as session:
        conference = await make_conference(session)
        await session.commit()
    assert conference.id is not None
    return conference.id


async def test_adding_a_child_records_the_judgement_and_safe_contact(
    client: httpx.AsyncClient, database: Database
) -> None:
    await signed_in_staff(client, database)
    conference_id = await empty_conference(database)
    form_page = await client.get(f"/qa/conferences/{conference_id}/family-members/new")
    assert "age alone never decides" in form_page.text
    assert "if someone else may read their messages or post" in form_page.text
    response = await add_member(client, conference_id)
    assert response.status_code == 303
    assert response.headers["location"] == f"/qa/conferences/{conference_id}?done=member_added"
    async with database.read_session() as session:
        member = (await session.scalars(select(FamilyMember))).one()
    assert member.is_child and member.sufficient_understanding is True
    assert member.understanding_judged_by == "Priya Shah, social worker"
    assert member.contact_by_email is False and member.email is None
    assert member.date_of_birth == date(2013, 5, 1)
    page = await client.get(response.headers["location"])
    assert "The family member has been added." in page.text
    assert "Samira Wolstenholme" in page.text
    assert "Ask in person" in page.text
    assert "judged by Priya Shah, social worker" in page.text


@pytest.mark.parametrize(
    ("changes", "href", "message"),
    [
        ({"sufficient_understanding": ""}, "#sufficient-understanding", "sufficient understanding"),
        ({"understanding_judged_by": ""}, "#understanding-judged-by", "Say who judged"),
        ({"do_not_email": ""}, "#email", "Enter an email address"),
        ({"do_not_email": "", "email": "not-an-address"}, "#email", "is not an email address"),
        ({"date_of_birth-year": "2030"}, "#date-of-birth-day", "must be in the past"),
        ({"child_or_adult": ""}, "#child-or-adult", "child or an adult"),
        ({"name": ""}, "#name", "full name"),
    ],
)
async def test_a_family_member_that_could_not_be_acted_on_is_refused(
    client: httpx.AsyncClient,
    database: Database,
    changes: dict[str, str],
    href: str,
    message: str,
) -> None:
    await signed_in_staff(client, database)
    conference_id = await empty_conference(database)
    response = await add_member(client, conference_id, **changes)
    assert response.status_code == 422
    assert f'href="{href}"' in response.text
    assert message in response.text
    assert await count(database, FamilyMember) == 0


async def test_moving_a_conference_shows_its_current_time_then_changes_it(
    client: httpx.AsyncClient, database: Database
) -> None:
    await signed_in_staff(client, database)
    conference_id = await empty_conference(database)
    url = f"/qa/conferences/{conference_id}/reschedule"
    page = await client.get(url)
    assert 'value="21"' in page.text and 'value="2026"' in page.text
    moved = await form_post(
        client,
        url,
        url,
        {
            "date-day": "22",
            "date-month": "12",
            "date-year": "2026",
            "time-hour": "14",
            "time-minute": "30",
            "venue": "",
        },
    )
    assert moved.status_code == 303
    assert moved.headers["location"] == f"/qa/conferences/{conference_id}?done=rescheduled"
    async with database.read_session() as session:
        conference = await session.get(Conference, conference_id)
    assert conference is not None
    assert conference.starts_at == datetime(2026, 12, 22, 14, 30, tzinfo=UTC)
    assert conference.venue == "Room 2, Civic Centre"  # an empty venue keeps the old one


async def test_moving_a_conference_into_the_past_is_refused(
    client: httpx.AsyncClient, database: Database
) -> None:
    await signed_in_staff(client, database)
    conference_id = await empty_conference(database)
    url = f"/qa/conferences/{conference_id}/reschedule"
    before = await snapshot(database)
    response = await form_post(
        client,
        url,
        url,
        {
            "date-day": "1",
            "date-month": "1",
            "date-year": "2026",
            "time-hour": "9",
            "time-minute": "0",
        },
    )
    assert response.status_code == 422
    assert "There is a problem" in response.text
    assert await snapshot(database) == before


async def test_cancelling_asks_first_then_cancels_the_conference_and_its_open_request(
    client: httpx.AsyncClient, database: Database
) -> None:
    await signed_in_staff(client, database)
    request_id, conference_id = await a_request(database)
    url = f"/qa/conferences/{conference_id}/cancel"
    before = await snapshot(database)
    question = await client.get(url)
    assert "Are you sure you want to cancel conference" in question.text
    assert await snapshot(database) == before  # asking changes nothing
    response = await form_post(client, url, url, {})
    assert response.status_code == 303
    assert response.headers["location"] == f"/qa/conferences/{conference_id}?done=cancelled"
    async with database.read_session() as session:
        conference = await session.get(Conference, conference_id)
    assert conference is not None and conference.cancelled_at is not None
    assert await status_of(database, request_id) == "cancelled"
    again = await form_post(client, f"/qa/conferences/{conference_id}", url, {})
    assert again.status_code == 409
    assert "already cancelled" in again.text


async def test_the_conference_page_lists_the_family_with_what_qa_recorded(
    client: httpx.AsyncClient, database: Database
) -> None:
    await signed_in_staff(client, database)
    async with database.write_session() as session:
        conference = await make_conference(session)
        await make_family_member(
            session, conference_id=conference.id, name="Alexandra Zebedee", relationship="Mother"
        )
        await make_family_member(
            session,
            conference_id=conference.id,
            name="Sam Young",
            relationship="Son",
            is_child=True,
            has_parental_responsibility=False,
            contact_by_email=False,
            email=None,
            date_of_birth=date(2016, 2, 3),
        )
        await session.commit()
    page = await client.get(f"/qa/conferences/{conference.id}")
    assert "Alexandra Zebedee" in page.text and "Mother" in page.text
    assert "Sam Young" in page.text and "Wednesday 3 February 2016" in page.text
    assert "Not yet judged" in page.text
    assert "Ask in person" in page.text
    assert await count(database, ObservationRequest) == 0
