"""A second factor for password sign-in: setting it up, using it once, recovery, and limits."""

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pyotp
import pytest
from sqlalchemy import select
from sqlmodel import col

from service.auth import SESSION_COOKIE
from service.settings import Settings
from service.store.database import Database
from service.store.tables import StaffRecoveryCode, StaffUser
from service.web.app import create_app
from tests.support.clock import FrozenClock
from tests.support.factories import TEST_PASSWORD, make_staff
from tests.support.web import csrf_from, form_post, sign_in


@pytest.fixture
async def mfa_client(
    database_url: str, tmp_path: Path, database: Database, clock: FrozenClock
) -> AsyncIterator[httpx.AsyncClient]:
    """The service as production runs it: QA officers and administrators need a second factor."""
    settings = Settings(
        database_url=database_url,
        base_url="http://testserver",
        dev_mailbox_dir=tmp_path / "mail",
        dispatch_in_process=False,
        require_mfa=True,
    )
    app = create_app(settings, database, clock=clock)
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield client


async def _person(database: Database, role: str) -> StaffUser:
    async with database.write_session() as session:
        user = await make_staff(session, role=role)
        await session.commit()
        return user


async def _password(client: httpx.AsyncClient, email: str) -> httpx.Response:
    page = await client.get("/sign-in")
    return await client.post(
        "/sign-in",
        data={"email": email, "password": TEST_PASSWORD, "csrf_token": csrf_from(page.text)},
    )


async def _set_up(
    client: httpx.AsyncClient, email: str, clock: FrozenClock
) -> tuple[str, list[str]]:
    """Sign in with the password, scan the QR code (read the key), turn the app on."""
    first = await _password(client, email)
    assert first.headers["location"] == "/sign-in/set-up-code"
    page = await client.get("/sign-in/set-up-code")
    assert "<svg" in page.text and "QR code" in page.text
    secret = (
        page.text.split('<code class="cpc-secret-key">')[1].split("</code>")[0].replace(" ", "")
    )
    again = await client.get("/sign-in/set-up-code")
    assert secret.replace(" ", "") in again.text.replace(" ", "")  # the same key on reload
    done = await client.post(
        "/sign-in/set-up-code",
        data={"code": pyotp.TOTP(secret).at(clock.now), "csrf_token": csrf_from(page.text)},
    )
    assert done.status_code == 200, done.text
    codes = [part.split("</code>")[0] for part in done.text.split("<li><code>")[1:]]
    return secret, codes


async def test_a_qa_officer_sets_up_an_app_and_gets_ten_recovery_codes(
    mfa_client: httpx.AsyncClient, database: Database, clock: FrozenClock
) -> None:
    qa = await _person(database, "qa")
    await _password(mfa_client, qa.email)
    part_way = mfa_client.cookies[SESSION_COOKIE]
    assert (await mfa_client.get("/qa")).headers["location"] == "/sign-in"  # not yet
    secret, codes = await _set_up(mfa_client, qa.email, clock)
    assert len(codes) == 10 and len(set(codes)) == 10
    assert mfa_client.cookies[SESSION_COOKIE] != part_way  # a fresh token for the full session
    assert (await mfa_client.get("/qa")).status_code == 200
    async with database.read_session() as session:
        user = await session.get(StaffUser, qa.id)
        stored = list(await session.scalars(select(col(StaffRecoveryCode.code_hash))))
    assert user is not None and user.totp_enabled_at is not None
    assert user.totp_secret is not None and secret not in user.totp_secret  # kept encrypted
    assert len(stored) == 10 and not set(codes) & set(stored)


async def test_signing_in_again_needs_a_code_that_works_only_once(
    mfa_client: httpx.AsyncClient, database: Database, clock: FrozenClock
) -> None:
    qa = await _person(database, "qa")
    secret, _ = await _set_up(mfa_client, qa.email, clock)
    await form_post(mfa_client, "/qa", "/sign-out", {})
    assert (await _password(mfa_client, qa.email)).headers["location"] == "/sign-in/code"
    page = await mfa_client.get("/sign-in/code")
    wrong = await mfa_client.post(
        "/sign-in/code", data={"code": "000000", "csrf_token": csrf_from(page.text)}
    )
    assert wrong.status_code == 401 and "The code is not right" in wrong.text
    clock.advance(seconds=30)  # the set-up code's step has passed: a new code shows
    code = pyotp.TOTP(secret).at(clock.now)
    right = await mfa_client.post(
        "/sign-in/code", data={"code": code, "csrf_token": csrf_from(page.text)}
    )
    assert right.headers["location"] == "/qa"
    await form_post(mfa_client, "/qa", "/sign-out", {})
    await _password(mfa_client, qa.email)
    page = await mfa_client.get("/sign-in/code")
    replay = await mfa_client.post(
        "/sign-in/code", data={"code": code, "csrf_token": csrf_from(page.text)}
    )
    assert replay.status_code == 401, "a code seen over someone's shoulder cannot be used again"


async def test_a_recovery_code_works_once(
    mfa_client: httpx.AsyncClient, database: Database, clock: FrozenClock
) -> None:
    qa = await _person(database, "qa")
    _, codes = await _set_up(mfa_client, qa.email, clock)
    for expected in (303, 401):
        await mfa_client.post("/sign-out", data={"csrf_token": "x"})
        mfa_client.cookies.clear()
        await _password(mfa_client, qa.email)
        page = await mfa_client.get("/sign-in/code")
        used = await mfa_client.post(
            "/sign-in/code",
            data={"code": codes[3].lower().replace("-", " "), "csrf_token": csrf_from(page.text)},
        )
        assert used.status_code == expected


