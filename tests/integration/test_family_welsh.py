"""The family's pages in Welsh: a switch that keeps the page, a remembered choice, and answers
given against, and recording, the Welsh words."""

import html
import re

import httpx
from sqlalchemy import select

from service.domain.consent import Wording
from service.languages import Language
from service.settings import Settings
from service.store.database import Database
from service.store.tables import ConsentAnswer, FamilyMember
from service.usecases.steps.information_text import TEXT_VERSIONS_BY_LANGUAGE
from tests.integration.consent_promise.helpers import emails_to
from tests.integration.test_qa_conference_pages import add_member, empty_conference
from tests.integration.test_qa_pages import a_request, signed_in_staff
from tests.integration.test_qa_request_pages import act, invitations
from tests.support.consent import approved_request, consent_paths, information_sha256
from tests.support.scenario import build_world
from tests.support.web import api_token, csrf_from, sign_in

_HTML_LANG = re.compile(r'<html lang="([a-z]+)"')


def _lang(page: httpx.Response) -> str:
    match = _HTML_LANG.search(page.text)
    assert match, "the page has no html lang"
    return match.group(1)


async def _first_link(client: httpx.AsyncClient, database: Database, settings: Settings) -> str:
    world = await build_world(database)
    request_id = await approved_request(client, world)
    return next(iter((await consent_paths(database, settings, request_id)).values()))


async def test_the_switch_keeps_the_page_and_the_choice_is_remembered_for_that_link(
    client: httpx.AsyncClient,
    second_client: httpx.AsyncClient,
    database: Database,
    settings: Settings,
) -> None:
    path = await _first_link(client, database, settings)
    english = await second_client.get(path)
    assert _lang(english) == "en"
    assert 'href="?lang=cy" hreflang="cy" lang="cy">Cymraeg</a>' in english.text
    welsh = await second_client.get(f"{path}?lang=cy")
    assert welsh.status_code == 200
    assert _lang(welsh) == "cy"
    assert "A gaiff hyfforddai wylio eich cynhadledd amddiffyn plant?" in welsh.text
    assert "Pwy sy'n gofyn" in welsh.text
    assert "Rhagfyr" in welsh.text or "Ionawr" in welsh.text  # the date is in Welsh too
    assert ">English</a>" in welsh.text
    # Opened again with no choice in the address, the link stays in Welsh on this device only.
    assert _lang(await second_client.get(path)) == "cy"
    assert _lang(await client.get(path)) == "en"
    assert _lang(await second_client.get(f"{path}?lang=en")) == "en"
    assert _lang(await second_client.get(path)) == "en"


async def test_a_welsh_answer_records_the_welsh_words_and_their_fingerprint(
    client: httpx.AsyncClient, database: Database, settings: Settings
) -> None:
    path = await _first_link(client, database, settings)
    page = await client.get(f"{path}?lang=cy")
    sent = await client.post(
        path,
        data={
            "decision": "yes",
            "comment": "",
            "csrf_token": csrf_from(page.text),
            "text_sha256": information_sha256(page.text),
            "language": "cy",
        },
    )
    assert sent.status_code == 303, sent.text
    saved = await client.get(sent.headers["location"])
    assert _lang(saved) == "cy"
    assert "Mae eich ateb wedi'i gadw" in html.unescape(saved.text)
    async with database.read_session() as session:
        stored = (await session.scalars(select(ConsentAnswer))).one()
    assert stored.language == "cy"
    assert stored.text_version == TEXT_VERSIONS_BY_LANGUAGE[(Wording.ADULT, Language.WELSH)]
    assert stored.text_sha256 == information_sha256(page.text)
    english = await client.get(f"{path}?lang=en")
    assert information_sha256(english.text) != stored.text_sha256


