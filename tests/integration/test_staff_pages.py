"""Staff sign-in, trainee registration and the trainee's pages."""

import re
from datetime import timedelta

import httpx
from sqlalchemy import func, select

from notifications.outbox import OutboxMessage
from service.settings import Settings
from service.store.database import Database
from service.store.tables import ObservationRequest, StaffUser
from service.web.app import create_app
from tests.support.clock import FrozenClock
from tests.support.consent import answer, approved_request, consent_paths
from tests.support.factories import NOW, make_conference, make_request
from tests.support.scenario import build_world
from tests.support.web import csrf_from, form_post, sign_in

ASK_FORM = {
    "role": "Student social worker",
    "organisation": "Children's Services",
    "purpose": "I want to learn how families are heard.",
    "supervisor_name": "Sam Supervisor",
    "supervisor_email": "sam@council.example",
    "confidentiality_acknowledged": "yes",
}


async def _count(database: Database, table: type) -> int:
    async with database.read_session() as session:
        return int(await session.scalar(select(func.count()).select_from(table)) or 0)


async def test_signing_in_sets_a_protected_session_cookie(
    client: httpx.AsyncClient, database: Database
) -> None:
    world = await build_world(database)
    page = await client.get("/sign-in")
    response = await client.post(
        "/sign-in",
        data={
            "email": world.qa_email,
            "password": "correct horse battery staple",
            "csrf_token": csrf_from(page.text),
        },
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/qa"
    cookie = response.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie
    assert "Secure" not in cookie  # development: plain http on one machine


async def test_outside_development_the_cookie_is_secure(
    settings: Settings, database: Database, clock: FrozenClock
) -> None:
    world = await build_world(database)
    production = settings.model_copy(update={"env": "production", "secret_key": "p" * 48})
    app = create_app(production, database, clock=clock)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="https://testserver") as client:
        page = await client.get("/sign-in")
        response = await client.post(
            "/sign-in",
            data={
                "email": world.qa_email,
                "password": "correct horse battery staple",
                "csrf_token": csrf_from(page.text),
            },
        )
        # The development mailbox is not there at all outside development.
        assert (await client.get("/dev/mail")).status_code == 404
        assert (await client.get("/dev/mail/1")).status_code == 404
    assert "Secure" in response.headers["set-cookie"]


async def test_a_wrong_password_gets_an_error_summary(
    client: httpx.AsyncClient, database: Database
) -> None:
    world = await build_world(database)
    page = await client.get("/sign-in")
    response = await client.post(
        "/sign-in",
        data={"email": world.qa_email, "password": "wrong", "csrf_token": csrf_from(page.text)},
    )
    assert response.status_code == 401
    assert "There is a problem" in response.text
    assert "The email address or password is not right" in response.text
    assert "<title>Error:" in response.text


async def test_signing_out_ends_the_session(client: httpx.AsyncClient, database: Database) -> None:
    world = await build_world(database)
    await sign_in(client, world.trainee_email)
    home = await client.get("/trainee")
    assert home.status_code == 200
    response = await client.post("/sign-out", data={"csrf_token": csrf_from(home.text)})
    assert response.status_code == 303
    assert (await client.get("/trainee")).status_code == 303


async def test_a_trainee_registers_and_confirms_their_address(
    client: httpx.AsyncClient, database: Database
) -> None:
    response = await form_post(
        client,
        "/register",
        "/register",
        {"name": "Nia Newcomer", "email": "nia@council.example", "password": "a long password 1"},
    )
    assert response.status_code == 200
    assert "Check your email" in response.text
    async with database.read_session() as session:
        mail = (await session.scalars(select(OutboxMessage))).one()
    link = re.search(r"http://testserver(/register/confirm/\S+)", mail.body_text or "")
    assert link
    page = await client.get("/sign-in")
    before = await client.post(
        "/sign-in",
        data={
            "email": "nia@council.example",
            "password": "a long password 1",
            "csrf_token": csrf_from(page.text),
        },
    )
    assert before.status_code == 401  # not confirmed yet
    confirmed = await client.get(link.group(1))
    assert "Your email address is confirmed" in confirmed.text
    await sign_in(client, "nia@council.example", "a long password 1")


