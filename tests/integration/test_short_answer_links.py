"""Short answer links, `/a/<code>`, for text messages and letters: they open the person's own
page and nothing else, change nothing by opening, end with a new link, are slowed when wrong,
and only their hash is kept."""

from datetime import timedelta

import httpx
from sqlalchemy import select

from service.links import ConsentLink, grouped_short_code, read_consent_token, short_code
from service.settings import Settings
from service.store.database import Database
from service.store.tables import ConsentInvitation
from tests.integration.test_qa_pages import snapshot
from tests.support.clock import FrozenClock
from tests.support.consent import approved_request
from tests.support.factories import NOW
from tests.support.scenario import World, build_world
from tests.support.web import api_token


async def _invitations(database: Database, request_id: int) -> list[ConsentInvitation]:
    async with database.read_session() as session:
        rows = await session.scalars(
            select(ConsentInvitation)
            .where(ConsentInvitation.request_id == request_id)
            .order_by(ConsentInvitation.id)
        )
        return list(rows)


async def _asked(client: httpx.AsyncClient, database: Database) -> tuple[World, int]:
    world = await build_world(database)
    return world, await approved_request(client, world)


async def test_a_short_link_opens_that_persons_page_and_changes_nothing(
    client: httpx.AsyncClient, database: Database, settings: Settings
) -> None:
    _, request_id = await _asked(client, database)
    first, second, _ = await _invitations(database, request_id)
    code = short_code(settings, first.nonce)
    before = await snapshot(database)
    opened = await client.get(f"/a/{code}")
    assert opened.status_code == 303
    assert opened.headers["location"].startswith("/consent/")
    assert opened.headers["referrer-policy"] == "no-referrer"
    assert opened.headers["cache-control"] == "no-store"
    page = await client.get(opened.headers["location"])
    assert page.status_code == 200
    assert "Alexandra Zebedee" in page.text and "Jonathan Quixley" not in page.text

    # As typed from a letter: lower case, in groups.
    def link_in(answer: httpx.Response) -> tuple[ConsentLink, str]:
        path, _, query = answer.headers["location"].partition("?")
        return read_consent_token(settings, path.removeprefix("/consent/")), query

    typed = await client.get(f"/a/{grouped_short_code(code).lower()}")
    assert link_in(typed) == link_in(opened) == (ConsentLink(first.id or 0, first.nonce), "")
    welsh = await client.get(f"/a/{code}?lang=cy&next=https://elsewhere.example")
    assert link_in(welsh) == (ConsentLink(first.id or 0, first.nonce), "lang=cy")
    assert await snapshot(database) == before
    assert short_code(settings, second.nonce) != code


async def test_only_the_hash_of_a_code_is_kept(
    client: httpx.AsyncClient, database: Database, settings: Settings
) -> None:
    _, request_id = await _asked(client, database)
    for invitation in await _invitations(database, request_id):
        code = short_code(settings, invitation.nonce)
        assert invitation.short_code_sha256 and len(invitation.short_code_sha256) == 64
        assert code not in repr(invitation.model_dump())


async def test_a_new_link_ends_the_old_short_code(
    client: httpx.AsyncClient, database: Database, settings: Settings
) -> None:
    world, request_id = await _asked(client, database)
    (first, *_) = await _invitations(database, request_id)
    old = short_code(settings, first.nonce)
    qa = {"Authorization": f"Bearer {await api_token(client, world.qa_email)}"}
    reissued = await client.post(f"/api/v1/invitations/{first.id}/reissue", headers=qa)
    assert reissued.status_code == 200, reissued.text
    gone = await client.get(f"/a/{old}")
    assert gone.status_code == 404
    assert "This link does not work" in gone.text
    (renewed, *_) = await _invitations(database, request_id)
    assert (await client.get(f"/a/{short_code(settings, renewed.nonce)}")).status_code == 303


async def test_after_the_conference_starts_the_short_link_leads_to_the_closed_page(
    client: httpx.AsyncClient, database: Database, settings: Settings, clock: FrozenClock
) -> None:
    _, request_id = await _asked(client, database)
    (first, *_) = await _invitations(database, request_id)
    clock.set(NOW + timedelta(days=29))
    opened = await client.get(f"/a/{short_code(settings, first.nonce)}", follow_redirects=True)
    assert opened.status_code == 410
    assert "The meeting has started" in opened.text


async def test_wrong_codes_get_the_calm_page_and_are_slowed(
    client: httpx.AsyncClient, database: Database, settings: Settings
) -> None:
    _, request_id = await _asked(client, database)
    for wrong in ("AAAAAAAAAAAA", "0000-1111-IIII", "short", "x" * 500, "%00%0a"):
        answer = await client.get(f"/a/{wrong}")
        assert answer.status_code in (404, 429), wrong
        assert answer.headers["cache-control"] == "no-store"
    for _ in range(settings.bad_link_limit):
        await client.get("/a/BBBBBBBBBBBB")
    slowed = await client.get("/a/CCCCCCCCCCCC")
    assert slowed.status_code == 429
    assert "Please wait a minute" in slowed.text
    # Slowed, even a right code is not told apart from the wrong ones.
    (first, *_) = await _invitations(database, request_id)
    right = await client.get(f"/a/{short_code(settings, first.nonce)}")
    assert right.status_code == 429
