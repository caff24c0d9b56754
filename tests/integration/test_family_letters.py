"""Letters to a family member: posted through the GOV.UK Notify stand-in as a precompiled PDF,
or printed by QA from the request page. The PDF is read back as the post room and the family
would: the address in the envelope's window, the person's words in their language, and a
square code that opens their page."""

import json
import os
from datetime import timedelta

import httpx
import pytest
from sqlalchemy import select

from notifications.outbox import OutboxMessage
from service.links import short_answer_url
from service.pdf import pdf_available
from service.settings import Settings
from service.store.database import Database
from service.store.tables import AuditEntry, ConsentAnswer, ConsentInvitation
from service.usecases.scheduled_jobs import run_scheduled_jobs
from tests.integration.consent_promise.helpers import emails_to
from tests.support.clock import FrozenClock
from tests.support.consent import approved_request, information_sha256
from tests.support.dispatching import deliver_all
from tests.support.factories import NOW
from tests.support.letters import address_window_text, letter_text, page_sizes_mm, square_codes
from tests.support.notify_stand_in import API_KEY, NotifyStandIn
from tests.support.scenario import World, build_world
from tests.support.web import api_token, csrf_from, sign_in

pytestmark = pytest.mark.skipif(
    not pdf_available() and os.environ.get("CI") != "true",
    reason="letters are PDFs: install the pdf extra (WeasyPrint and Pango)",
)
CALLBACK_TOKEN = "a-callback-token-the-council-gave-notify"
ADDRESS = "Flat 2\n14 Heol y Castell\nCaerdydd"
POSTCODE = "CF10 1BJ"


@pytest.fixture
def settings(settings: Settings, notify: NotifyStandIn) -> Settings:
    """The test's settings, with letters posted through GOV.UK Notify (the stand-in)."""
    return settings.model_copy(
        update={
            "notify_api_key": API_KEY,
            "notify_base_url": notify.base_url,
            "notify_callback_token": CALLBACK_TOKEN,
            "notify_letters": True,
        }
    )


async def _father_by_letter(
    client: httpx.AsyncClient, world: World, *, language: str | None = None
) -> None:
    qa = {"Authorization": f"Bearer {await api_token(client, world.qa_email)}"}
    saved = await client.patch(
        f"/api/v1/family-members/{world.family_ids[1]}",
        json={
            "contact_channel": "letter",
            "address_lines": ADDRESS,
            "postcode": POSTCODE,
            **({"preferred_language": language} if language else {}),
        },
        headers=qa,
    )
    assert saved.status_code == 200, saved.text


async def _father_invitation(database: Database, world: World) -> ConsentInvitation:
    async with database.read_session() as session:
        return (
            await session.scalars(
                select(ConsentInvitation).where(
                    ConsentInvitation.family_member_id == world.family_ids[1]
                )
            )
        ).one()


async def test_a_posted_letter_holds_the_address_the_words_and_a_code_that_opens_the_page(
    client: httpx.AsyncClient,
    database: Database,
    settings: Settings,
    notify: NotifyStandIn,
    clock: FrozenClock,
) -> None:
    world = await build_world(database)
    await _father_by_letter(client, world)
    request_id = await approved_request(client, world)
    await deliver_all(settings, database, clock)
    (letter,) = notify.of_kind("letter")
    assert set(letter.body) == {"reference", "content"}
    pdf = letter.pdf
    assert page_sizes_mm(pdf)[0] == (210, 297)
    assert address_window_text(pdf) == [
        "Jonathan Quixley",
        "Flat 2",
        "14 Heol y Castell",
        "Caerdydd",
        POSTCODE,
    ]
    words = letter_text(pdf)
    for said in (
        "Can a trainee watch your child protection conference?",
        "Hello Jonathan Quixley. We would like to know if you agree.",
        "It is your choice",
        "How to answer",
        "Can Taylor Trainee watch the meeting?",
        settings.qa_service_phone,
    ):
        assert said in words, said
    # Nobody else in the family is named in his letter.
    assert "Zebedee" not in words and "Samira" not in words
    invitation = await _father_invitation(database, world)
    link = short_answer_url(settings, invitation.nonce)
    assert square_codes(pdf) == [link]
    code = link.rsplit("/", 1)[1]
    assert f"{code[:4]}-{code[4:8]}-{code[8:]}" in words

    # The code opens his page, and his answer is taken there.
    opened = await client.get(link.removeprefix(settings.base_url), follow_redirects=True)
    assert opened.status_code == 200 and "Jonathan Quixley" in opened.text
    sent = await client.post(
        str(opened.url.path),
        data={
            "decision": "yes",
            "csrf_token": csrf_from(opened.text),
            "text_sha256": information_sha256(opened.text),
        },
    )
    assert sent.status_code == 303, sent.text
    async with database.read_session() as session:
        assert [a.answer for a in await session.scalars(select(ConsentAnswer))] == ["yes"]
    # Notify says the printer has it; QA sees it went, and how.
    assert (
        await client.post(
            "/notify/callback",
            json={
                "id": letter.notification_id,
                "reference": letter.body["reference"],
                "status": "received",
                "notification_type": "letter",
            },
            headers={"Authorization": f"Bearer {CALLBACK_TOKEN}"},
        )
    ).status_code == 204
    await sign_in(client, world.qa_email)
    page = await client.get(f"/qa/requests/{request_id}")
    assert "By letter, posted through GOV.UK Notify" in page.text
    assert "Jonathan Quixley (Father) was asked by letter" in page.text
    assert "Letter printed and posted, sent on" in page.text
    assert await emails_to(database, world.family_emails[1]) == []


