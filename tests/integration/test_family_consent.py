"""The family's consent links: nothing changes on opening, one no stops it, bad links are calm."""

import re
from datetime import timedelta

import httpx
import pytest
import time_machine
from sqlalchemy import func, select

from notifications.outbox import OutboxMessage
from service.domain.consent import Wording
from service.links import make_consent_token
from service.settings import Settings
from service.signing import serializer_for
from service.store.database import Database
from service.store.tables import (
    AuditEntry,
    ConsentAnswer,
    ConsentInvitation,
    ObservationRequest,
)
from service.usecases.steps.information_text import TEXT_VERSIONS
from service.web.app import create_app
from tests.support.clock import FrozenClock
from tests.support.consent import (
    answer,
    approved_request,
    consent_paths,
    information_sha256,
)
from tests.support.factories import NOW
from tests.support.scenario import build_world
from tests.support.web import api_token, csrf_from


async def _snapshot(database: Database, request_id: int) -> tuple[object, ...]:
    async with database.read_session() as session:
        counts = [
            await session.scalar(select(func.count()).select_from(table))
            for table in (AuditEntry, ConsentAnswer, OutboxMessage)
        ]
        request = await session.get(ObservationRequest, request_id)
        invitations = (await session.scalars(select(ConsentInvitation))).all()
    assert request is not None
    return (
        *counts,
        request.status,
        request.version,
        tuple((i.id, i.nonce, i.current_answer, i.reminders_sent) for i in invitations),
    )


async def _status(database: Database, request_id: int) -> str:
    async with database.read_session() as session:
        request = await session.get(ObservationRequest, request_id)
    assert request is not None
    return request.status


async def test_opening_a_link_three_times_with_get_and_head_changes_nothing(
    client: httpx.AsyncClient, database: Database, settings: Settings
) -> None:
    world = await build_world(database)
    request_id = await approved_request(client, world)
    path = next(iter((await consent_paths(database, settings, request_id)).values()))
    before = await _snapshot(database, request_id)
    for _ in range(3):
        assert (await client.get(path)).status_code == 200
        assert (await client.head(path)).status_code == 200
    assert await _snapshot(database, request_id) == before


async def test_a_post_without_the_csrf_value_is_refused(
    client: httpx.AsyncClient, database: Database, settings: Settings
) -> None:
    world = await build_world(database)
    request_id = await approved_request(client, world)
    path = next(iter((await consent_paths(database, settings, request_id)).values()))
    page = await client.get(path)
    before = await _snapshot(database, request_id)
    response = await client.post(
        path, data={"decision": "yes", "text_sha256": information_sha256(page.text)}
    )
    assert response.status_code == 403
    wrong = await client.post(
        path,
        data={
            "decision": "yes",
            "csrf_token": "x" * 32,
            "text_sha256": information_sha256(page.text),
        },
    )
    assert wrong.status_code == 403
    assert await _snapshot(database, request_id) == before


async def test_the_page_offers_both_answers_equally_and_preselects_neither(
    client: httpx.AsyncClient, database: Database, settings: Settings
) -> None:
    world = await build_world(database)
    request_id = await approved_request(client, world)
    path = next(iter((await consent_paths(database, settings, request_id)).values()))
    html = (await client.get(path)).text
    yes = re.search(r'<div class="govuk-radios__item">\s*<input([^>]*)value="yes"([^>]*)>', html)
    no = re.search(r'<div class="govuk-radios__item">\s*<input([^>]*)value="no"([^>]*)>', html)
    assert yes and no
    assert "checked" not in yes.group(0) and "checked" not in no.group(0)
    assert yes.group(1) == no.group(1).replace("decision-2", "decision")
    assert "Yes, they can observe" in html and "No, they cannot observe" in html
    assert html.count('type="submit"') + html.count("<button") >= 1
    assert "reason" not in html.lower().split("you do not need to give a reason")[0][-200:]


