"""Sessions that end: sign-out, idleness, age, stopping an account, and an administrator."""

import httpx
from sqlalchemy import select
from sqlmodel import col

from service.auth import SESSION_COOKIE, token_hash
from service.store.database import Database
from service.store.tables import StaffSession, StaffUser
from tests.support.clock import FrozenClock
from tests.support.factories import make_staff
from tests.support.web import api_token, csrf_from, form_post, sign_in


async def _person(database: Database, role: str = "qa", **overrides: object) -> StaffUser:
    async with database.write_session() as session:
        user = await make_staff(session, role=role, **overrides)
        await session.commit()
        return user


async def _sign_out(client: httpx.AsyncClient, page: str) -> None:
    response = await form_post(client, page, "/sign-out", {})
    assert response.status_code == 303


async def _is_signed_in(client: httpx.AsyncClient, page: str = "/qa") -> bool:
    response = await client.get(page)
    if response.status_code == 303:
        assert response.headers["location"] == "/sign-in"
        return False
    assert response.status_code == 200
    return True


def _with_cookie(client: httpx.AsyncClient, value: str) -> None:
    client.cookies.clear()
    client.cookies.set(SESSION_COOKIE, value)


async def test_the_cookie_is_random_and_the_database_keeps_only_its_hash(
    client: httpx.AsyncClient, database: Database
) -> None:
    user = await _person(database)
    await sign_in(client, user.email)
    cookie = client.cookies[SESSION_COOKIE]
    # 256 random bits: no user id, no signature, nothing to read back.
    assert len(cookie) == 43 and "." not in cookie and user.email not in cookie
    async with database.read_session() as session:
        rows = list(await session.scalars(select(StaffSession)))
    assert [row.token_hash for row in rows] == [token_hash(cookie)]
    assert all(cookie not in (row.token_hash, row.csrf_token) for row in rows)


async def test_a_replayed_cookie_after_sign_out_gets_the_sign_in_page(
    client: httpx.AsyncClient, second_client: httpx.AsyncClient, database: Database
) -> None:
    user = await _person(database)
    await sign_in(client, user.email)
    copied = client.cookies[SESSION_COOKIE]
    _with_cookie(second_client, copied)
    assert await _is_signed_in(second_client)
    await _sign_out(client, "/qa")
    _with_cookie(client, copied)
    assert not await _is_signed_in(client)
    assert not await _is_signed_in(second_client)
    async with database.read_session() as session:
        row = await session.scalar(select(StaffSession))
    assert row is not None and row.ended_reason == "signed_out"


async def test_stopping_an_account_ends_its_cookies_and_tokens_for_good(
    client: httpx.AsyncClient, second_client: httpx.AsyncClient, database: Database
) -> None:
    qa = await _person(database)
    admin = await _person(database, role="admin")
    await sign_in(client, qa.email)
    cookie = client.cookies[SESSION_COOKIE]
    token = {"Authorization": f"Bearer {await api_token(client, qa.email)}"}
    assert (await client.get("/api/v1/observation-requests", headers=token)).status_code == 200
    await sign_in(second_client, admin.email)
    stopped = await form_post(second_client, "/admin", f"/admin/staff/{qa.id}/deactivate", {})
    assert stopped.status_code == 303
    allowed = await form_post(second_client, "/admin", f"/admin/staff/{qa.id}/reactivate", {})
    assert allowed.status_code == 303
    _with_cookie(client, cookie)
    assert not await _is_signed_in(client)
    assert (await client.get("/api/v1/observation-requests", headers=token)).status_code == 401
    async with database.read_session() as session:
        reasons = set(
            await session.scalars(
                select(col(StaffSession.ended_reason)).where(
                    col(StaffSession.staff_user_id) == qa.id
                )
            )
        )
    assert reasons == {"account_stopped"}
    await sign_in(client, qa.email)  # signing in afresh works again
    assert await _is_signed_in(client)


async def test_an_idle_session_ends_and_a_busy_one_lasts_until_its_maximum_age(
    client: httpx.AsyncClient, database: Database, clock: FrozenClock
) -> None:
    user = await _person(database)
    await sign_in(client, user.email)
    clock.advance(seconds=1799)
    assert await _is_signed_in(client)  # each page counts as activity
    clock.advance(seconds=1799)
    assert await _is_signed_in(client)
    clock.advance(seconds=1801)
    assert not await _is_signed_in(client)
    await sign_in(client, user.email)
    for _ in range(16):  # a page every 29 minutes for nearly eight hours
        clock.advance(minutes=29)
        assert await _is_signed_in(client)
    clock.advance(minutes=29)  # 8 h 13 min after signing in: too old, however busy
    assert not await _is_signed_in(client)