async def test_guessing_codes_must_wait_like_guessing_passwords(
    mfa_client: httpx.AsyncClient, database: Database, clock: FrozenClock
) -> None:
    qa = await _person(database, "qa")
    await _set_up(mfa_client, qa.email, clock)
    mfa_client.cookies.clear()
    await _password(mfa_client, qa.email)
    page = await mfa_client.get("/sign-in/code")
    statuses = []
    # The password attempt stays counted until the code is right: four codes may follow it.
    for guess in range(6):
        response = await mfa_client.post(
            "/sign-in/code", data={"code": f"{guess:06d}", "csrf_token": csrf_from(page.text)}
        )
        statuses.append(response.status_code)
    assert statuses == [401] * 4 + [429] * 2
    assert response.headers["Retry-After"] == "900"


async def test_typing_the_password_again_does_not_wipe_wrong_codes(
    mfa_client: httpx.AsyncClient, database: Database, clock: FrozenClock
) -> None:
    qa = await _person(database, "qa")
    await _set_up(mfa_client, qa.email, clock)
    mfa_client.cookies.clear()
    await _password(mfa_client, qa.email)
    page = await mfa_client.get("/sign-in/code")
    for guess in range(3):
        wrong = await mfa_client.post(
            "/sign-in/code", data={"code": f"{guess:06d}", "csrf_token": csrf_from(page.text)}
        )
        assert wrong.status_code == 401
    again = await _password(mfa_client, qa.email)  # the fifth attempt: the password again
    assert again.headers["location"] == "/sign-in/code"
    page = await mfa_client.get("/sign-in/code")
    last = await mfa_client.post(
        "/sign-in/code", data={"code": "999999", "csrf_token": csrf_from(page.text)}
    )
    assert last.status_code == 429


async def test_a_trainee_is_not_asked_for_a_second_factor(
    mfa_client: httpx.AsyncClient, database: Database
) -> None:
    trainee = await _person(database, "trainee")
    assert (await _password(mfa_client, trainee.email)).headers["location"] == "/trainee"


async def test_an_api_token_needs_the_one_time_code(
    mfa_client: httpx.AsyncClient, database: Database, clock: FrozenClock
) -> None:
    qa = await _person(database, "qa")
    before = await mfa_client.post(
        "/api/v1/auth/token", json={"email": qa.email, "password": TEST_PASSWORD}
    )
    assert before.status_code == 403 and "Set up a second factor" in before.json()["detail"]
    secret, _ = await _set_up(mfa_client, qa.email, clock)
    clock.advance(seconds=30)
    without = await mfa_client.post(
        "/api/v1/auth/token", json={"email": qa.email, "password": TEST_PASSWORD}
    )
    assert without.status_code == 401 and "one_time_code" in without.json()["detail"]
    wrong = await mfa_client.post(
        "/api/v1/auth/token",
        json={"email": qa.email, "password": TEST_PASSWORD, "one_time_code": "123456"},
    )
    assert wrong.status_code == 401
    right = await mfa_client.post(
        "/api/v1/auth/token",
        json={
            "email": qa.email,
            "password": TEST_PASSWORD,
            "one_time_code": pyotp.TOTP(secret).at(clock.now),
        },
    )
    assert right.status_code == 200


async def test_an_administrator_resets_a_lost_second_factor(
    mfa_client: httpx.AsyncClient,
    second_client: httpx.AsyncClient,
    database: Database,
    clock: FrozenClock,
) -> None:
    qa = await _person(database, "qa")
    await _set_up(mfa_client, qa.email, clock)
    admin = await _person(database, "admin")
    # second_client's service does not require a second factor, which keeps this test short.
    await sign_in(second_client, admin.email)
    listing = await second_client.get("/admin")
    assert "Reset second factor" in listing.text
    reset = await form_post(
        second_client, "/admin", f"/admin/staff/{qa.id}/reset-second-factor", {}
    )
    assert reset.headers["location"] == "/admin?done=second+factor+reset"
    assert (await mfa_client.get("/qa")).headers["location"] == "/sign-in"  # signed out
    assert (await _password(mfa_client, qa.email)).headers["location"] == "/sign-in/set-up-code"


async def test_one_code_typed_in_two_browsers_at_once_lets_only_one_in(
    mfa_client: httpx.AsyncClient, database: Database, clock: FrozenClock
) -> None:
    qa = await _person(database, "qa")
    secret, _ = await _set_up(mfa_client, qa.email, clock)
    clock.advance(seconds=30)
    transport = mfa_client._transport  # the same app: another browser on the same service
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as other:
        browsers = (mfa_client, other)
        pages = []
        for browser in browsers:
            browser.cookies.clear()
            await _password(browser, qa.email)
            pages.append(await browser.get("/sign-in/code"))
        code = pyotp.TOTP(secret).at(clock.now)
        answers = await asyncio.gather(
            *(
                browser.post("/sign-in/code", data={"code": code, "csrf_token": csrf_from(p.text)})
                for browser, p in zip(browsers, pages, strict=True)
            )
        )
    assert sorted(answer.status_code for answer in answers) == [303, 401]