async def test_sending_without_choosing_keeps_the_comment_and_records_nothing(
    client: httpx.AsyncClient, database: Database, settings: Settings
) -> None:
    world = await build_world(database)
    request_id = await approved_request(client, world)
    path = next(iter((await consent_paths(database, settings, request_id)).values()))
    before = await _snapshot(database, request_id)

    response = await answer(client, path, "", comment="I'd like to meet them first & <ask>")

    assert response.status_code == 422
    assert "Choose yes or no" in response.text
    assert 'aria-describedby="decision-error"' in response.text
    assert "I&#39;d like to meet them first &amp; &lt;ask&gt;</textarea>" in response.text
    assert await _snapshot(database, request_id) == before


@pytest.mark.parametrize(
    ("member", "must_say"),
    [
        (
            0,  # a parent: the adult wording
            [
                "would see and hear everything that is said",
                "They must keep it all private",
                "If you say no, nothing changes about the meeting, the plan or the help",
                "You can change your mind at any time until the meeting starts",
            ],
        ),
        (
            2,  # the 13-year-old: the young person's wording
            [
                "They would hear what people say.",
                "They must keep it private.",
                "If you say no, nothing else will change.",
                "You can change your mind until the meeting starts.",
            ],
        ),
    ],
    ids=["adult", "young-person"],
)
async def test_the_page_says_who_asks_why_what_it_means_and_whom_to_ask(
    client: httpx.AsyncClient,
    database: Database,
    settings: Settings,
    member: int,
    must_say: list[str],
) -> None:
    world = await build_world(database)
    request_id = await approved_request(client, world)
    path = (await consent_paths(database, settings, request_id))[world.family_ids[member]]
    page = (await client.get(path)).text
    for words in [
        "Taylor Trainee (Student social worker, Children&#39;s Services)",
        "I want to learn how families are heard at these meetings.",  # in their own words
        "Monday 21 December 2026 at 10:00am",  # the conference, in UK time
        settings.qa_service_phone,
        f'href="mailto:{settings.qa_mailbox}"',
        *must_say,
    ]:
        assert words in page, words
    for other in range(3):
        if other != member:
            assert world.family_names[other] not in page


async def test_the_links_send_no_referrer_and_are_not_cached(
    client: httpx.AsyncClient, database: Database, settings: Settings
) -> None:
    world = await build_world(database)
    request_id = await approved_request(client, world)
    path = next(iter((await consent_paths(database, settings, request_id)).values()))
    response = await client.get(path)
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert response.headers["Cache-Control"] == "no-store"
    bad = await client.get("/consent/not-a-real-token")
    assert bad.headers["Referrer-Policy"] == "no-referrer"


@pytest.mark.parametrize("refuser", [0, 1, 2])
async def test_one_refusal_stops_the_observation_whoever_says_it(
    client: httpx.AsyncClient, database: Database, settings: Settings, refuser: int
) -> None:
    world = await build_world(database)
    request_id = await approved_request(client, world)
    paths = await consent_paths(database, settings, request_id)
    order = [world.family_ids[(refuser + n) % 3] for n in range(3)]
    for position, member_id in enumerate(order):
        decision = "no" if member_id == world.family_ids[refuser] else "yes"
        response = await answer(client, paths[member_id], decision)
        if (
            position == 0
            or decision == "no"
            or await _status(database, request_id) == "seeking_consent"
        ):
            assert response.status_code in (303, 410), response.text
        if decision == "no":
            break
    assert await _status(database, request_id) == "not_going_ahead"


async def test_everyone_saying_yes_confirms_and_a_change_to_no_stops_it(
    client: httpx.AsyncClient, database: Database, settings: Settings
) -> None:
    world = await build_world(database)
    request_id = await approved_request(client, world)
    paths = await consent_paths(database, settings, request_id)
    for member_id in world.family_ids:
        assert (await answer(client, paths[member_id], "yes")).status_code == 303
    assert await _status(database, request_id) == "confirmed"
    changed = await answer(client, paths[world.family_ids[2]], "no")
    assert changed.status_code == 303
    assert await _status(database, request_id) == "not_going_ahead"
    shown = await client.get(paths[world.family_ids[2]])
    said_no = "You said no. The observer will not come. You do not need to do anything else."
    assert said_no in shown.text


