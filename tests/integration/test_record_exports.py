"""Printed records: the full one for QA, and one family member's own, without anyone else's."""

import os
import re

import httpx
import pytest
from sqlalchemy import select

from service.pdf import pdf_available
from service.settings import Settings
from service.store.database import Database
from service.store.tables import AuditEntry, ConsentAnswer
from tests.support.consent import answer, approved_request, consent_paths
from tests.support.scenario import World, build_world
from tests.support.web import sign_in

# Anything a browser would fetch or run: none of it may appear in a printed record.
_FETCHES = re.compile(
    r"<script|<link|<img|<iframe|<object|<embed|<base|\bsrc=|url\(|@import|https?://", re.I
)
MOTHER_SAYS = "Happy to help"
FATHER_SAYS = "Not comfortable with a stranger there"


async def one_said_no(
    client: httpx.AsyncClient, database: Database, settings: Settings, world: World
) -> int:
    """The mother said yes and the father no, each with a comment; QA is signed in."""
    request_id = await approved_request(client, world)
    paths = await consent_paths(database, settings, request_id)
    mother, father, _ = world.family_ids
    await answer(client, paths[mother], "yes", MOTHER_SAYS)
    await answer(client, paths[father], "no", FATHER_SAYS)
    await sign_in(client, world.qa_email)
    return request_id


def family_copy(request_id: int, member_id: int) -> str:
    """The address of one family member's copy."""
    return f"/qa/requests/{request_id}/record/family/{member_id}"


async def test_the_full_record_is_one_printable_file_that_needs_no_network(
    client: httpx.AsyncClient, database: Database, settings: Settings
) -> None:
    world = await build_world(database)
    request_id = await one_said_no(client, database, settings, world)
    response = await client.get(f"/qa/requests/{request_id}/record")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert response.headers["content-disposition"] == (
        f'attachment; filename="record-of-request-{request_id}.html"'
    )
    assert "default-src 'none'" in response.headers["content-security-policy"]
    html = response.text
    assert html.startswith("<!DOCTYPE html>")
    assert _FETCHES.search(html) is None, _FETCHES.search(html)
    assert "<style>" in html and "@media print" in html
    for text in (
        *world.family_names,
        *world.family_emails,
        MOTHER_SAYS,
        FATHER_SAYS,
        "Not going ahead: someone asked said no.",
        # It vouches for the entries the check reached, as the request page does.
        "The audit record was checked at 10:00am: its",
        "entries up to then are unaltered.",
        "Jonathan Quixley (Father) said no",
        "Taylor Trainee",
        "Sam Supervisor",
    ):
        assert text in html, text


async def test_a_family_members_copy_leaves_out_everyone_else_in_the_family(
    client: httpx.AsyncClient, database: Database, settings: Settings
) -> None:
    world = await build_world(database)
    request_id = await one_said_no(client, database, settings, world)
    response = await client.get(family_copy(request_id, world.family_ids[0]))
    assert response.status_code == 200
    html = response.text
    assert _FETCHES.search(html) is None, _FETCHES.search(html)
    for left_out in (
        *world.family_names[1:],
        *world.family_emails[1:],
        FATHER_SAYS,
        "Father",
        "Daughter",
        "said no",
        "someone said no",
        "Not going ahead",
    ):
        assert left_out not in html, left_out
    for kept in (
        world.family_names[0],
        world.family_emails[0],
        MOTHER_SAYS,
        "You said yes",
        "third-party information",
        "We have left out their names, what they answered, any comments they made",
        "Taylor Trainee",
        "Student social worker",
        "Children&#39;s Services",
        "I want to learn how families are heard at these meetings.",
        "The observation did not go ahead.",
    ):
        assert kept in html, kept


async def test_a_family_members_copy_shows_the_text_they_saw_and_its_fingerprint(
    client: httpx.AsyncClient, database: Database, settings: Settings
) -> None:
    world = await build_world(database)
    request_id = await one_said_no(client, database, settings, world)
    async with database.read_session() as session:
        first = await session.scalar(select(ConsentAnswer).order_by(ConsentAnswer.id))
    assert first is not None
    html = (await client.get(family_copy(request_id, world.family_ids[0]))).text
    assert first.text_sha256 in html
    assert f"Version {first.text_version} (English)" in html
    assert "its fingerprint matches the one kept with your answer" in html
    assert "Why they want to watch" in html


