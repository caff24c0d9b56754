"""QA pages: who may open them, CSRF, ids that do not exist, and the lists."""

from datetime import timedelta
from typing import Any

import httpx
from sqlalchemy import func, select

from service.store.database import Database
from service.store.tables import (
    AuditEntry,
    Conference,
    ConsentAnswer,
    ConsentInvitation,
    FamilyMember,
    ObservationRequest,
    StaffUser,
)
from tests.support.factories import (
    NOW,
    make_conference,
    make_family_member,
    make_request,
    make_staff,
)
from tests.support.web import csrf_from, sign_in

TABLES = (
    Conference,
    FamilyMember,
    ObservationRequest,
    ConsentInvitation,
    ConsentAnswer,
    AuditEntry,
)


async def signed_in_staff(
    client: httpx.AsyncClient, database: Database, role: str = "qa", **overrides: Any
) -> StaffUser:
    """A member of staff with this role, signed in on this client."""
    async with database.write_session() as session:
        user = await make_staff(session, role=role, **overrides)
        await session.commit()
    await sign_in(client, user.email)
    return user


async def a_request(
    database: Database, *, family: list[dict[str, Any]] | None = None, **overrides: Any
) -> tuple[int, int]:
    """A trainee's request about a conference four weeks ahead; returns (request, conference)."""
    async with database.write_session() as session:
        trainee = await make_staff(session, role="trainee", name="Taylor Trainee")
        conference = await make_conference(session)
        assert conference.id is not None and trainee.id is not None
        for person in family if family is not None else [{}]:
            await make_family_member(session, conference_id=conference.id, **person)
        request = await make_request(
            session, trainee_id=trainee.id, conference_id=conference.id, **overrides
        )
        await session.commit()
        assert request.id is not None
        return request.id, conference.id


async def snapshot(database: Database) -> tuple[object, ...]:
    """Row counts of every table an action writes to, and each request's status and version."""
    async with database.read_session() as session:
        counts = [await session.scalar(select(func.count()).select_from(table)) for table in TABLES]
        requests = (await session.scalars(select(ObservationRequest))).all()
        conferences = (await session.scalars(select(Conference))).all()
    return (
        *counts,
        tuple((r.id, r.status, r.version) for r in requests),
        tuple((c.id, c.starts_at, c.cancelled_at, c.version) for c in conferences),
    )


async def status_of(database: Database, request_id: int) -> str:
    """A request's status as stored."""
    async with database.read_session() as session:
        request = await session.get(ObservationRequest, request_id)
    assert request is not None
    return request.status


def qa_pages(conference_id: object, request_id: object) -> list[str]:
    """Every QA page."""
    c, r = conference_id, request_id
    return [
        "/qa",
        "/qa?status=finished",
        "/qa/conferences",
        "/qa/conferences/new",
        f"/qa/conferences/{c}",
        f"/qa/conferences/{c}/family-members/new",
        f"/qa/conferences/{c}/reschedule",
        f"/qa/conferences/{c}/cancel",
        f"/qa/requests/{r}",
    ]


def qa_posts(conference_id: object, request_id: object) -> list[str]:
    """Every QA form's action."""
    c, r = conference_id, request_id
    return [
        "/qa/conferences/new",
        f"/qa/conferences/{c}/family-members/new",
        f"/qa/conferences/{c}/reschedule",
        f"/qa/conferences/{c}/cancel",
        *(f"/qa/requests/{r}/{action}" for action in ACTIONS),
    ]


ACTIONS = ("approve", "decline", "withdraw", "answers", "chair-check")


async def test_every_qa_page_renders_for_qa(client: httpx.AsyncClient, database: Database) -> None:
    await signed_in_staff(client, database)
    request_id, conference_id = await a_request(database)
    for url in qa_pages(conference_id, request_id):
        response = await client.get(url)
        assert response.status_code == 200, (url, response.text)
        assert 'name="csrf_token"' in response.text


async def test_a_trainee_gets_403_on_every_qa_page_and_post(
    client: httpx.AsyncClient, database: Database
) -> None:
    await signed_in_staff(client, database, role="trainee")
    request_id, conference_id = await a_request(database)
    for url in qa_pages(conference_id, request_id):
        assert (await client.get(url)).status_code == 403, url
    refused = await client.get("/qa")
    token = csrf_from(refused.text)  # the trainee's own, valid CSRF value: the role refuses
    before = await snapshot(database)
    for url in qa_posts(conference_id, request_id):
        response = await client.post(url, data={"csrf_token": token, "reason": "No"})
        assert response.status_code == 403, url
    assert await snapshot(database) == before


