"""Guessing passwords must wait: failures are counted per account and address across processes."""

import asyncio

import httpx
import pytest
from sqlalchemy import select
from sqlmodel import col

from service.store.database import Database
from service.store.tables import AuditEntry, StaffUser
from tests.support.clock import FrozenClock
from tests.support.factories import TEST_PASSWORD, make_staff
from tests.support.web import csrf_from, form_post, sign_in


async def _staff(database: Database, **overrides: object) -> str:
    async with database.write_session() as session:
        user = await make_staff(session, **overrides)
        await session.commit()
        return user.email


async def _token(client: httpx.AsyncClient, email: str, password: str) -> httpx.Response:
    return await client.post("/api/v1/auth/token", json={"email": email, "password": password})


async def test_ten_wrong_passwords_meet_429_by_the_sixth_and_the_right_one_waits_too(
    client: httpx.AsyncClient, database: Database, clock: FrozenClock
) -> None:
    email = await _staff(database, role="qa")
    statuses = [(await _token(client, email, "wrong password")).status_code for _ in range(10)]
    assert statuses == [401] * 5 + [429] * 5
    waiting = await _token(client, email, TEST_PASSWORD)
    assert waiting.status_code == 429
    assert int(waiting.headers["Retry-After"]) == 15 * 60
    assert waiting.json()["detail"] == "Too many failed sign-ins. Try again in 15 minutes."
    clock.advance(minutes=15, seconds=1)
    assert (await _token(client, email, TEST_PASSWORD)).status_code == 200
    async with database.read_session() as session:
        locks = list(
            await session.scalars(
                select(col(AuditEntry.action)).where(col(AuditEntry.action) == "sign_in_locked")
            )
        )
    assert locks == ["sign_in_locked"]


async def test_an_unknown_account_gets_the_same_answers(
    client: httpx.AsyncClient, database: Database
) -> None:
    statuses = [
        (await _token(client, "nobody@council.example", "guess")).status_code for _ in range(6)
    ]
    assert statuses == [401] * 5 + [429]


async def test_the_sign_in_page_waits_too_and_a_success_clears_the_count(
    client: httpx.AsyncClient, database: Database
) -> None:
    email = await _staff(database, role="trainee")
    for _ in range(4):
        page = await client.get("/sign-in")
        response = await client.post(
            "/sign-in",
            data={"email": email, "password": "nope", "csrf_token": csrf_from(page.text)},
        )
        assert response.status_code == 401
    await sign_in(client, email)  # the fifth try is right: the count starts again
    await client.post(
        "/sign-out", data={"csrf_token": csrf_from((await client.get("/trainee")).text)}
    )
    for expected in (401, 401, 401, 401, 401, 429):
        page = await client.get("/sign-in")
        response = await client.post(
            "/sign-in",
            data={"email": email, "password": "nope", "csrf_token": csrf_from(page.text)},
        )
        assert response.status_code == expected
    assert "Too many failed sign-ins. Try again in 15 minutes." in response.text
    assert response.headers["Retry-After"] == "900"


async def test_an_administrator_lets_someone_try_again(
    client: httpx.AsyncClient, second_client: httpx.AsyncClient, database: Database
) -> None:
    email = await _staff(database, role="qa", name="Quinn Locked")
    admin = await _staff(database, role="admin")
    for _ in range(5):
        await _token(client, email, "wrong")
    assert (await _token(client, email, TEST_PASSWORD)).status_code == 429
    await sign_in(second_client, admin)
    page = await second_client.get("/admin")
    assert "Waiting: too many failed sign-ins" in page.text
    async with database.read_session() as session:
        locked = await session.scalar(select(StaffUser).where(col(StaffUser.email) == email))
    assert locked is not None
    lifted = await form_post(second_client, "/admin", f"/admin/staff/{locked.id}/lift-wait", {})
    assert lifted.status_code == 303
    assert (await _token(client, email, TEST_PASSWORD)).status_code == 200


async def test_the_password_is_not_checked_while_the_account_waits(
    client: httpx.AsyncClient, database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    email = await _staff(database, role="qa")
    for _ in range(5):
        await _token(client, email, "wrong")
    checked: list[str] = []

    async def counting(password: str, password_hash: str | None) -> bool:
        checked.append(password)
        return False

    monkeypatch.setattr("service.usecases.sign_in.verify_password_off_loop", counting)
    for _ in range(4):
        assert (await _token(client, email, "wrong")).status_code == 429
    assert checked == [], "a waiting account costs no argon2 time"


async def test_a_burst_of_simultaneous_guesses_is_counted_one_by_one(
    client: httpx.AsyncClient, database: Database
) -> None:
    email = await _staff(database, role="qa")
    answers = await asyncio.gather(*(_token(client, email, f"guess {n}") for n in range(12)))
    statuses = sorted(answer.status_code for answer in answers)
    assert statuses == [401] * 5 + [429] * 7, "every guess counted before its password is checked"
