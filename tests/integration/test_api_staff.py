"""The staff JSON API: each role's allowed and refused actions, and plain refusals."""

from datetime import UTC, datetime, timedelta

import httpx
from sqlalchemy import func, select

from service.settings import Settings
from service.store.database import Database
from service.store.tables import Conference, ObservationRequest
from tests.support.clock import FrozenClock
from tests.support.consent import answer, approved_request, consent_paths
from tests.support.factories import NOW, make_conference, make_request, make_staff
from tests.support.scenario import World, build_world, request_body
from tests.support.web import api_token, sign_in


def _auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def _count(database: Database, table: type) -> int:
    async with database.read_session() as session:
        return int(await session.scalar(select(func.count()).select_from(table)) or 0)


async def _ask(client: httpx.AsyncClient, world: World, **overrides: object) -> httpx.Response:
    token = await api_token(client, world.trainee_email)
    return await client.post(
        "/api/v1/observation-requests",
        json=request_body(world.conference_id, **overrides),
        headers=_auth(token),
    )


async def test_a_token_needs_the_right_password(
    client: httpx.AsyncClient, database: Database
) -> None:
    world = await build_world(database)
    response = await client.post(
        "/api/v1/auth/token", json={"email": world.qa_email, "password": "wrong password"}
    )
    assert response.status_code == 401
    assert response.json() == {"detail": "The email or password is not right."}