async def test_after_a_no_the_others_are_told_it_is_no_longer_active(
    client: httpx.AsyncClient, database: Database, settings: Settings
) -> None:
    world = await build_world(database)
    request_id = await approved_request(client, world)
    paths = await consent_paths(database, settings, request_id)
    await answer(client, paths[world.family_ids[0]], "no")
    other = await client.get(paths[world.family_ids[1]])
    assert other.status_code == 410
    assert "This request has ended. You do not need to do anything." in other.text
    assert world.family_names[0] not in other.text


async def test_the_confirmation_says_what_happens_and_how_to_change(
    client: httpx.AsyncClient, database: Database, settings: Settings
) -> None:
    world = await build_world(database)
    request_id = await approved_request(client, world)
    paths = await consent_paths(database, settings, request_id)
    response = await answer(client, paths[world.family_ids[0]], "yes")
    page = await client.get(response.headers["location"])
    assert "Your answer is saved" in page.text
    assert "You said <strong>yes</strong>" in page.text
    assert "You can change it below until the meeting starts" in page.text


async def test_the_stored_text_hash_matches_the_text_served(
    client: httpx.AsyncClient, database: Database, settings: Settings
) -> None:
    world = await build_world(database)
    request_id = await approved_request(client, world)
    path = (await consent_paths(database, settings, request_id))[world.family_ids[2]]
    served = information_sha256((await client.get(path)).text)
    await answer(client, path, "yes")
    async with database.read_session() as session:
        stored = (await session.scalars(select(ConsentAnswer))).one()
    assert stored.text_sha256 == served
    assert stored.text_version == TEXT_VERSIONS[Wording.YOUNG_PERSON]
    assert stored.channel == "link"
    assert stored.language == "en"


async def test_no_answer_is_recorded_after_the_conference_starts(
    client: httpx.AsyncClient, database: Database, settings: Settings, clock: FrozenClock
) -> None:
    world = await build_world(database)
    request_id = await approved_request(client, world)
    path = next(iter((await consent_paths(database, settings, request_id)).values()))
    page = await client.get(path)
    clock.set(NOW + timedelta(days=28))
    before = await _snapshot(database, request_id)
    response = await client.post(
        path,
        data={
            "decision": "no",
            "csrf_token": csrf_from(page.text),
            "text_sha256": information_sha256(page.text),
        },
    )
    assert response.status_code == 410
    assert "The meeting has started" in response.text
    assert await _snapshot(database, request_id) == before


async def _bad_link_page(client: httpx.AsyncClient, path: str) -> httpx.Response:
    response = await client.get(path)
    assert 400 <= response.status_code < 500
    assert "Traceback" not in response.text
    assert "01234 567890" in response.text  # the QA Service's phone number
    return response


async def test_altered_foreign_unknown_and_superseded_links_get_the_same_calm_page(
    client: httpx.AsyncClient, database: Database, settings: Settings
) -> None:
    world = await build_world(database)
    request_id = await approved_request(client, world)
    path = next(iter((await consent_paths(database, settings, request_id)).values()))
    # A character inside the signature, not the last one, whose padding bits may not count.
    position = len(path) - 10
    altered = path[:position] + ("A" if path[position] != "A" else "Q") + path[position + 1 :]
    foreign = "/consent/" + serializer_for(settings, salt="cpc-observers/api-token").dumps([1, "x"])
    unknown = "/consent/" + make_consent_token(settings, invitation_id=999_999, nonce="n")
    async with database.write_session() as session:
        invitation = (await session.scalars(select(ConsentInvitation))).first()
        assert invitation is not None
        old_path = "/consent/" + make_consent_token(
            settings, invitation_id=invitation.id or 0, nonce=invitation.nonce
        )
        invitation.nonce = "reissued-nonce"
        await session.commit()
    pages = [await _bad_link_page(client, p) for p in (altered, foreign, unknown, old_path)]
    assert {page.status_code for page in pages} == {404}
    assert len({page.text for page in pages}) == 1


async def test_a_link_older_than_its_safety_limit_is_expired(
    client: httpx.AsyncClient, database: Database, settings: Settings, clock: FrozenClock
) -> None:
    world = await build_world(database, days_ahead=400)
    request_id = await approved_request(client, world)
    path = next(iter((await consent_paths(database, settings, request_id)).values()))
    with time_machine.travel(NOW + timedelta(days=200), tick=False):
        response = await _bad_link_page(client, path)
    assert response.status_code == 410


