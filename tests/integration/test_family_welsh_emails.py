"""Emails to a family in a council that offers Welsh: a Welsh speaker is written to in Welsh, a
person whose language is not yet known in Welsh and English (Welsh first, each passage marked
with its language), and an English speaker in English."""

import html
import re

import httpx
import pytest

from service.settings import Settings
from service.store.database import Database
from tests.integration.consent_promise.helpers import emails_to
from tests.support.consent import approved_request, consent_paths, information_sha256
from tests.support.scenario import World, build_world
from tests.support.web import api_token, csrf_from

WELSH_SUBJECT = "A gaiff hyfforddai eistedd i mewn yn y Gynhadledd Amddiffyn Plant?"
ENGLISH_SUBJECT = "Can a trainee sit in on the Child Protection Conference?"
WELSH_GREETING = "Annwyl "
ENGLISH_GREETING = "Dear "


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """The test settings, for a council in Wales."""
    return settings.model_copy(update={"welsh_language": True})


async def _qa(client: httpx.AsyncClient, world: World) -> dict[str, str]:
    return {"Authorization": f"Bearer {await api_token(client, world.qa_email)}"}


async def _languages(client: httpx.AsyncClient, world: World, *languages: str | None) -> None:
    """Record each family member's language, in the order of `world.family_ids`."""
    headers = await _qa(client, world)
    for member_id, language in zip(world.family_ids, languages, strict=True):
        saved = await client.patch(
            f"/api/v1/family-members/{member_id}",
            json={"preferred_language": language},
            headers=headers,
        )
        assert saved.status_code == 200, saved.text


def _html_passages(body_html: str) -> list[str]:
    return re.findall(r'<div lang="([a-z]+)">', body_html)


async def test_each_person_is_written_to_in_their_language_and_the_unknown_in_both_welsh_first(
    client: httpx.AsyncClient, database: Database, settings: Settings
) -> None:
    world = await build_world(database)
    await _languages(client, world, "cy", None, "en")
    await approved_request(client, world)
    welsh, unknown, english = [
        (await emails_to(database, address, template))[0]
        for address, template in zip(
            world.family_emails,
            ("family_invitation", "family_invitation", "family_invitation_young_person"),
            strict=True,
        )
    ]

    assert welsh.subject == WELSH_SUBJECT
    assert (welsh.body_text or "").startswith(WELSH_GREETING)
    assert ENGLISH_GREETING not in (welsh.body_text or "")
    assert '<html lang="cy">' in (welsh.body_html or "")
    assert "ddydd " in (welsh.body_text or "")  # "on Tuesday" is the mutated day

    assert unknown.subject == f"{WELSH_SUBJECT} / {ENGLISH_SUBJECT}"
    text = unknown.body_text or ""
    assert text.startswith("(Saesneg isod / English below)")
    assert 0 < text.index(WELSH_GREETING) < text.index("-" * 40) < text.index(ENGLISH_GREETING)
    assert text.count("/consent/") == 2  # the same link in each passage
    body = unknown.body_html or ""
    assert '<html lang="cy">' in body
    assert _html_passages(body) == ["cy", "en"]
    assert body.index("Annwyl") < body.index('<div lang="en">') < body.index("Dear ")

    assert english.subject == ENGLISH_SUBJECT
    assert "Annwyl" not in (english.body_text or "") and "Helo" not in (english.body_text or "")
    assert '<html lang="en">' in (english.body_html or "")
    for message in (welsh, unknown, english):
        assert "Zebedee" not in message.subject and "Wolstenholme" not in message.subject


async def test_the_receipt_comes_in_the_language_the_person_answered_in(
    client: httpx.AsyncClient, database: Database, settings: Settings
) -> None:
    world = await build_world(database)
    await _languages(client, world, None, None, None)
    request_id = await approved_request(client, world)
    path = (await consent_paths(database, settings, request_id))[world.family_ids[1]]
    page = await client.get(f"{path}?lang=cy")
    sent = await client.post(
        path,
        data={
            "decision": "no",
            "comment": "",
            "csrf_token": csrf_from(page.text),
            "text_sha256": information_sha256(page.text),
            "language": "cy",
        },
    )
    assert sent.status_code == 303, sent.text
    receipt = (await emails_to(database, world.family_emails[1], "family_answer_receipt"))[0]
    assert receipt.subject == "Mae eich ateb am y Gynhadledd Amddiffyn Plant gennym ni"
    assert "Dywedoch chi na." in (receipt.body_text or "")
    assert "Dear " not in (receipt.body_text or "")
    assert '<html lang="cy">' in (receipt.body_html or "")


async def test_a_moved_conference_is_told_in_both_languages_to_someone_not_yet_known(
    client: httpx.AsyncClient, database: Database, settings: Settings
) -> None:
    world = await build_world(database)
    await _languages(client, world, "cy", None, "en")
    await approved_request(client, world)
    moved = await client.post(
        f"/api/v1/conferences/{world.conference_id}/reschedule",
        json={"starts_at": "2026-12-22T14:00:00+00:00"},
        headers=await _qa(client, world),
    )
    assert moved.status_code == 200, moved.text
    welsh, unknown, english = [
        (await emails_to(database, address, "family_conference_moved"))[0]
        for address in world.family_emails
    ]
    assert "ddydd Mawrth 22 Rhagfyr 2026 am 14:00" in (welsh.body_text or "")
    assert "Tuesday" not in (welsh.body_text or "")
    unknown_text = html.unescape(unknown.body_text or "")
    assert unknown_text.index("ddydd Mawrth 22 Rhagfyr") < unknown_text.index(
        "Tuesday 22 December 2026 at 2:00pm"
    )
    assert _html_passages(unknown.body_html or "") == ["cy", "en"]
    assert "Rhagfyr" not in (english.body_text or "")
