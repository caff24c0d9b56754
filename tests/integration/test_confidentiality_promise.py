"""Approval needs the observer's promise to the current confidentiality statement; a trainee who
promised under an earlier one agrees to the current one on their request page."""

import json

import httpx
from sqlalchemy import select, update
from sqlmodel import col

from service.domain.audit_actions import AuditAction
from service.domain.confidentiality import (
    CONFIDENTIALITY_STATEMENT,
    CONFIDENTIALITY_STATEMENT_VERSION,
)
from service.store.database import Database
from service.store.tables import AuditEntry, ConsentInvitation, ObservationRequest
from tests.support.scenario import World, build_world, request_body
from tests.support.web import api_token, csrf_from, form_post, sign_in

EARLIER = "0"
PROMISE_AGAIN = "Agree to the confidentiality statement again"
APPROVE_BUTTON = "Approve and ask the family"


async def _request_under_an_earlier_statement(
    client: httpx.AsyncClient, database: Database, world: World
) -> int:
    """A request the trainee made, whose promise was to an earlier statement than today's."""
    token = await api_token(client, world.trainee_email)
    created = await client.post(
        "/api/v1/observation-requests",
        json=request_body(world.conference_id),
        headers={"Authorization": f"Bearer {token}"},
    )
    assert created.status_code == 201, created.text
    request_id = int(created.json()["id"])
    async with database.write_session() as session:
        await session.execute(
            update(ObservationRequest)
            .where(col(ObservationRequest.id) == request_id)
            .values(confidentiality_statement_version=EARLIER)
        )
        await session.commit()
    return request_id


async def _request(database: Database, request_id: int) -> ObservationRequest:
    async with database.read_session() as session:
        found = await session.get(ObservationRequest, request_id)
        assert found is not None
        return found


async def _promises(database: Database, request_id: int) -> list[AuditEntry]:
    async with database.read_session() as session:
        return list(
            await session.scalars(
                select(AuditEntry).where(
                    col(AuditEntry.request_id) == request_id,
                    col(AuditEntry.action) == AuditAction.CONFIDENTIALITY_PROMISED_AGAIN,
                )
            )
        )


async def test_a_promise_to_an_earlier_statement_stops_approval_until_the_trainee_agrees_again(
    client: httpx.AsyncClient, second_client: httpx.AsyncClient, database: Database
) -> None:
    world = await build_world(database)
    request_id = await _request_under_an_earlier_statement(client, database, world)
    qa_page = f"/qa/requests/{request_id}"
    await sign_in(second_client, world.qa_email)

    # The page does not offer what would be refused: it says why, and Decline stays.
    before = (await second_client.get(qa_page)).text
    assert APPROVE_BUTTON not in before
    assert f"promised confidentiality under version {EARLIER} of the statement" in before
    assert "wait until the trainee confirms the confidentiality statement" in before
    assert "Decline request" in before
    refused = await form_post(second_client, qa_page, f"{qa_page}/approve", {})

    assert refused.status_code == 422
    assert (
        f"The trainee promised to keep the conference confidential under version {EARLIER} of "
        f"the confidentiality statement, and it is now version {CONFIDENTIALITY_STATEMENT_VERSION}."
    ) in refused.text
    assert "their request page asks them to" in refused.text
    assert (await _request(database, request_id)).status == "submitted"
    async with database.read_session() as session:
        assert (await session.scalars(select(ConsentInvitation))).first() is None

    # The trainee is asked, on their request page, to agree to the statement in force now.
    await sign_in(client, world.trainee_email)
    mine = f"/trainee/requests/{request_id}"
    page = await client.get(mine)
    assert PROMISE_AGAIN in page.text
    assert CONFIDENTIALITY_STATEMENT in page.text
    assert f'action="{mine}/confidentiality"' in page.text

    agreed = await client.post(f"{mine}/confidentiality", data={"csrf_token": csrf_from(page.text)})
    assert agreed.status_code == 303
    assert agreed.headers["location"] == f"{mine}?done=promised"
    after = await client.get(agreed.headers["location"])
    assert "You have agreed to the current confidentiality statement." in after.text
    assert PROMISE_AGAIN not in after.text
    row = await _request(database, request_id)
    assert row.confidentiality_acknowledged
    assert row.confidentiality_statement_version == CONFIDENTIALITY_STATEMENT_VERSION
    [entry] = await _promises(database, request_id)
    assert (entry.actor_kind, entry.actor_id) == ("trainee", str(world.trainee_id))
    assert json.loads(entry.details) == {
        "confidentiality_statement_version": CONFIDENTIALITY_STATEMENT_VERSION,
        "earlier_version": EARLIER,
    }

    # A second click changes nothing and records nothing more.
    again = await client.post(f"{mine}/confidentiality", data={"csrf_token": csrf_from(page.text)})
    assert again.status_code == 303
    assert len(await _promises(database, request_id)) == 1

    assert APPROVE_BUTTON in (await second_client.get(qa_page)).text
    approved = await form_post(second_client, qa_page, f"{qa_page}/approve", {})
    assert approved.status_code == 303
    assert (await _request(database, request_id)).status == "seeking_consent"
    timeline = (await second_client.get(qa_page)).text
    assert (
        "The trainee agreed to the current confidentiality statement (version "
        f"{CONFIDENTIALITY_STATEMENT_VERSION})"
    ) in timeline
    assert f"Their earlier promise was to version {EARLIER}." in timeline


