"""Easy Read: an adult QA records as needing it reads short sentences with a picture beside each
key point, in English or Welsh, and their answer records that text's own version and hash."""

import re

import httpx
from sqlalchemy import select

from service.settings import Settings
from service.store.database import Database
from service.store.tables import ConsentAnswer, ConsentInvitation
from tests.integration.consent_promise.helpers import emails_to
from tests.support.consent import approved_request, consent_paths, information_sha256
from tests.support.scenario import World, build_world
from tests.support.web import api_token, csrf_from


async def _needs(client: httpx.AsyncClient, world: World, member_id: int, *needs: str) -> None:
    qa = {"Authorization": f"Bearer {await api_token(client, world.qa_email)}"}
    saved = await client.patch(
        f"/api/v1/family-members/{member_id}",
        json={"communication_needs": list(needs)},
        headers=qa,
    )
    assert saved.status_code == 200, saved.text


async def test_an_easy_read_adult_gets_the_easy_read_page_and_email_with_its_own_version(
    client: httpx.AsyncClient, database: Database, settings: Settings
) -> None:
    world = await build_world(database)
    father = world.family_ids[1]
    await _needs(client, world, father, "easy_read", "large_print")
    request_id = await approved_request(client, world)
    (email,) = await emails_to(database, world.family_emails[1], "family_invitation_easy_read")
    assert email.subject == "Can a trainee watch your Child Protection Conference?"
    assert "If you say no, your help stays the same." in (email.body_text or "")
    assert await emails_to(database, world.family_emails[0], "family_invitation_easy_read") == []

    path = (await consent_paths(database, settings, request_id))[father]
    page = await client.get(path)
    assert page.status_code == 200
    assert "Can a trainee sit in on your meeting?" in page.text
    assert 'class="app-easy-read"' in page.text
    pictures = re.findall(r"<svg class=\"app-easy-read__picture\"[^>]*>", page.text)
    assert len(pictures) >= 10
    assert all('aria-hidden="true"' in svg and 'focusable="false"' in svg for svg in pictures)
    assert "They only come if everyone says yes." in page.text

    for language, version in (("en", "easy-read-1"), ("cy", "easy-read-cy-1")):
        shown = await client.get(f"{path}?lang={language}")
        sent = await client.post(
            path,
            data={
                "decision": "yes",
                "csrf_token": csrf_from(shown.text),
                "text_sha256": information_sha256(shown.text),
                "language": language,
            },
        )
        assert sent.status_code == 303, sent.text
        async with database.read_session() as session:
            answer = (
                await session.scalars(select(ConsentAnswer).order_by(ConsentAnswer.id.desc()))
            ).first()
        assert answer is not None
        assert (answer.text_version, answer.language) == (version, language)
        assert answer.text_sha256 == information_sha256(shown.text)
    welsh = await client.get(f"{path}?lang=cy")
    assert "Gallwch chi ddweud ie. Gallwch chi ddweud na." in welsh.text


async def test_a_young_person_keeps_the_words_for_their_age(
    client: httpx.AsyncClient, database: Database, settings: Settings
) -> None:
    world = await build_world(database)
    daughter = world.family_ids[2]
    await _needs(client, world, daughter, "easy_read")
    request_id = await approved_request(client, world)
    async with database.read_session() as session:
        invitation = (
            await session.scalars(
                select(ConsentInvitation).where(
                    ConsentInvitation.request_id == request_id,
                    ConsentInvitation.family_member_id == daughter,
                )
            )
        ).one()
    assert invitation.wording == "young_person"


async def test_easy_read_recorded_while_asking_changes_the_words_and_an_open_page_reads_again(
    client: httpx.AsyncClient, database: Database, settings: Settings
) -> None:
    world = await build_world(database)
    mother = world.family_ids[0]
    request_id = await approved_request(client, world)
    path = (await consent_paths(database, settings, request_id))[mother]
    opened = await client.get(path)
    assert "app-easy-read" not in opened.text
    await _needs(client, world, mother, "easy_read")
    stale = await client.post(
        path,
        data={
            "decision": "yes",
            "csrf_token": csrf_from(opened.text),
            "text_sha256": information_sha256(opened.text),
            "language": "en",
        },
    )
    assert stale.status_code == 409
    assert "Please read again" in stale.text and "app-easy-read" in stale.text
    async with database.read_session() as session:
        assert (await session.scalars(select(ConsentAnswer))).all() == []
    await _needs(client, world, mother)
    assert "app-easy-read" not in (await client.get(path)).text