async def test_registration_is_refused_outside_the_allowed_domains(
    client: httpx.AsyncClient, database: Database
) -> None:
    response = await form_post(
        client,
        "/register",
        "/register",
        {"name": "Eve", "email": "eve@elsewhere.example", "password": "a long password 1"},
    )
    assert response.status_code == 422
    assert "Use your work email address" in response.text
    assert 'href="#email"' in response.text
    assert await _count(database, StaffUser) == 0


async def test_registration_is_offered_only_where_a_trainee_could_register(
    client: httpx.AsyncClient, settings: Settings, database: Database, clock: FrozenClock
) -> None:
    assert "Create one with your work email" in (await client.get("/sign-in")).text
    # The default: no domain trainees may register from, so every address would be refused.
    closed = create_app(
        settings.model_copy(update={"trainee_email_domains": []}), database, clock=clock
    )
    transport = httpx.ASGITransport(app=closed)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as browser:
        page = await browser.get("/sign-in")
        form = await browser.get("/register")
        posted = await browser.post(
            "/register",
            data={
                "name": "Nia Newcomer",
                "email": "nia@council.example",
                "password": "a long password 1",
                "csrf_token": csrf_from(page.text),
            },
        )
    assert "/register" not in page.text and "Create one" not in page.text
    assert "Ask the Safeguarding Quality Assurance Service to create one for you." in page.text
    for refused in (form, posted):
        assert refused.status_code == 404
        assert "Trainees cannot create accounts here" in refused.text
        assert "<form" not in refused.text.split("<main", 1)[1]
    assert await _count(database, StaffUser) == 0
    assert await _count(database, OutboxMessage) == 0


async def test_the_trainee_sees_open_conferences_and_nothing_about_the_family(
    client: httpx.AsyncClient, database: Database
) -> None:
    world = await build_world(database)
    await sign_in(client, world.trainee_email)
    home = await client.get("/trainee")
    assert "Ask to observe" in home.text
    for secret in [*world.family_names, *world.family_emails]:
        assert secret not in home.text


async def test_asking_with_missing_fields_shows_each_problem_and_writes_nothing(
    client: httpx.AsyncClient, database: Database
) -> None:
    world = await build_world(database)
    await sign_in(client, world.trainee_email)
    ask = f"/trainee/conferences/{world.conference_id}/ask"
    response = await form_post(client, ask, ask, {"role": "Student"})
    assert response.status_code == 422
    assert "There is a problem" in response.text
    assert "Confirm that you will keep the conference confidential" in response.text
    assert 'href="#purpose"' in response.text
    assert await _count(database, ObservationRequest) == 0


async def test_asking_inside_the_notice_window_names_the_last_day_on_the_page(
    client: httpx.AsyncClient, database: Database, clock: FrozenClock
) -> None:
    world = await build_world(database, days_ahead=7)
    clock.advance(days=1)
    await sign_in(client, world.trainee_email)
    ask = f"/trainee/conferences/{world.conference_id}/ask"
    response = await form_post(client, ask, ask, ASK_FORM)
    assert response.status_code == 422
    assert "Monday 23 November 2026" in response.text
    assert await _count(database, ObservationRequest) == 0


async def test_the_trainee_asks_follows_and_withdraws_through_the_pages(
    client: httpx.AsyncClient, database: Database
) -> None:
    world = await build_world(database)
    await sign_in(client, world.trainee_email)
    ask = f"/trainee/conferences/{world.conference_id}/ask"
    asked = await form_post(client, ask, ask, ASK_FORM)
    assert asked.status_code == 303
    request_page = asked.headers["location"].split("?")[0]
    page = await client.get(asked.headers["location"])
    assert "Your request has been sent" in page.text
    withdrawn = await form_post(client, request_page, f"{request_page}/withdraw", {})
    assert withdrawn.status_code == 303
    assert "Withdrawn" in (await client.get(request_page)).text