async def test_the_api_refuses_to_approve_under_an_earlier_statement(
    client: httpx.AsyncClient, database: Database
) -> None:
    world = await build_world(database)
    request_id = await _request_under_an_earlier_statement(client, database, world)
    qa = await api_token(client, world.qa_email)
    shown = await client.get(
        f"/api/v1/observation-requests/{request_id}", headers={"Authorization": f"Bearer {qa}"}
    )
    assert "approve" not in shown.json()["allowed_actions"]
    assert "decline" in shown.json()["allowed_actions"]
    refused = await client.post(
        f"/api/v1/observation-requests/{request_id}/approve",
        headers={"Authorization": f"Bearer {qa}"},
    )
    assert refused.status_code == 422
    assert "confirm the current statement" in refused.json()["detail"]


async def test_only_the_trainee_who_asked_may_agree_and_only_with_the_pages_csrf_value(
    client: httpx.AsyncClient, database: Database
) -> None:
    world = await build_world(database)
    request_id = await _request_under_an_earlier_statement(client, database, world)
    action = f"/trainee/requests/{request_id}/confidentiality"

    await sign_in(client, world.trainee_email)
    forged = await client.post(action, data={"csrf_token": "not-the-value"})
    assert forged.status_code == 403

    await sign_in(client, world.other_trainee_email)
    someone_else = await form_post(client, "/trainee", action, {})
    assert someone_else.status_code == 404
    assert (await _request(database, request_id)).confidentiality_statement_version == EARLIER
    assert await _promises(database, request_id) == []


async def test_a_trainee_is_not_asked_again_once_qa_has_decided(
    client: httpx.AsyncClient, second_client: httpx.AsyncClient, database: Database
) -> None:
    world = await build_world(database)
    request_id = await _request_under_an_earlier_statement(client, database, world)
    await sign_in(second_client, world.qa_email)
    qa_page = f"/qa/requests/{request_id}"
    declined = await form_post(
        second_client, qa_page, f"{qa_page}/decline", {"reason": "The conference is too small."}
    )
    assert declined.status_code == 303

    await sign_in(client, world.trainee_email)
    mine = f"/trainee/requests/{request_id}"
    assert PROMISE_AGAIN not in (await client.get(mine)).text
    late = await form_post(client, mine, f"{mine}/confidentiality", {})
    assert late.status_code == 409
    assert "only while the request waits for a decision" in late.text
    assert await _promises(database, request_id) == []