async def test_a_link_signed_with_a_previous_key_works_while_listed(
    database: Database, settings: Settings, clock: FrozenClock
) -> None:
    world = await build_world(database)
    old_settings = settings.model_copy(update={"secret_key": "old-key-" + "x" * 40})
    old_app = create_app(old_settings, database, clock=clock)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=old_app), base_url="http://testserver"
    ) as old_client:
        request_id = await approved_request(old_client, world)
    paths = await consent_paths(database, old_settings, request_id)
    path = next(iter(paths.values()))
    rotated = settings.model_copy(
        update={
            "secret_key": "new-key-" + "y" * 40,
            "previous_secret_keys": [old_settings.secret_key],
        }
    )
    forgotten = settings.model_copy(update={"secret_key": "new-key-" + "y" * 40})
    for app_settings, expected in ((rotated, 200), (forgotten, 404)):
        app = create_app(app_settings, database, clock=clock)
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://testserver"
        ) as client:
            assert (await client.get(path)).status_code == expected


async def test_too_many_bad_links_from_one_address_are_slowed_down(
    client: httpx.AsyncClient, settings: Settings, clock: FrozenClock
) -> None:
    for _ in range(settings.bad_link_limit):
        assert (await client.get("/consent/nonsense")).status_code == 404
    assert (await client.get("/consent/nonsense")).status_code == 429
    clock.advance(minutes=1)
    assert (await client.get("/consent/nonsense")).status_code == 404


async def test_tokens_never_reach_the_log(
    client: httpx.AsyncClient,
    database: Database,
    settings: Settings,
    caplog: pytest.LogCaptureFixture,
) -> None:
    world = await build_world(database)
    request_id = await approved_request(client, world)
    path = next(iter((await consent_paths(database, settings, request_id)).values()))
    token = path.rsplit("/", 1)[1]
    with caplog.at_level("DEBUG"):
        await answer(client, path, "yes")
        await client.get("/consent/" + token[:-4] + "abcd")
    # The test client (httpx) and the SQLite driver's debug trace are not the service's logs.
    service_lines = [
        record.getMessage()
        for record in caplog.records
        if not record.name.startswith(("httpx", "aiosqlite"))
    ]
    assert not [line for line in service_lines if token in line or token[:20] in line]
    assert any("/consent/[token]" in line for line in service_lines)


async def test_reissuing_a_link_voids_the_old_one_and_sends_a_new_one(
    client: httpx.AsyncClient, database: Database, settings: Settings
) -> None:
    world = await build_world(database)
    request_id = await approved_request(client, world)
    old_path = (await consent_paths(database, settings, request_id))[world.family_ids[0]]
    async with database.read_session() as session:
        invitation = (
            await session.scalars(
                select(ConsentInvitation).where(
                    ConsentInvitation.family_member_id == world.family_ids[0]
                )
            )
        ).one()
    qa = await api_token(client, world.qa_email)
    response = await client.post(
        f"/api/v1/invitations/{invitation.id}/reissue", headers={"Authorization": f"Bearer {qa}"}
    )
    assert response.status_code == 200, response.text
    new_path = (await consent_paths(database, settings, request_id))[world.family_ids[0]]
    assert (await client.get(old_path)).status_code == 404
    assert (await client.get(new_path)).status_code == 200
    async with database.read_session() as session:
        mailed = (
            await session.scalars(
                select(OutboxMessage).where(OutboxMessage.to_address == world.family_emails[0])
            )
        ).all()
    assert [m.template for m in mailed] == ["family_invitation", "family_invitation"]
    # The token carries the second it was signed, so the link is compared by where it
    # leads, not by its characters: the mailed link opens the page, the old one does not.
    mailed_link = re.search(r"/consent/[^\s]+", mailed[-1].body_text or "")
    assert mailed_link is not None
    assert mailed_link.group(0) != old_path
    assert (await client.get(mailed_link.group(0))).status_code == 200