async def test_a_welsh_speaker_s_letter_is_in_welsh(
    client: httpx.AsyncClient,
    database: Database,
    settings: Settings,
    notify: NotifyStandIn,
    clock: FrozenClock,
) -> None:
    world = await build_world(database)
    await _father_by_letter(client, world, language="cy")
    await approved_request(client, world)
    await deliver_all(settings, database, clock)
    (letter,) = notify.of_kind("letter")
    words = letter_text(letter.pdf)
    assert "Sut i ateb" in words
    assert "Helo Jonathan Quixley" in words
    assert "How to answer" not in words
    invitation = await _father_invitation(database, world)
    assert square_codes(letter.pdf) == [short_answer_url(settings, invitation.nonce)]


async def test_a_letter_notify_refuses_sends_qa_to_ask_in_person_and_no_reminder_is_posted(
    client: httpx.AsyncClient,
    database: Database,
    settings: Settings,
    notify: NotifyStandIn,
    clock: FrozenClock,
) -> None:
    world = await build_world(database)
    await _father_by_letter(client, world)
    request_id = await approved_request(client, world)
    notify.fail_next(400, "ValidationError", "Letter content is not a valid PDF")
    await deliver_all(settings, database, clock)
    async with database.read_session() as session:
        row = (
            await session.scalars(select(OutboxMessage).where(OutboxMessage.channel == "letter"))
        ).one()
        undeliverable = (
            await session.scalars(
                select(AuditEntry).where(AuditEntry.action == "family_email_undeliverable")
            )
        ).one()
    assert row.status == "permanent_failure"
    details = json.loads(undeliverable.details)
    assert details["family_member_id"] == world.family_ids[1]
    assert details["channel"] == "letter"
    assert await emails_to(database, settings.qa_mailbox, "qa_undeliverable")
    await sign_in(client, world.qa_email)
    page = await client.get(f"/qa/requests/{request_id}")
    assert "The letter could not be posted: ask Jonathan Quixley in person." in page.text
    # Near the answer date the others are reminded; no reminder letter is posted.
    clock.set(NOW + timedelta(days=25, hours=5))
    await run_scheduled_jobs(database.writer, settings=settings, now=clock())
    await deliver_all(settings, database, clock)
    assert notify.of_kind("letter") == []
    assert await emails_to(database, world.family_emails[0], "family_reminder")


