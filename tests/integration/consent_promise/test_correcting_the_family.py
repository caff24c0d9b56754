"""QA corrects the family while it is being asked: every change reaches the right person."""

import re
from datetime import timedelta

import httpx
from sqlalchemy import select
from sqlmodel import col

from service.settings import Settings
from service.store.database import Database
from service.store.tables import AuditEntry, ConsentAnswer, FamilyMember
from tests.integration.consent_promise.helpers import emails_to, invitations_of, request_status
from tests.integration.test_qa_pages import snapshot
from tests.support.clock import FrozenClock
from tests.support.consent import answer, approved_request, consent_paths
from tests.support.scenario import World, build_world
from tests.support.web import api_token, form_post, sign_in


async def qa_headers(client: httpx.AsyncClient, world: World) -> dict[str, str]:
    return {"Authorization": f"Bearer {await api_token(client, world.qa_email)}"}


async def audit_actions(database: Database) -> list[AuditEntry]:
    async with database.read_session() as session:
        return list(await session.scalars(select(AuditEntry).order_by(col(AuditEntry.id))))


async def test_a_new_email_address_stops_the_old_link_and_sends_a_new_one(
    client: httpx.AsyncClient, database: Database, settings: Settings
) -> None:
    world = await build_world(database)
    request_id = await approved_request(client, world)
    old_path = (await consent_paths(database, settings, request_id))[world.family_ids[0]]
    changed = await client.patch(
        f"/api/v1/family-members/{world.family_ids[0]}",
        json={"email": "alexandra.new@family.example"},
        headers=await qa_headers(client, world),
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["email"] == "alexandra.new@family.example"
    assert (await client.get(old_path)).status_code == 404
    sent = await emails_to(database, "alexandra.new@family.example", "family_invitation")
    assert len(sent) == 1
    link = re.search(r"/consent/\S+", sent[0].body_text or "")
    assert link is not None and link.group(0) != old_path
    assert (await answer(client, link.group(0), "yes")).status_code == 303
    entry = next(e for e in await audit_actions(database) if e.action == "family_member_changed")
    assert world.family_emails[0] not in entry.details
    assert '"changed":["email"]' in entry.details


async def test_do_not_email_stops_the_link_and_asks_in_person(
    client: httpx.AsyncClient, database: Database, settings: Settings
) -> None:
    world = await build_world(database)
    request_id = await approved_request(client, world)
    old_path = (await consent_paths(database, settings, request_id))[world.family_ids[1]]
    before = len(await emails_to(database, world.family_emails[1]))
    changed = await client.patch(
        f"/api/v1/family-members/{world.family_ids[1]}",
        json={"contact_by_email": False},
        headers=await qa_headers(client, world),
    )
    assert changed.status_code == 200, changed.text
    assert (await client.get(old_path)).status_code == 404
    invitation = next(
        i
        for i in await invitations_of(database, request_id)
        if i.family_member_id == world.family_ids[1]
    )
    assert invitation.ask_in_person and invitation.ended_at is None
    assert len(await emails_to(database, world.family_emails[1])) == before


async def test_a_parent_added_while_the_family_is_asked_is_asked_too(
    client: httpx.AsyncClient, database: Database, settings: Settings
) -> None:
    world = await build_world(database)
    request_id = await approved_request(client, world)
    paths = await consent_paths(database, settings, request_id)
    for member_id in world.family_ids:
        await answer(client, paths[member_id], "yes")
    assert await request_status(database, request_id) == "confirmed"
    added = await client.post(
        f"/api/v1/conferences/{world.conference_id}/family-members",
        json={
            "name": "Robin Zebedee",
            "relationship": "Stepfather",
            "email": "robin@family.example",
            "is_child": False,
            "has_parental_responsibility": True,
        },
        headers=await qa_headers(client, world),
    )
    assert added.status_code == 201, added.text
    # Unanimity: the observation waits again for the new parent, and the invite is withdrawn.
    assert await request_status(database, request_id) == "seeking_consent"
    assert len(await emails_to(database, "robin@family.example", "family_invitation")) == 1
    cancels = [
        m for m in await emails_to(database, world.trainee_email) if m.template == "calendar_cancel"
    ]
    assert len(cancels) == 1 and "SEQUENCE:1" in (cancels[0].calendar_ics or "")
    new_path = (await consent_paths(database, settings, request_id))[int(added.json()["id"])]
    await answer(client, new_path, "yes")
    assert await request_status(database, request_id) == "confirmed"
    invites = [
        m for m in await emails_to(database, world.trainee_email) if m.template == "calendar_invite"
    ]
    assert "SEQUENCE:2" in (invites[-1].calendar_ics or "")


async def test_adding_someone_who_must_be_asked_after_the_deadline_is_refused(
    client: httpx.AsyncClient, database: Database, clock: FrozenClock
) -> None:
    world = await build_world(database, days_ahead=10)
    request_id = await approved_request(client, world)
    clock.set(clock.now + timedelta(days=9, hours=8))  # past 17:00 the working day before
    headers = await qa_headers(client, world)  # a token lasts hours, not days
    before = await snapshot(database)
    added = await client.post(
        f"/api/v1/conferences/{world.conference_id}/family-members",
        json={
            "name": "Robin Zebedee",
            "relationship": "Stepfather",
            "email": "robin@family.example",
            "is_child": False,
            "has_parental_responsibility": True,
        },
        headers=headers,
    )
    assert added.status_code == 409
    assert "there is no time left for them to answer" in added.json()["detail"]
    assert await snapshot(database) == before
    assert await request_status(database, request_id) == "seeking_consent"


async def test_a_child_judged_again_stops_being_asked_and_the_rest_decide(
    client: httpx.AsyncClient, database: Database, settings: Settings
) -> None:
    world = await build_world(database)
    request_id = await approved_request(client, world)
    paths = await consent_paths(database, settings, request_id)
    await answer(client, paths[world.family_ids[0]], "yes")
    await answer(client, paths[world.family_ids[1]], "yes")
    changed = await client.patch(
        f"/api/v1/family-members/{world.family_ids[2]}",
        json={"sufficient_understanding": False},
        headers=await qa_headers(client, world),
    )
    assert changed.status_code == 200, changed.text
    # Everyone still asked has said yes, so the observation goes ahead.
    assert await request_status(database, request_id) == "confirmed"
    page = await client.get(paths[world.family_ids[2]])
    assert page.status_code == 404  # the link stopped with the change


async def test_removing_someone_stops_their_link_and_keeps_their_answer(
    client: httpx.AsyncClient, database: Database, settings: Settings
) -> None:
    world = await build_world(database)
    request_id = await approved_request(client, world)
    paths = await consent_paths(database, settings, request_id)
    await answer(client, paths[world.family_ids[1]], "yes", comment="Fine by me")
    headers = await qa_headers(client, world)
    removed = await client.delete(f"/api/v1/family-members/{world.family_ids[1]}", headers=headers)
    assert removed.status_code == 204
    assert (await client.get(paths[world.family_ids[1]])).status_code == 404
    async with database.read_session() as session:
        kept = list(await session.scalars(select(ConsentAnswer)))
        member = await session.get(FamilyMember, world.family_ids[1])
    assert [a.comment for a in kept] == ["Fine by me"]
    assert member is not None and member.removed_at is not None
    seen = await client.get(f"/api/v1/observation-requests/{request_id}", headers=headers)
    father = next(f for f in seen.json()["family"] if f["family_member_id"] == world.family_ids[1])
    assert father["answer"] == "yes" and father["still_asked"] is False
    again = await client.delete(f"/api/v1/family-members/{world.family_ids[1]}", headers=headers)
    assert again.status_code == 404
    await sign_in(client, world.qa_email)
    timeline = await client.get(f"/qa/requests/{request_id}")
    assert "Jonathan Quixley (Father) was no longer asked" in timeline.text
    assert "What they had answered (yes) stays in the record but no longer counts." in timeline.text
    assert "Not asked: no longer asked: removed from the family list" in timeline.text


async def test_removing_the_last_person_asked_is_refused(
    client: httpx.AsyncClient, database: Database
) -> None:
    world = await build_world(database)
    await approved_request(client, world)
    headers = await qa_headers(client, world)
    assert (
        await client.delete(f"/api/v1/family-members/{world.family_ids[0]}", headers=headers)
    ).status_code == 204
    assert (
        await client.delete(f"/api/v1/family-members/{world.family_ids[1]}", headers=headers)
    ).status_code == 204
    before = await snapshot(database)
    last = await client.delete(f"/api/v1/family-members/{world.family_ids[2]}", headers=headers)
    assert last.status_code == 409
    assert "nobody in the family would be asked" in last.json()["detail"]
    assert await snapshot(database) == before


async def test_corrections_are_for_qa_only_and_only_before_the_conference(
    client: httpx.AsyncClient, database: Database, clock: FrozenClock
) -> None:
    world = await build_world(database)
    trainee = {"Authorization": f"Bearer {await api_token(client, world.trainee_email)}"}
    url = f"/api/v1/family-members/{world.family_ids[0]}"
    assert (await client.patch(url, json={"name": "X"}, headers=trainee)).status_code == 403
    assert (await client.delete(url, headers=trainee)).status_code == 403
    headers = await qa_headers(client, world)
    assert (
        await client.patch("/api/v1/family-members/999999", json={}, headers=headers)
    ).status_code == 404
    empty = await client.patch(url, json={"name": None}, headers=headers)
    assert (
        empty.status_code == 422 and empty.json()["detail"] == "The field 'name' cannot be empty."
    )
    no_address = await client.patch(url, json={"email": None}, headers=headers)
    assert no_address.status_code == 422
    clock.set(clock.now + timedelta(days=29))
    headers = await qa_headers(client, world)  # a token lasts hours, not days
    late = await client.patch(url, json={"name": "Alex Zebedee"}, headers=headers)
    assert late.status_code == 409
    assert late.json()["detail"] == (
        "The conference has started, so the family's details can no longer be changed."
    )


async def test_qa_corrects_and_removes_on_the_web(
    client: httpx.AsyncClient, database: Database
) -> None:
    world = await build_world(database)
    await sign_in(client, world.qa_email)
    base = f"/qa/conferences/{world.conference_id}/family-members/{world.family_ids[0]}"
    form = await client.get(f"{base}/edit")
    assert form.status_code == 200
    assert 'value="Alexandra Zebedee"' in form.text
    response = await form_post(
        client,
        f"{base}/edit",
        f"{base}/edit",
        {
            "name": "Alexandra Zebedee",
            "relationship": "Mother",
            "email": "alex.z@family.example",
            "child_or_adult": "adult",
            "has_parental_responsibility": "yes",
        },
    )
    assert response.status_code == 303, response.text
    page = await client.get(response.headers["location"])
    assert "alex.z@family.example" in page.text
    confirm = await client.get(f"{base}/remove")
    assert "Are you sure you want to remove Alexandra Zebedee?" in confirm.text
    removed = await form_post(client, f"{base}/remove", f"{base}/remove", {})
    assert removed.status_code == 303
    page = await client.get(removed.headers["location"])
    assert "Alexandra Zebedee" not in page.text