async def test_staff_pages_warn_before_the_idle_timeout_without_needing_javascript(
    client: httpx.AsyncClient, database: Database, clock: FrozenClock
) -> None:
    user = await _person(database)
    await sign_in(client, user.email)
    page = await client.get("/qa")
    assert "You will be signed out soon" in page.text
    assert 'href="/session/timing.css?warn=1680"' in page.text
    assert '<noscript><meta http-equiv="refresh" content="1805; url=/sign-in?ended=idle">' in (
        page.text
    )
    css = await client.get("/session/timing.css?warn=1680")
    assert css.headers["content-type"].startswith("text/css")
    assert "1680s forwards" in css.text and "visibility:hidden" in css.text
    clock.advance(seconds=1700)  # the warning is showing; the person presses the button
    stay = await client.post(
        "/session/stay", data={"csrf_token": csrf_from(page.text), "next": "/qa?page=2"}
    )
    assert (stay.status_code, stay.headers["location"]) == (303, "/qa?page=2")
    clock.advance(seconds=1700)  # 3,400 s after the page was opened, 1,700 s after staying
    assert await _is_signed_in(client)
    ended = await client.get("/sign-in?ended=idle")
    assert "You were signed out because nothing happened for a while" in ended.text


async def test_staying_signed_in_never_sends_anyone_elsewhere(
    client: httpx.AsyncClient, database: Database
) -> None:
    user = await _person(database)
    await sign_in(client, user.email)
    page = await client.get("/qa")
    for target in ("https://evil.example/", "//evil.example/", "/\\evil.example", "qa"):
        stay = await client.post(
            "/session/stay", data={"csrf_token": csrf_from(page.text), "next": target}
        )
        assert stay.headers["location"] == "/"
    scripted = await client.post(
        "/session/stay", data={"csrf_token": csrf_from(page.text), "stay_on_page": "1"}
    )
    assert scripted.status_code == 204


async def test_a_personal_token_lasts_as_long_as_a_session_at_most_and_can_be_ended(
    client: httpx.AsyncClient, database: Database, clock: FrozenClock
) -> None:
    user = await _person(database)
    response = await client.post(
        "/api/v1/auth/token", json={"email": user.email, "password": "correct horse battery staple"}
    )
    body = response.json()
    assert body["access_token"].startswith("cpc_")
    headers = {"Authorization": f"Bearer {body['access_token']}"}
    clock.advance(hours=7, minutes=59)  # CPC_SESSION_MAX_AGE_SECONDS: 8 hours by default
    assert (await client.get("/api/v1/observation-requests", headers=headers)).status_code == 200
    clock.advance(minutes=2)
    assert (await client.get("/api/v1/observation-requests", headers=headers)).status_code == 401
    headers = {"Authorization": f"Bearer {await api_token(client, user.email)}"}
    assert (await client.delete("/api/v1/auth/token", headers=headers)).status_code == 204
    assert (await client.get("/api/v1/observation-requests", headers=headers)).status_code == 401
    assert (await client.delete("/api/v1/auth/token", headers=headers)).status_code == 401


async def test_an_administrator_sees_who_is_signed_in_and_ends_a_session(
    client: httpx.AsyncClient, second_client: httpx.AsyncClient, database: Database
) -> None:
    qa = await _person(database, name="Quinn Signed-In")
    admin = await _person(database, role="admin")
    await sign_in(client, qa.email)
    await sign_in(second_client, admin.email)
    page = await second_client.get("/admin/sessions")
    assert "Quinn Signed-In" in page.text and "This is you" in page.text
    async with database.read_session() as session:
        row = await session.scalar(
            select(StaffSession).where(col(StaffSession.staff_user_id) == qa.id)
        )
    assert row is not None
    ended = await form_post(second_client, "/admin/sessions", f"/admin/sessions/{row.id}/end", {})
    assert ended.status_code == 303
    assert not await _is_signed_in(client)
    assert "Quinn Signed-In" not in (await second_client.get("/admin/sessions")).text
    assert (await client.get("/admin/sessions")).status_code == 303  # not for a signed-out QA
    await sign_in(client, qa.email)
    assert (await client.get("/admin/sessions")).status_code == 403


async def test_an_integration_token_is_shown_once_acts_with_its_role_and_can_be_revoked(
    client: httpx.AsyncClient,
    second_client: httpx.AsyncClient,
    database: Database,
    clock: FrozenClock,
) -> None:
    admin = await _person(database, role="admin")
    await sign_in(second_client, admin.email)
    made = await form_post(
        second_client,
        "/admin/integrations",
        "/admin/integrations",
        {"name": "Mosaic conference feed", "role": "qa", "valid_days": "30"},
    )
    assert made.status_code == 200
    token = made.text.split('<code class="cpc-new-token">')[1].split("</code>")[0]
    assert token.startswith("cpc_")
    async with database.read_session() as session:
        row = await session.scalar(
            select(StaffSession).where(col(StaffSession.kind) == "integration")
        )
        account = await session.get(StaffUser, row.staff_user_id) if row else None
    assert row is not None and account is not None
    assert row.token_hash == token_hash(token) and row.name == "Mosaic conference feed"
    assert (account.role, account.kind, account.name) == ("qa", "integration", row.name)
    listing = await second_client.get("/admin/integrations")
    assert token not in listing.text and "Not yet" in listing.text
    assert account.email not in (await second_client.get("/admin")).text  # not a person
    headers = {"Authorization": f"Bearer {token}"}
    clock.advance(days=2)
    assert (await client.get("/api/v1/observation-requests", headers=headers)).status_code == 200
    await sign_in(second_client, admin.email)  # the administrator's own session idled out
    listing = await second_client.get("/admin/integrations")
    assert "Not yet" not in listing.text and "Working" in listing.text
    # An integration token never opens the web pages, and cannot be used to sign in.
    _with_cookie(client, token)
    assert (await client.get("/qa")).status_code == 303
    revoked = await form_post(
        second_client,
        "/admin/integrations",
        f"/admin/sessions/{row.id}/end",
        {"from": "integrations"},
    )
    assert revoked.headers["location"] == "/admin/integrations?done=revoked"
    assert (await client.get("/api/v1/observation-requests", headers=headers)).status_code == 401
    assert "Revoked" in (await second_client.get("/admin/integrations")).text