async def test_qa_prints_a_letter_and_the_record_says_who_printed_it(
    client: httpx.AsyncClient, database: Database, settings: Settings
) -> None:
    # Letters not posted here: the father is asked in person, with a letter QA prints.
    settings.notify_letters = False
    world = await build_world(database)
    await _father_by_letter(client, world)
    request_id = await approved_request(client, world)
    invitation = await _father_invitation(database, world)
    assert invitation.ask_in_person
    await sign_in(client, world.qa_email)
    page = await client.get(f"/qa/requests/{request_id}")
    assert "Print a letter for Jonathan Quixley (Father)" in page.text
    action = f"/qa/requests/{request_id}/letters/{invitation.id}"

    refused = await client.post(action, data={"csrf_token": "not-the-token"})
    assert refused.status_code == 403
    printed = await client.post(action, data={"csrf_token": csrf_from(page.text)})
    assert printed.status_code == 200, printed.text
    assert printed.headers["content-type"] == "application/pdf"
    assert printed.headers["cache-control"] == "no-store"
    assert "attachment" in printed.headers["content-disposition"]
    assert address_window_text(printed.content)[0] == "Jonathan Quixley"
    assert square_codes(printed.content) == [short_answer_url(settings, invitation.nonce)]
    async with database.read_session() as session:
        entries = list(
            await session.scalars(select(AuditEntry).where(AuditEntry.action == "letter_printed"))
        )
    assert len(entries) == 1
    assert json.loads(entries[0].details)["invitation_id"] == invitation.id
    page = await client.get(f"/qa/requests/{request_id}")
    assert "A letter for Jonathan Quixley (Father) was printed by Quinn QA (QA Service)" in (
        page.text
    )

    # Someone else's invitation through this request's address is not found.
    other = await client.post(
        f"/qa/requests/{request_id + 1000}/letters/{invitation.id}",
        data={"csrf_token": csrf_from(page.text)},
    )
    assert other.status_code == 404


async def test_no_letter_is_printed_once_the_conference_has_started(
    client: httpx.AsyncClient, database: Database, settings: Settings, clock: FrozenClock
) -> None:
    world = await build_world(database)
    await _father_by_letter(client, world)
    request_id = await approved_request(client, world)
    invitation = await _father_invitation(database, world)
    clock.set(NOW + timedelta(days=28, minutes=1))
    await sign_in(client, world.qa_email)
    page = await client.get(f"/qa/requests/{request_id}")
    assert "Print a letter for" not in page.text
    refused = await client.post(
        f"/qa/requests/{request_id}/letters/{invitation.id}",
        data={"csrf_token": csrf_from(page.text)},
    )
    assert refused.status_code == 422
    assert "A letter can be printed only for someone still being asked" in refused.text
    async with database.read_session() as session:
        assert not list(
            await session.scalars(select(AuditEntry).where(AuditEntry.action == "letter_printed"))
        )


async def test_without_posted_letters_the_pages_say_who_qa_asks_in_person(
    client: httpx.AsyncClient, database: Database, settings: Settings
) -> None:
    settings.notify_letters = False
    world = await build_world(database)
    await _father_by_letter(client, world)
    request_id = await approved_request(client, world)
    await sign_in(client, world.qa_email)
    conference = await client.get(f"/qa/conferences/{world.conference_id}")
    father_row = conference.text.split("Jonathan Quixley", 1)[1].split("</tr>", 1)[0]
    assert "Ask in person" in father_row and f"Letter: Flat 2, {POSTCODE}" in father_row
    mother_row = conference.text.split("Alexandra Zebedee", 1)[1].split("</tr>", 1)[0]
    assert "Ask in person" not in mother_row
    page = await client.get(f"/qa/requests/{request_id}")
    assert "No letter posted: letters are not posted from here" in page.text
    record = await client.get(f"/qa/requests/{request_id}/record")
    assert f"By letter: Flat 2, 14 Heol y Castell, Caerdydd, {POSTCODE}" in record.text


async def test_without_pdfs_qa_prints_the_letter_from_a_self_contained_html_file(
    client: httpx.AsyncClient,
    database: Database,
    settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    settings.notify_letters = False
    monkeypatch.setattr("service.web.pages.qa.letters.pdf_available", lambda: False)
    world = await build_world(database)
    await _father_by_letter(client, world)
    request_id = await approved_request(client, world)
    invitation = await _father_invitation(database, world)
    await sign_in(client, world.qa_email)
    page = await client.get(f"/qa/requests/{request_id}")
    printed = await client.post(
        f"/qa/requests/{request_id}/letters/{invitation.id}",
        data={"csrf_token": csrf_from(page.text)},
    )
    assert printed.status_code == 200
    assert printed.headers["content-type"].startswith("text/html")
    assert printed.headers["content-security-policy"].startswith("default-src 'none'")
    assert printed.headers["cache-control"] == "no-store"
    code = short_answer_url(settings, invitation.nonce).rsplit("/", 1)[1]
    assert f"{code[:4]}-{code[4:8]}-{code[8:]}" in printed.text
    assert (
        "<svg" in printed.text
        and "<script" not in printed.text
        and "http-equiv" not in printed.text
    )
