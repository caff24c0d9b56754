"""Each person's communication needs: recorded by QA on the form and the API, shown where QA
looks, and a person who needs an interpreter, BSL or an advocate asked in person with it, their
answer recording the support they had."""

import html
import re

import httpx
from sqlalchemy import select

from notifications.outbox import OutboxMessage
from service.store.database import Database
from service.store.tables import ConsentAnswer, ConsentInvitation, FamilyMember
from tests.integration.consent_promise.helpers import emails_to
from tests.integration.test_qa_conference_pages import empty_conference, family_form
from tests.integration.test_qa_pages import a_request, signed_in_staff, snapshot, status_of
from tests.integration.test_qa_request_pages import act, invitations
from tests.support.consent import approved_request
from tests.support.scenario import build_world
from tests.support.web import api_token, csrf_from, sign_in


def _words(page: httpx.Response) -> str:
    """A page's text as a person reads it: no markup, one space between words."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page.text)).split())


INTERPRETER = {
    "name": "Jonathan Quixley",
    "relationship": "Father",
    "communication_needs": "interpreter",
    "interpreter_language": "Polish",
}


async def test_qa_records_needs_on_the_form_and_sees_them_on_the_family_table(
    client: httpx.AsyncClient, database: Database
) -> None:
    await signed_in_staff(client, database)
    conference = await empty_conference(database)
    url = f"/qa/conferences/{conference}/family-members/new"
    page = await client.get(url)
    assert "How do they need information and support?" in page.text
    data = {
        **family_form(),
        "communication_needs": ["easy_read", "interpreter"],
        "interpreter_language": "  Tigrinya ",
        "csrf_token": csrf_from(page.text),
    }
    added = await client.post(url, data=data)
    assert added.status_code == 303, added.text
    async with database.read_session() as session:
        member = (await session.scalars(select(FamilyMember))).one()
    assert member.communication_needs == "easy_read,interpreter"
    assert member.interpreter_language == "Tigrinya"
    table = _words(await client.get(f"/qa/conferences/{conference}"))
    assert "Needs: Easy Read, An interpreter (Tigrinya)" in table
    assert "Ask in person with an interpreter (Tigrinya)" in table
    edit = await client.get(f"/qa/conferences/{conference}/family-members/{member.id}/edit")
    assert 'value="easy_read" checked' in edit.text and 'value="Tigrinya"' in edit.text


async def test_an_interpreter_needs_a_language_and_an_unknown_need_is_refused(
    client: httpx.AsyncClient, database: Database
) -> None:
    await signed_in_staff(client, database)
    conference = await empty_conference(database)
    url = f"/qa/conferences/{conference}/family-members/new"
    before = await snapshot(database)
    for needs, language, message in (
        (["interpreter"], "", "Enter the language the interpreter speaks."),
        (["telepathy"], "", "Choose from the support listed"),
        (["bsl", "interpreter"], "x" * 201, "Enter the language the interpreter speaks"),
    ):
        page = await client.get(url)
        refused = await client.post(
            url,
            data={
                **family_form(),
                "communication_needs": needs,
                "interpreter_language": language,
                "csrf_token": csrf_from(page.text),
            },
        )
        assert refused.status_code == 422, needs
        assert message in refused.text, needs
    assert await snapshot(database) == before


async def test_the_api_takes_and_gives_the_needs_as_a_list(
    client: httpx.AsyncClient, database: Database
) -> None:
    world = await build_world(database)
    qa = {"Authorization": f"Bearer {await api_token(client, world.qa_email)}"}
    member_id = world.family_ids[0]
    url = f"/api/v1/family-members/{member_id}"
    changed = await client.patch(
        url, json={"communication_needs": ["advocate", "large_print"]}, headers=qa
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["communication_needs"] == ["advocate", "large_print"]
    assert changed.json()["interpreter_language"] is None
    no_language = await client.patch(url, json={"communication_needs": ["interpreter"]}, headers=qa)
    assert no_language.status_code == 422
    assert "Enter the language the interpreter speaks." in no_language.text
    unknown = await client.patch(url, json={"communication_needs": ["mind_reading"]}, headers=qa)
    assert unknown.status_code == 422
    created = await client.post(
        f"/api/v1/conferences/{world.conference_id}/family-members",
        json={
            "name": "Grace Okafor",
            "relationship": "Grandmother",
            "email": "grace@family.example",
            "is_child": False,
            "communication_needs": ["interpreter"],
            "interpreter_language": "Igbo",
        },
        headers=qa,
    )
    assert created.status_code == 201, created.text
    async with database.read_session() as session:
        grace = await session.get(FamilyMember, created.json()["id"])
    assert grace is not None
    assert (grace.communication_needs, grace.interpreter_language) == ("interpreter", "Igbo")


async def test_someone_needing_an_interpreter_is_asked_in_person_and_gets_no_link(
    client: httpx.AsyncClient, database: Database
) -> None:
    await signed_in_staff(client, database)
    request_id, _ = await a_request(database, family=[INTERPRETER])
    assert (await act(client, request_id, "approve")).status_code == 303
    (invitation,) = await invitations(database, request_id)
    assert invitation.ask_in_person
    async with database.read_session() as session:
        sent = (await session.scalars(select(OutboxMessage))).all()
    assert [message.recipient_role for message in sent] == ["trainee"]  # none to the family
    page = _words(await client.get(f"/qa/requests/{request_id}"))
    assert "Ask in person with an interpreter (Polish)" in page
    assert "What support did they have?" in page


async def test_an_answer_without_the_support_needed_is_refused_and_with_it_is_recorded(
    client: httpx.AsyncClient, database: Database
) -> None:
    await signed_in_staff(client, database)
    request_id, _ = await a_request(database, family=[INTERPRETER])
    assert (await act(client, request_id, "approve")).status_code == 303
    (invitation,) = await invitations(database, request_id)
    before = await snapshot(database)
    unsupported = await act(
        client,
        request_id,
        "answers",
        invitation_id=str(invitation.id),
        answer="yes",
        channel="in_person",
    )
    assert unsupported.status_code == 422
    assert "to be asked with an interpreter (Polish)" in html.unescape(unsupported.text)
    assert 'href="#support-used"' in unsupported.text
    assert await snapshot(database) == before
    page = await client.get(f"/qa/requests/{request_id}")
    recorded = await client.post(
        f"/qa/requests/{request_id}/answers",
        data={
            "invitation_id": str(invitation.id),
            "answer": "yes",
            "channel": "in_person",
            "support_used": ["interpreter", "advocate"],
            "csrf_token": csrf_from(page.text),
        },
    )
    assert recorded.status_code == 303, recorded.text
    async with database.read_session() as session:
        answer = (await session.scalars(select(ConsentAnswer))).one()
    assert answer.support_used == "advocate,interpreter"
    assert await status_of(database, request_id) == "confirmed"
    record = _words(await client.get(f"/qa/requests/{request_id}/record"))
    assert "In person, with an interpreter (Polish) and with their advocate, recorded by" in record
    assert "In person, with an interpreter (Polish), as they are recorded as needing." in record


async def test_a_need_for_an_advocate_moves_someone_already_emailed_to_being_asked_in_person(
    client: httpx.AsyncClient, database: Database
) -> None:
    world = await build_world(database)
    qa = {"Authorization": f"Bearer {await api_token(client, world.qa_email)}"}
    request_id = await approved_request(client, world)
    changed = await client.patch(
        f"/api/v1/family-members/{world.family_ids[0]}",
        json={"communication_needs": ["advocate"]},
        headers=qa,
    )
    assert changed.status_code == 200, changed.text
    async with database.read_session() as session:
        invitation = (
            await session.scalars(
                select(ConsentInvitation).where(
                    ConsentInvitation.request_id == request_id,
                    ConsentInvitation.family_member_id == world.family_ids[0],
                )
            )
        ).one()
    assert invitation.ask_in_person


async def test_large_print_means_larger_type_in_emails_and_in_their_copy_of_the_record(
    client: httpx.AsyncClient, database: Database
) -> None:
    world = await build_world(database)
    qa = {"Authorization": f"Bearer {await api_token(client, world.qa_email)}"}
    mother, father = world.family_ids[0], world.family_ids[1]
    saved = await client.patch(
        f"/api/v1/family-members/{mother}",
        json={"communication_needs": ["large_print"]},
        headers=qa,
    )
    assert saved.status_code == 200, saved.text
    request_id = await approved_request(client, world)
    (large,) = await emails_to(database, world.family_emails[0], "family_invitation")
    (usual,) = await emails_to(database, world.family_emails[1], "family_invitation")
    assert "font-size: 24px" in (large.body_html or "")
    assert "font-size: 17px" in (usual.body_html or "")
    await sign_in(client, world.qa_email)
    copy = await client.get(f"/qa/requests/{request_id}/record/family/{mother}")
    assert '<html lang="en" class="large-print">' in copy.text
    other = await client.get(f"/qa/requests/{request_id}/record/family/{father}")
    assert '<html lang="en">' in other.text