async def test_someone_who_was_not_asked_gets_a_copy_that_says_so(
    client: httpx.AsyncClient, database: Database, settings: Settings
) -> None:
    world = await build_world(
        database,
    )
    request_id = await one_said_no(client, database, settings, world)
    html = (await client.get(family_copy(request_id, world.family_ids[2]))).text
    assert world.family_names[2] in html
    assert "We have no answer from you." in html
    assert world.family_names[0] not in html and MOTHER_SAYS not in html


async def test_every_copy_made_is_written_to_the_record(
    client: httpx.AsyncClient, database: Database, settings: Settings
) -> None:
    world = await build_world(database)
    request_id = await one_said_no(client, database, settings, world)
    await client.get(f"/qa/requests/{request_id}/record")
    await client.get(family_copy(request_id, world.family_ids[0]))
    async with database.read_session() as session:
        copies = list(
            await session.scalars(
                select(AuditEntry)
                .where(AuditEntry.action == "record_exported")
                .order_by(AuditEntry.id)
            )
        )
    assert [entry.details for entry in copies] == [
        '{"form":"full"}',
        f'{{"family_member_id":{world.family_ids[0]},"form":"family_member"}}',
    ]
    page = (await client.get(f"/qa/requests/{request_id}")).text
    assert "A full copy of the record was made by Quinn QA" in page
    assert "A copy of the record was made for Alexandra Zebedee (Mother) by Quinn QA" in page
    # The father's copy does not mention that the mother was given hers.
    father = (await client.get(family_copy(request_id, world.family_ids[1]))).text
    assert "Alexandra" not in father and "A copy of the record was made for you" not in father


async def test_only_qa_may_have_a_copy(
    client: httpx.AsyncClient, second_client: httpx.AsyncClient, database: Database
) -> None:
    world = await build_world(database)
    request_id = await approved_request(client, world)
    await sign_in(second_client, world.trainee_email)
    for url in (f"/qa/requests/{request_id}/record", family_copy(request_id, world.family_ids[0])):
        assert (await second_client.get(url)).status_code == 403
        anonymous = await client.get(url)
        assert anonymous.status_code == 303
        assert anonymous.headers["location"] == "/sign-in"


async def test_unknown_requests_and_people_are_not_found(
    client: httpx.AsyncClient, database: Database
) -> None:
    world = await build_world(database)
    request_id = await approved_request(client, world)
    other_world = await build_world(database)
    await sign_in(client, world.qa_email)
    for url in (
        "/qa/requests/999999/record",
        family_copy(999999, world.family_ids[0]),
        family_copy(request_id, 999999),
        family_copy(request_id, other_world.family_ids[0]),
        f"/qa/requests/{request_id}/record?format=word",
    ):
        response = await client.get(url)
        assert response.status_code in (404, 422), url
        assert "Traceback" not in response.text
    async with database.read_session() as session:
        assert not list(
            await session.scalars(select(AuditEntry).where(AuditEntry.action == "record_exported"))
        )


# CI installs WeasyPrint and Pango, so there a missing PDF library fails instead of skipping.
@pytest.mark.skipif(
    not pdf_available() and os.environ.get("CI") != "true",
    reason="WeasyPrint and Pango are not installed (pip install -e '.[pdf]')",
)
async def test_a_copy_can_be_a_pdf_made_without_the_network(
    client: httpx.AsyncClient, database: Database, settings: Settings
) -> None:
    world = await build_world(database)
    request_id = await one_said_no(client, database, settings, world)
    response = await client.get(family_copy(request_id, world.family_ids[0]) + "?format=pdf")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    assert response.headers["content-disposition"].endswith('.pdf"')


async def test_a_trainee_page_never_offers_the_record(
    client: httpx.AsyncClient, database: Database
) -> None:
    world = await build_world(database)
    request_id = await approved_request(client, world)
    await sign_in(client, world.trainee_email)
    page = await client.get(f"/trainee/requests/{request_id}")
    assert page.status_code == 200
    assert "/record" not in page.text


async def test_without_weasyprint_only_the_html_copy_is_offered(
    client: httpx.AsyncClient, database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("service.web.pages.qa.record.pdf_available", lambda: False)
    monkeypatch.setattr("service.web.pages.qa.request_views.pdf_available", lambda: False)
    world = await build_world(database)
    request_id = await approved_request(client, world)
    await sign_in(client, world.qa_email)
    page = (await client.get(f"/qa/requests/{request_id}")).text
    assert f"/qa/requests/{request_id}/record" in page and "format=pdf" not in page
    refused = await client.get(f"/qa/requests/{request_id}/record?format=pdf")
    assert refused.status_code == 404
    assert "print it to PDF from your browser" in refused.text