async def test_calls_without_a_token_are_refused(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/v1/conferences")
    assert response.status_code == 401


async def test_qa_records_a_conference_and_its_family(
    client: httpx.AsyncClient, database: Database
) -> None:
    world = await build_world(database)
    token = await api_token(client, world.qa_email)
    created = await client.post(
        "/api/v1/conferences",
        json={
            "reference": "CP-NEW-1",
            "kind": "review",
            "starts_at": "2027-01-12T10:00:00+00:00",
            "duration_minutes": 60,
            "venue": "Room 4",
            "open_to_observers": True,
        },
        headers=_auth(token),
    )
    assert created.status_code == 201, created.text
    conference_id = created.json()["id"]
    member = await client.post(
        f"/api/v1/conferences/{conference_id}/family-members",
        json={
            "name": "Chris Parent",
            "relationship": "Father",
            "email": "chris@family.example",
            "is_child": False,
            "has_parental_responsibility": True,
        },
        headers=_auth(token),
    )
    assert member.status_code == 201, member.text


async def test_a_trainee_cannot_record_a_conference(
    client: httpx.AsyncClient, database: Database
) -> None:
    world = await build_world(database)
    before = await _count(database, Conference)
    token = await api_token(client, world.trainee_email)
    response = await client.post(
        "/api/v1/conferences",
        json={
            "reference": "CP-X",
            "kind": "initial",
            "starts_at": "2027-01-12T10:00:00+00:00",
            "duration_minutes": 60,
            "venue": "Room 4",
            "open_to_observers": True,
        },
        headers=_auth(token),
    )
    assert response.status_code == 403
    assert await _count(database, Conference) == before


async def test_a_conference_time_without_a_timezone_is_refused_plainly(
    client: httpx.AsyncClient, database: Database
) -> None:
    world = await build_world(database)
    token = await api_token(client, world.qa_email)
    response = await client.post(
        "/api/v1/conferences",
        json={
            "reference": "CP-TZ",
            "kind": "initial",
            "starts_at": "2027-01-12T10:00:00",
            "duration_minutes": 60,
            "venue": "Room 4",
            "open_to_observers": True,
        },
        headers=_auth(token),
    )
    assert response.status_code == 422
    assert "timezone" in response.json()["detail"]


async def test_a_trainee_asks_and_sees_only_the_status(
    client: httpx.AsyncClient, database: Database
) -> None:
    world = await build_world(database)
    response = await _ask(client, world)
    assert response.status_code == 201, response.text
    assert response.json()["status"] == "submitted"
    token = await api_token(client, world.trainee_email)
    listed = await client.get("/api/v1/conferences?open=true", headers=_auth(token))
    shown = await client.get(
        f"/api/v1/observation-requests/{response.json()['id']}", headers=_auth(token)
    )
    for text in (listed.text, shown.text):
        for secret in [*world.family_names, *world.family_emails]:
            assert secret not in text


async def test_another_trainees_request_is_not_found(
    client: httpx.AsyncClient, database: Database
) -> None:
    world = await build_world(database)
    request_id = (await _ask(client, world)).json()["id"]
    other = await api_token(client, world.other_trainee_email)
    response = await client.get(f"/api/v1/observation-requests/{request_id}", headers=_auth(other))
    assert response.status_code == 404
    withdraw = await client.post(
        f"/api/v1/observation-requests/{request_id}/withdraw", headers=_auth(other)
    )
    assert withdraw.status_code == 404


async def test_a_request_inside_the_notice_window_names_the_last_day(
    client: httpx.AsyncClient, database: Database, clock: FrozenClock
) -> None:
    # The conference is on Monday 30 November 2026; five working days before is Monday 23rd.
    world = await build_world(database, days_ahead=7)
    clock.set(datetime(2026, 11, 24, 9, 0, tzinfo=UTC))
    response = await _ask(client, world)
    assert response.status_code == 422
    assert "Monday 23 November 2026" in response.json()["detail"]
    assert await _count(database, ObservationRequest) == 0


async def test_a_second_observer_for_the_same_conference_is_refused(
    client: httpx.AsyncClient, database: Database
) -> None:
    world = await build_world(database)
    assert (await _ask(client, world)).status_code == 201
    other = await api_token(client, world.other_trainee_email)
    response = await client.post(
        "/api/v1/observation-requests",
        json=request_body(world.conference_id),
        headers=_auth(other),
    )
    assert response.status_code == 422
    assert (
        "Only one observer" in response.json()["detail"] or "already" in response.json()["detail"]
    )
    assert await _count(database, ObservationRequest) == 1


async def test_a_request_without_the_promise_is_refused(
    client: httpx.AsyncClient, database: Database
) -> None:
    world = await build_world(database)
    response = await _ask(client, world, confidentiality_acknowledged=False)
    assert response.status_code == 422
    assert await _count(database, ObservationRequest) == 0


async def test_approval_without_the_promise_is_refused(
    client: httpx.AsyncClient, database: Database
) -> None:
    world = await build_world(database)
    async with database.write_session() as session:
        legacy = await make_request(
            session,
            trainee_id=world.trainee_id,
            conference_id=world.conference_id,
            confidentiality_acknowledged=False,
        )
        await session.commit()
    token = await api_token(client, world.qa_email)
    response = await client.post(
        f"/api/v1/observation-requests/{legacy.id}/approve", headers=_auth(token)
    )
    assert response.status_code == 422
    async with database.read_session() as session:
        stored = await session.get(ObservationRequest, legacy.id)
    assert stored is not None and stored.status == "submitted"


async def test_missing_and_wrongly_typed_fields_get_one_plain_sentence(
    client: httpx.AsyncClient, database: Database
) -> None:
    world = await build_world(database)
    body = request_body(world.conference_id)
    del body["purpose"]
    missing = await _ask_raw(client, world, body)
    assert missing.status_code == 422
    assert missing.json() == {"detail": "The field 'purpose' is missing."}
    wrong = await _ask_raw(
        client, world, {**request_body(world.conference_id), "conference_id": "x"}
    )
    assert wrong.status_code == 422
    assert isinstance(wrong.json()["detail"], str)


async def _ask_raw(
    client: httpx.AsyncClient, world: World, body: dict[str, object]
) -> httpx.Response:
    token = await api_token(client, world.trainee_email)
    return await client.post("/api/v1/observation-requests", json=body, headers=_auth(token))


async def test_qa_approves_declines_and_a_second_decision_is_a_conflict(
    client: httpx.AsyncClient, database: Database
) -> None:
    world = await build_world(database)
    request_id = (await _ask(client, world)).json()["id"]
    token = await api_token(client, world.qa_email)
    trainee = await api_token(client, world.trainee_email)
    assert (
        await client.post(
            f"/api/v1/observation-requests/{request_id}/approve", headers=_auth(trainee)
        )
    ).status_code == 403
    approved = await client.post(
        f"/api/v1/observation-requests/{request_id}/approve", headers=_auth(token)
    )
    assert approved.json() == {"id": request_id, "status": "seeking_consent"}
    declined = await client.post(
        f"/api/v1/observation-requests/{request_id}/decline",
        json={"reason": "Too late"},
        headers=_auth(token),
    )
    assert declined.status_code == 409
    assert "waiting for the family" in declined.json()["detail"]


async def test_the_trainee_withdraws_their_own_request(
    client: httpx.AsyncClient, database: Database
) -> None:
    world = await build_world(database)
    request_id = (await _ask(client, world)).json()["id"]
    token = await api_token(client, world.trainee_email)
    response = await client.post(
        f"/api/v1/observation-requests/{request_id}/withdraw", headers=_auth(token)
    )
    assert response.json() == {"id": request_id, "status": "withdrawn"}


async def test_huge_and_negative_ids_are_refused_without_a_server_error(
    client: httpx.AsyncClient, database: Database
) -> None:
    world = await build_world(database)
    token = await api_token(client, world.qa_email)
    for bad in ("0", "-1", "99999999999999999999", "abc"):
        response = await client.get(f"/api/v1/observation-requests/{bad}", headers=_auth(token))
        assert response.status_code in (404, 422), bad
    missing = await client.get("/api/v1/observation-requests/424242", headers=_auth(token))
    assert missing.status_code == 404


async def test_the_openapi_schema_is_published(client: httpx.AsyncClient) -> None:
    schema = (await client.get("/openapi.json")).json()
    assert "/api/v1/observation-requests/{request_id}/approve" in schema["paths"]


async def test_a_declined_request_gives_its_reason_to_those_who_see_it_on_the_web(
    client: httpx.AsyncClient, database: Database
) -> None:
    world = await build_world(database)
    request_id = (await _ask(client, world)).json()["id"]
    trainee, qa = (
        await api_token(client, world.trainee_email),
        await api_token(client, world.qa_email),
    )
    address = f"/api/v1/observation-requests/{request_id}"
    assert (await client.get(address, headers=_auth(trainee))).json()["decline_reason"] is None
    reason = "The family's first language is not yet known; ask again for the review."
    declined = await client.post(f"{address}/decline", json={"reason": reason}, headers=_auth(qa))
    assert declined.status_code == 200, declined.text

    mine = (await client.get(address, headers=_auth(trainee))).json()
    listed = (await client.get("/api/v1/observation-requests", headers=_auth(trainee))).json()
    theirs = (await client.get(address, headers=_auth(qa))).json()

    assert mine["status"] == "declined" and mine["decline_reason"] == reason
    assert [row["decline_reason"] for row in listed] == [reason]
    assert theirs["decline_reason"] == reason
    # The trainee's page says the same.
    await sign_in(client, world.trainee_email)
    page = (await client.get(f"/trainee/requests/{request_id}")).text
    assert "Reason given" in page and "The family&#39;s first language" in page
    schema = (await client.get("/openapi.json")).json()["components"]["schemas"]
    assert "decline_reason" in schema["RequestTraineeOut"]["required"]
    assert "decline_reason" in schema["RequestQaOut"]["required"]


async def test_a_body_that_is_not_json_or_not_an_object_gets_a_plain_422(
    client: httpx.AsyncClient, database: Database
) -> None:
    world = await build_world(database)
    headers = {
        "Authorization": f"Bearer {await api_token(client, world.trainee_email)}",
        "Content-Type": "application/json",
    }
    for body, expected in (
        (b"\xff\xfe not utf-8", "not valid JSON"),
        (b"{not json", "not valid JSON"),
        (b"[1, 2]", "must be a JSON object"),
    ):
        response = await client.post("/api/v1/observation-requests", content=body, headers=headers)
        assert response.status_code == 422, body
        assert expected in response.json()["detail"]


# Every call a role may not make, as (method, path); {c} is a conference, {r} a request,
# {i} an invitation. The role check comes before any lookup, so ids need not exist.
QA_ONLY = [
    ("POST", "/api/v1/conferences"),
    ("POST", "/api/v1/conferences/{c}/family-members"),
    ("POST", "/api/v1/conferences/{c}/reschedule"),
    ("POST", "/api/v1/conferences/{c}/cancel"),
    ("POST", "/api/v1/observation-requests/{r}/approve"),
    ("POST", "/api/v1/observation-requests/{r}/decline"),
    ("POST", "/api/v1/observation-requests/{r}/chair-check"),
    ("POST", "/api/v1/invitations/{i}/reissue"),
]
TRAINEE_ONLY = [("POST", "/api/v1/observation-requests")]
STAFF = [
    ("GET", "/api/v1/conferences"),
    ("GET", "/api/v1/observation-requests"),
    ("GET", "/api/v1/observation-requests/{r}"),
    ("POST", "/api/v1/observation-requests/{r}/withdraw"),
    ("GET", "/api/v1/observation-requests/{r}/calendar.ics"),
]


async def test_each_role_is_refused_what_it_may_not_do_and_nothing_changes(
    client: httpx.AsyncClient, database: Database
) -> None:
    world = await build_world(database)
    async with database.write_session() as session:
        await make_staff(session, role="admin", email="admin@council.example")
        request = await make_request(
            session, trainee_id=world.trainee_id, conference_id=world.conference_id
        )
        await session.commit()
    refused = {
        world.trainee_email: QA_ONLY,
        world.qa_email: TRAINEE_ONLY,
        "admin@council.example": QA_ONLY + TRAINEE_ONLY + STAFF,
    }
    before = [await _count(database, table) for table in (Conference, ObservationRequest)]
    for email, calls in refused.items():
        token = await api_token(client, email)
        for method, template in calls:
            path = template.format(c=world.conference_id, r=request.id, i=1)
            response = await client.request(method, path, json={}, headers=_auth(token))
            assert response.status_code == 403, (email, method, path, response.text)
            assert response.json() == {"detail": "Your role does not allow this."}
    after = [await _count(database, table) for table in (Conference, ObservationRequest)]
    assert after == before


async def test_after_the_family_answers_the_trainee_still_sees_only_the_status(
    client: httpx.AsyncClient, database: Database, settings: Settings
) -> None:
    world = await build_world(database)
    request_id = await approved_request(client, world)
    paths = await consent_paths(database, settings, request_id)
    await answer(client, paths[world.family_ids[0]], "yes", "Fine by me, Alexandra")
    await answer(client, paths[world.family_ids[1]], "no", "Not this time")
    token = await api_token(client, world.trainee_email)
    one = await client.get(f"/api/v1/observation-requests/{request_id}", headers=_auth(token))
    listed = await client.get("/api/v1/observation-requests", headers=_auth(token))
    invite = await client.get(
        f"/api/v1/observation-requests/{request_id}/calendar.ics", headers=_auth(token)
    )
    assert one.json()["status"] == "not_going_ahead"
    assert [row["id"] for row in listed.json()] == [request_id]
    for text in (one.text, listed.text):
        # Nothing says who said what, or what they wrote: only where the request stands.
        for secret in [*world.family_names, *world.family_emails, "Fine by me", "Not this time"]:
            assert secret not in text
        assert '"yes"' not in text and '"no"' not in text
    assert invite.status_code == 409  # it never went ahead, so there is no invite to add
    other = await api_token(client, world.other_trainee_email)
    theirs = await client.get(
        f"/api/v1/observation-requests/{request_id}/calendar.ics", headers=_auth(other)
    )
    assert theirs.status_code == 404


async def test_a_trainee_sees_only_conferences_open_to_them_and_far_enough_ahead(
    client: httpx.AsyncClient, database: Database
) -> None:
    world = await build_world(database)
    async with database.write_session() as session:
        await make_conference(session, reference="CP-CLOSED", open_to_observers=False)
        await make_conference(session, reference="CP-CANCELLED", cancelled_at=NOW)
        too_soon = await make_conference(
            session, reference="CP-TOO-SOON", starts_at=NOW + timedelta(days=2)
        )
        await make_conference(session, reference="CP-PAST", starts_at=NOW - timedelta(days=2))
        await session.commit()
    token = await api_token(client, world.trainee_email)
    listed = await client.get("/api/v1/conferences", headers=_auth(token))
    references = {row["reference"] for row in listed.json()}
    assert references and not references & {"CP-CLOSED", "CP-CANCELLED", "CP-TOO-SOON", "CP-PAST"}
    await sign_in(client, world.trainee_email)
    page = (await client.get("/trainee")).text
    for hidden in ("CP-CLOSED", "CP-CANCELLED", "CP-PAST"):
        assert hidden not in page
    for reference in references:
        assert reference in page
    # The page lists a conference too soon to ask about, with why, and no way to ask.
    assert "CP-TOO-SOON" in page and "Too soon: requests closed on" in page
    assert f"/trainee/conferences/{too_soon.id}/ask" not in page


async def test_each_role_is_told_what_it_may_do_now_and_nothing_after_the_start(
    client: httpx.AsyncClient, database: Database, clock: FrozenClock
) -> None:
    world = await build_world(database)
    request_id = (await _ask(client, world)).json()["id"]
    qa = _auth(await api_token(client, world.qa_email))
    trainee = _auth(await api_token(client, world.trainee_email))
    path = f"/api/v1/observation-requests/{request_id}"

    async def allowed(headers: dict[str, str]) -> list[str]:
        response = await client.get(path, headers=headers)
        assert response.status_code == 200, response.text
        return list(response.json()["allowed_actions"])

    assert await allowed(qa) == ["approve", "decline", "withdraw"]
    assert await allowed(trainee) == ["withdraw"]
    listed = await client.get("/api/v1/observation-requests", headers=trainee)
    assert [row["allowed_actions"] for row in listed.json()] == [["withdraw"]]
    await client.post(f"{path}/approve", headers=qa)
    assert await allowed(qa) == ["withdraw"]
    clock.set(NOW + timedelta(days=28))
    qa = _auth(await api_token(client, world.qa_email))
    trainee = _auth(await api_token(client, world.trainee_email))
    assert await allowed(qa) == []
    assert await allowed(trainee) == []