async def test_an_answer_against_the_english_words_sent_as_welsh_is_shown_the_welsh_first(
    client: httpx.AsyncClient, database: Database, settings: Settings
) -> None:
    path = await _first_link(client, database, settings)
    page = await client.get(path)
    sent = await client.post(
        path,
        data={
            "decision": "yes",
            "csrf_token": csrf_from(page.text),
            "text_sha256": information_sha256(page.text),
            "language": "cy",
        },
    )
    assert sent.status_code == 409
    assert _lang(sent) == "cy"
    assert "Darllenwch eto" in sent.text
    async with database.read_session() as session:
        assert (await session.scalars(select(ConsentAnswer))).first() is None


async def test_a_missing_choice_is_asked_for_in_welsh(
    client: httpx.AsyncClient, database: Database, settings: Settings
) -> None:
    path = await _first_link(client, database, settings)
    page = await client.get(f"{path}?lang=cy")
    sent = await client.post(
        path,
        data={
            "csrf_token": csrf_from(page.text),
            "text_sha256": information_sha256(page.text),
            "language": "cy",
        },
    )
    assert sent.status_code == 422
    assert "Dewiswch ie neu na" in sent.text
    assert "Mae problem wedi codi" in sent.text


async def test_a_broken_link_is_explained_in_the_language_asked_for(
    client: httpx.AsyncClient,
) -> None:
    page = await client.get("/consent/not-a-real-link?lang=cy")
    assert page.status_code == 404
    assert _lang(page) == "cy"
    assert "Dydy'r ddolen hon ddim yn gweithio" in html.unescape(page.text)


async def test_a_person_recorded_as_welsh_speaking_gets_welsh_until_they_switch(
    client: httpx.AsyncClient,
    second_client: httpx.AsyncClient,
    database: Database,
    settings: Settings,
) -> None:
    world = await build_world(database)
    qa = {"Authorization": f"Bearer {await api_token(client, world.qa_email)}"}
    member_id = world.family_ids[0]
    corrected = await client.patch(
        f"/api/v1/family-members/{member_id}", json={"preferred_language": "cy"}, headers=qa
    )
    assert corrected.status_code == 200, corrected.text
    assert corrected.json()["preferred_language"] == "cy"
    refused = await client.patch(
        f"/api/v1/family-members/{member_id}", json={"preferred_language": "fr"}, headers=qa
    )
    assert refused.status_code == 422
    request_id = await approved_request(client, world)
    path = (await consent_paths(database, settings, request_id))[member_id]
    assert _lang(await second_client.get(path)) == "cy"
    assert _lang(await second_client.get(f"{path}?lang=en")) == "en"
    assert _lang(await second_client.get(path)) == "en"
    others = [
        p
        for m, p in (await consent_paths(database, settings, request_id)).items()
        if m != member_id
    ]
    assert _lang(await client.get(others[0])) == "en"


async def test_qa_records_a_persons_language_on_the_family_form_and_sees_it_listed(
    client: httpx.AsyncClient, database: Database
) -> None:
    world = await build_world(database)
    await sign_in(client, world.qa_email)
    conference = await empty_conference(database)
    added = await add_member(client, conference, preferred_language="cy")
    assert added.status_code == 303, added.text
    page = await client.get(f"/qa/conferences/{conference}")
    assert "Welsh (Cymraeg)" in page.text
    async with database.read_session() as session:
        member = (
            await session.scalars(
                select(FamilyMember).where(FamilyMember.conference_id == conference)
            )
        ).one()
    assert member.preferred_language == "cy"
    wrong = await add_member(client, conference, preferred_language="fr")
    assert wrong.status_code == 422
    assert "Choose English, Welsh, or not known" in wrong.text