async def test_an_integration_token_expires_and_its_form_refuses_bad_input(
    client: httpx.AsyncClient,
    second_client: httpx.AsyncClient,
    database: Database,
    clock: FrozenClock,
) -> None:
    admin = await _person(database, role="admin")
    await sign_in(second_client, admin.email)
    for bad in (
        {"name": "", "role": "qa", "valid_days": "30"},
        {"name": "Feed", "role": "admin", "valid_days": "30"},
        {"name": "Feed", "role": "qa", "valid_days": "367"},
        {"name": "Feed", "role": "qa", "valid_days": "soon"},
    ):
        refused = await form_post(second_client, "/admin/integrations", "/admin/integrations", bad)
        assert refused.status_code == 422, bad
    async with database.read_session() as session:
        assert (
            await session.scalar(
                select(StaffSession).where(col(StaffSession.kind) == "integration")
            )
            is None
        )
    made = await form_post(
        second_client,
        "/admin/integrations",
        "/admin/integrations",
        {"name": "Feed", "role": "trainee", "valid_days": "1"},
    )
    token = made.text.split('<code class="cpc-new-token">')[1].split("</code>")[0]
    headers = {"Authorization": f"Bearer {token}"}
    assert (await client.get("/api/v1/conferences", headers=headers)).status_code == 200
    clock.advance(days=1, seconds=1)
    assert (await client.get("/api/v1/conferences", headers=headers)).status_code == 401
    await sign_in(second_client, admin.email)  # the administrator's own session idled out
    assert "Expired" in (await second_client.get("/admin/integrations")).text


async def test_an_administrator_signs_one_person_out_everywhere_or_everyone_else(
    client: httpx.AsyncClient, second_client: httpx.AsyncClient, database: Database
) -> None:
    qa = await _person(database)
    trainee = await _person(database, role="trainee")
    admin = await _person(database, role="admin")
    await sign_in(client, qa.email)
    qa_token = {"Authorization": f"Bearer {await api_token(client, qa.email)}"}
    trainee_token = {"Authorization": f"Bearer {await api_token(client, trainee.email)}"}
    await sign_in(second_client, admin.email)
    everywhere = await form_post(
        second_client, "/admin/sessions", f"/admin/staff/{qa.id}/end-sessions", {}
    )
    assert everywhere.headers["location"] == "/admin/sessions?done=person"
    assert not await _is_signed_in(client)
    assert (await client.get("/api/v1/conferences", headers=qa_token)).status_code == 401
    assert (await client.get("/api/v1/conferences", headers=trainee_token)).status_code == 200
    everyone = await form_post(second_client, "/admin/sessions", "/admin/sessions/end-everyone", {})
    assert everyone.headers["location"] == "/admin/sessions?done=everyone"
    assert (await client.get("/api/v1/conferences", headers=trainee_token)).status_code == 401
    page = await second_client.get("/admin/sessions?done=everyone")  # the admin carries on
    assert page.status_code == 200 and "Everyone else was signed out." in page.text


async def test_signing_in_again_on_a_browser_ends_the_session_it_held(
    client: httpx.AsyncClient, second_client: httpx.AsyncClient, database: Database
) -> None:
    user = await _person(database)
    await sign_in(client, user.email)
    first = client.cookies[SESSION_COOKIE]
    await sign_in(client, user.email)
    _with_cookie(second_client, first)
    assert not await _is_signed_in(second_client)
    assert await _is_signed_in(client)


async def test_a_role_written_around_the_service_opens_nothing_and_breaks_nothing(
    client: httpx.AsyncClient, database: Database
) -> None:
    qa = await _person(database)
    await sign_in(client, qa.email)
    token = {"Authorization": f"Bearer {await api_token(client, qa.email)}"}
    async with database.write_session() as session:
        row = await session.get(StaffUser, qa.id)
        assert row is not None
        row.role = "superuser"
        await session.commit()
    assert not await _is_signed_in(client)
    assert (await client.get("/api/v1/observation-requests", headers=token)).status_code == 401
    assert (await client.get("/")).status_code < 500
