"""How each family member is reached: QA chooses email, text message, letter or in person on
the form and the API, with a UK mobile or a postal address; the older contact_by_email still
works and maps onto it."""

import html
import re

import httpx

from service.store.database import Database
from service.store.tables import FamilyMember
from tests.integration.test_qa_conference_pages import empty_conference, family_form
from tests.integration.test_qa_pages import signed_in_staff, snapshot
from tests.support.scenario import build_world
from tests.support.web import api_token, csrf_from

PERSON = {"name": "Rhian Morgan", "relationship": "Mother", "is_child": False}


async def _qa(client: httpx.AsyncClient, database: Database) -> tuple[dict[str, str], int]:
    world = await build_world(database)
    headers = {"Authorization": f"Bearer {await api_token(client, world.qa_email)}"}
    return headers, world.conference_id


async def _member(database: Database, member_id: int) -> FamilyMember:
    async with database.read_session() as session:
        member = await session.get(FamilyMember, member_id)
    assert member is not None
    return member


async def test_the_api_records_a_text_message_or_a_letter_with_its_details(
    client: httpx.AsyncClient, database: Database
) -> None:
    qa, conference = await _qa(client, database)
    url = f"/api/v1/conferences/{conference}/family-members"
    texted = await client.post(
        url,
        json={**PERSON, "contact_channel": "sms", "mobile_number": "07900 900123"},
        headers=qa,
    )
    assert texted.status_code == 201, texted.text
    member = await _member(database, texted.json()["id"])
    assert (member.contact_channel, member.mobile_number) == ("sms", "+447900900123")
    assert member.contact_by_email is False
    posted = await client.post(
        url,
        json={
            **PERSON,
            "contact_channel": "letter",
            "address_lines": "10 High Street\nCardiff",
            "postcode": "cf10 3nq",
        },
        headers=qa,
    )
    assert posted.status_code == 201, posted.text
    member = await _member(database, posted.json()["id"])
    assert (member.address_lines, member.postcode) == ("10 High Street\nCardiff", "CF10 3NQ")
    shown = await client.patch(f"/api/v1/family-members/{member.id}", json={}, headers=qa)
    assert shown.json()["contact_channel"] == "letter"
    assert shown.json()["postcode"] == "CF10 3NQ"


async def test_missing_or_wrong_details_are_refused_and_change_nothing(
    client: httpx.AsyncClient, database: Database
) -> None:
    qa, conference = await _qa(client, database)
    url = f"/api/v1/conferences/{conference}/family-members"
    before = await snapshot(database)
    for body, message in (
        ({"contact_channel": "sms"}, "Enter a UK mobile number"),
        ({"contact_channel": "sms", "mobile_number": "020 7946 0000"}, "UK mobile number"),
        ({"contact_channel": "letter", "postcode": "CF10 3NQ"}, "postal address"),
        ({"contact_channel": "letter", "address_lines": "1 Road", "postcode": "X"}, "postcode"),
        ({"contact_channel": "email"}, "Enter an email address"),
        ({"contact_channel": "pigeon"}, ""),
    ):
        refused = await client.post(url, json={**PERSON, **body}, headers=qa)
        assert refused.status_code == 422, body
        assert message in refused.text, body
    assert await snapshot(database) == before


async def test_contact_by_email_still_works_and_maps_onto_the_channel(
    client: httpx.AsyncClient, database: Database
) -> None:
    qa, conference = await _qa(client, database)
    created = await client.post(
        f"/api/v1/conferences/{conference}/family-members",
        json={**PERSON, "contact_by_email": False},
        headers=qa,
    )
    assert created.status_code == 201, created.text
    member_id = created.json()["id"]
    assert (await _member(database, member_id)).contact_channel == "in_person"
    url = f"/api/v1/family-members/{member_id}"
    emailed = await client.patch(
        url, json={"contact_by_email": True, "email": "rhian@family.example"}, headers=qa
    )
    assert emailed.status_code == 200, emailed.text
    assert emailed.json()["contact_channel"] == "email"
    texted = await client.patch(
        url, json={"contact_channel": "sms", "mobile_number": "07900900123"}, headers=qa
    )
    assert texted.json()["contact_by_email"] is False
    assert texted.json()["mobile_number"] == "+447900900123"


async def test_qa_chooses_a_text_message_on_the_form_and_sees_it_on_the_family_table(
    client: httpx.AsyncClient, database: Database
) -> None:
    await signed_in_staff(client, database)
    conference = await empty_conference(database)
    url = f"/qa/conferences/{conference}/family-members/new"
    page = await client.get(url)
    assert "How should they get their link?" in page.text
    data = {
        **family_form(),
        "contact_channel": "sms",
        "mobile_number": "+44 7900 900123",
        "csrf_token": csrf_from(page.text),
    }
    del data["do_not_email"]
    added = await client.post(url, data=data)
    assert added.status_code == 303, added.text
    table = " ".join(
        html.unescape(
            re.sub(r"<[^>]+>", " ", (await client.get(f"/qa/conferences/{conference}")).text)
        ).split()
    )
    assert "Text message: 07900 900123" in table
    page = await client.get(url)
    wrong = await client.post(
        url,
        data={**data, "mobile_number": "01632 960001", "csrf_token": csrf_from(page.text)},
    )
    assert wrong.status_code == 422
    assert 'href="#mobile-number"' in wrong.text