async def test_signed_out_people_are_sent_to_sign_in(
    client: httpx.AsyncClient, database: Database
) -> None:
    request_id, conference_id = await a_request(database)
    before = await snapshot(database)
    for url in qa_pages(conference_id, request_id):
        response = await client.get(url)
        assert response.status_code == 303, url
        assert response.headers["location"] == "/sign-in"
    for url in qa_posts(conference_id, request_id):
        response = await client.post(url, data={"reason": "No"})
        assert response.status_code == 303, url
        assert response.headers["location"] == "/sign-in"
    assert await snapshot(database) == before


async def test_a_post_without_the_csrf_value_is_refused_and_changes_nothing(
    client: httpx.AsyncClient, database: Database
) -> None:
    await signed_in_staff(client, database)
    request_id, conference_id = await a_request(database)
    before = await snapshot(database)
    for url in qa_posts(conference_id, request_id):
        missing = await client.post(url, data={"reason": "Not this time", "outcome": "observed"})
        assert missing.status_code == 403, url
        wrong = await client.post(url, data={"csrf_token": "x" * 32, "reason": "Not this time"})
        assert wrong.status_code == 403, url
    assert await snapshot(database) == before


BAD_IDS = ("999999", str(2**31 - 1), str(2**31), str(2**63), "9" * 40, "-1", "0", "abc")


async def test_huge_negative_and_unknown_ids_are_404_or_422_never_500(
    client: httpx.AsyncClient, database: Database
) -> None:
    await signed_in_staff(client, database)
    token = csrf_from((await client.get("/qa")).text)
    data = {"csrf_token": token, "reason": "Not now", "outcome": "observed", "answer": "yes"}
    for bad in BAD_IDS:
        for url in qa_pages(bad, bad)[4:]:
            response = await client.get(url)
            assert response.status_code in (404, 422), (url, response.status_code)
        for url in qa_posts(bad, bad)[1:]:
            response = await client.post(url, data=data)
            assert response.status_code in (404, 422), (url, response.status_code)
    for query in ("before_id=-5", "before_id=99999999999999999999", "status=bogus", "page=0"):
        for page in ("/qa", "/qa/conferences"):
            response = await client.get(f"{page}?{query}")
            assert response.status_code in (200, 422), (page, query, response.status_code)


async def test_the_requests_list_shows_each_state_with_times_and_a_tag(
    client: httpx.AsyncClient, database: Database
) -> None:
    await signed_in_staff(client, database)
    waiting, _ = await a_request(database)
    declined, _ = await a_request(database, status="declined", decline_reason="Full")
    page = await client.get("/qa")
    assert f"/qa/requests/{waiting}" in page.text
    assert f"/qa/requests/{declined}" not in page.text
    assert "Waiting for your decision" in page.text
    assert "Taylor Trainee" in page.text
    assert "Monday 21 December 2026 at 10:00am" in page.text  # the conference
    assert "Friday 18 December 2026 at 5:00pm" in page.text  # answers needed by
    finished = await client.get("/qa?status=finished")
    assert f"/qa/requests/{declined}" in finished.text
    assert f"/qa/requests/{waiting}" not in finished.text
    assert "govuk-tag" in finished.text and "Declined" in finished.text


async def test_the_requests_list_pages_fifty_at_a_time(
    client: httpx.AsyncClient, database: Database
) -> None:
    await signed_in_staff(client, database)
    async with database.write_session() as session:
        trainee = await make_staff(session)
        conference = await make_conference(session)
        ids = [
            (await make_request(session, trainee_id=trainee.id, conference_id=conference.id)).id
            for _ in range(51)
        ]
        await session.commit()
    # The list alone (QA's home adds the work list, which names every request to decide).
    first = await client.get("/qa?status=submitted")
    assert first.text.count('href="/qa/requests/') == 50
    assert f'/qa/requests/{ids[0]}"' not in first.text
    assert "Next page" in first.text
    next_url = f"/qa?status=submitted&amp;before_id={ids[1]}"
    assert next_url in first.text
    second = await client.get(next_url.replace("&amp;", "&"))
    assert second.text.count('href="/qa/requests/') == 1
    assert f'/qa/requests/{ids[0]}"' in second.text
    assert "Next page" not in second.text


async def test_the_conferences_list_shows_conferences_from_today(
    client: httpx.AsyncClient, database: Database
) -> None:
    await signed_in_staff(client, database)
    async with database.write_session() as session:
        await make_conference(session, reference="CP-AHEAD")
        await make_conference(session, reference="CP-GONE", starts_at=NOW - timedelta(days=1))
        await session.commit()
    page = await client.get("/qa/conferences")
    assert page.status_code == 200
    assert "CP-AHEAD" in page.text
    assert "CP-GONE" not in page.text
    assert "Open to observers" in page.text