async def test_a_welsh_answerers_own_copy_shows_again_the_welsh_words_they_read(
    client: httpx.AsyncClient,
    second_client: httpx.AsyncClient,
    database: Database,
    settings: Settings,
) -> None:
    world = await build_world(database)
    request_id = await approved_request(client, world)
    member_id = world.family_ids[0]
    path = (await consent_paths(database, settings, request_id))[member_id]
    page = await second_client.get(f"{path}?lang=cy")
    sent = await second_client.post(
        path,
        data={
            "decision": "no",
            "csrf_token": csrf_from(page.text),
            "text_sha256": information_sha256(page.text),
            "language": "cy",
        },
    )
    assert sent.status_code == 303, sent.text
    await sign_in(client, world.qa_email)
    record_page = await client.get(f"/qa/requests/{request_id}")
    assert f"/record/family/{member_id}?lang=cy" in record_page.text
    # They answered in Welsh, so their copy is written in Welsh, dates and timeline included.
    copy = await client.get(f"/qa/requests/{request_id}/record/family/{member_id}")
    assert copy.status_code == 200
    welsh = html.unescape(copy.text)
    assert _lang(copy) == "cy"
    assert "Eich cofnod: cais i arsylwi cynhadledd amddiffyn plant" in welsh
    assert "yn union fel y gwelsoch chi ef" in welsh
    assert "Pwy sy'n gofyn" in welsh  # the information, in the Welsh they read
    assert "Dywedoch chi na" in welsh  # the timeline
    assert "Gofynnwyd i chi drwy e-bost" in welsh
    assert "Rhagfyr" in welsh or "Ionawr" in welsh
    for english in ("Your record", "What happened", "You said no", "You were asked by email"):
        assert english not in welsh, english
    # QA can still make it in English; it shows again the Welsh words they read.
    english_copy = await client.get(f"/qa/requests/{request_id}/record/family/{member_id}?lang=en")
    assert _lang(english_copy) == "en"
    assert "exactly as you saw it" in english_copy.text
    assert "Pwy sy&#39;n gofyn" in english_copy.text or "Pwy sy'n gofyn" in english_copy.text
    assert (
        await client.get(f"/qa/requests/{request_id}/record/family/{member_id}?lang=fr")
    ).status_code == 422


async def test_outside_wales_a_person_not_yet_known_is_written_to_in_english_only(
    client: httpx.AsyncClient, database: Database, settings: Settings
) -> None:
    assert settings.welsh_language is False
    world = await build_world(database)
    qa = {"Authorization": f"Bearer {await api_token(client, world.qa_email)}"}
    welsh_speaker = world.family_ids[0]
    saved = await client.patch(
        f"/api/v1/family-members/{welsh_speaker}", json={"preferred_language": "cy"}, headers=qa
    )
    assert saved.status_code == 200, saved.text
    await approved_request(client, world)
    welsh = (await emails_to(database, world.family_emails[0], "family_invitation"))[0]
    unknown = (await emails_to(database, world.family_emails[1], "family_invitation"))[0]
    assert welsh.subject == "A gaiff hyfforddai eistedd i mewn yn y Gynhadledd Amddiffyn Plant?"
    assert unknown.subject == "Can a trainee sit in on the Child Protection Conference?"
    assert "Annwyl" not in (unknown.body_text or "")
    assert "Saesneg isod" not in (unknown.body_text or "")


async def test_an_answer_given_in_person_is_recorded_against_the_welsh_for_a_welsh_speaker(
    client: httpx.AsyncClient, database: Database
) -> None:
    await signed_in_staff(client, database)
    request_id, _ = await a_request(
        database,
        family=[{"name": "Gwen Parri", "contact_by_email": False, "preferred_language": "cy"}],
    )
    assert (await act(client, request_id, "approve")).status_code == 303
    (invitation,) = await invitations(database, request_id)
    recorded = await act(
        client,
        request_id,
        "answers",
        invitation_id=str(invitation.id),
        answer="yes",
        channel="in_person",
    )
    assert recorded.status_code == 303, recorded.text
    async with database.read_session() as session:
        stored = (await session.scalars(select(ConsentAnswer))).one()
    assert (stored.language, stored.text_version) == (
        "cy",
        TEXT_VERSIONS_BY_LANGUAGE[(Wording.ADULT, Language.WELSH)],
    )