async def test_once_the_conference_has_started_the_trainee_is_not_offered_withdraw(
    client: httpx.AsyncClient,
    second_client: httpx.AsyncClient,
    database: Database,
    settings: Settings,
    clock: FrozenClock,
) -> None:
    world = await build_world(database)
    request_id = await approved_request(client, world)
    for path in (await consent_paths(database, settings, request_id)).values():
        await answer(second_client, path, "yes")
    await sign_in(client, world.trainee_email)
    page = f"/trainee/requests/{request_id}"
    assert "Withdraw this request" in (await client.get(page)).text
    clock.set(NOW + timedelta(days=28))
    await sign_in(client, world.trainee_email)
    after = await client.get(page)
    assert after.status_code == 200
    assert "Withdraw this request" not in after.text
    refused = await client.post(f"{page}/withdraw", data={"csrf_token": csrf_from(after.text)})
    assert refused.status_code == 409


async def test_pages_refuse_the_wrong_role_and_hide_other_trainees_requests(
    client: httpx.AsyncClient, second_client: httpx.AsyncClient, database: Database
) -> None:
    world = await build_world(database)
    request_id = await approved_request(client, world)
    await sign_in(client, world.other_trainee_email)
    assert (await client.get(f"/trainee/requests/{request_id}")).status_code == 404
    await sign_in(second_client, world.qa_email)
    assert (await second_client.get("/trainee")).status_code == 403


async def test_once_confirmed_the_trainee_can_download_the_invite_and_sees_no_answers(
    client: httpx.AsyncClient,
    second_client: httpx.AsyncClient,
    database: Database,
    settings: Settings,
) -> None:
    world = await build_world(database)
    request_id = await approved_request(client, world)
    for path in (await consent_paths(database, settings, request_id)).values():
        await answer(second_client, path, "yes", comment="Fine by me")
    await sign_in(client, world.trainee_email)
    page = await client.get(f"/trainee/requests/{request_id}")
    assert "Going ahead" in page.text
    for secret in [*world.family_names, *world.family_emails, "Fine by me"]:
        assert secret not in page.text
    invite = await client.get(f"/trainee/requests/{request_id}/calendar.ics")
    assert invite.status_code == 200
    assert invite.headers["content-type"].startswith("text/calendar")
    assert "METHOD:REQUEST" in invite.text
    for name in world.family_names:
        assert name not in invite.text


async def test_the_trainee_home_pages_both_lists_fifty_at_a_time(
    client: httpx.AsyncClient, database: Database
) -> None:
    world = await build_world(database)
    async with database.write_session() as session:
        # 60 more open conferences (61 with the world's), and 51 requests by this trainee.
        conferences = [
            await make_conference(session, reference=f"CP-PAGE-{n:03d}") for n in range(60)
        ]
        requests = [
            await make_request(session, trainee_id=world.trainee_id, conference_id=conference.id)
            for conference in conferences[:51]
        ]
        await session.commit()
    await sign_in(client, world.trainee_email)

    # A conference the trainee asked about links to their request instead of the form, so the
    # lists are counted by their rows: conferences by reference, requests by conference.
    first = await client.get("/trainee")
    assert first.text.count('data-label="Reference"') == 50
    assert first.text.count('data-label="Conference"') == 50
    own_requests = first.text.split('id="your-requests"')[1]
    assert f'href="/trainee/requests/{requests[0].id}"' not in own_requests
    more_conferences = "/trainee?page=2"
    older_requests = f"/trainee?page=1&amp;before_id={requests[1].id}#your-requests"
    assert more_conferences in first.text and older_requests in first.text

    second_conferences = await client.get(more_conferences)
    assert second_conferences.text.count('data-label="Reference"') == 11
    assert "More conferences" not in second_conferences.text

    older = await client.get(older_requests.replace("&amp;", "&").split("#")[0])
    assert older.text.count('data-label="Conference"') == 1
    assert f'href="/trainee/requests/{requests[0].id}"' in older.text
    assert "Older requests" not in older.text

    for query in ("page=0", "page=abc", "before_id=-1", "before_id=99999999999999999999"):
        refused = await client.get(f"/trainee?{query}")
        assert refused.status_code == 422
        assert "Traceback" not in refused.text
