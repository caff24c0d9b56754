"""The administrator stops and restores staff sign-in; nobody else can."""

import httpx

from service.settings import Settings
from service.store.database import Database
from service.usecases.demo_data import DEMO_ADMIN_EMAIL, DEMO_PASSWORD, seed_demo
from tests.support.clock import FrozenClock
from tests.support.factories import make_staff
from tests.support.scenario import build_world
from tests.support.web import api_token, form_post, sign_in


async def test_an_administrator_stops_and_restores_a_trainees_sign_in(
    client: httpx.AsyncClient, second_client: httpx.AsyncClient, database: Database
) -> None:
    world = await build_world(database)
    async with database.write_session() as session:
        admin = await make_staff(session, role="admin")
        await session.commit()
    await sign_in(client, admin.email)
    page = await client.get("/admin")
    assert world.trainee_email in page.text
    stopped = await form_post(client, "/admin", f"/admin/staff/{world.trainee_id}/deactivate", {})
    assert stopped.status_code == 303
    refused = await second_client.post(
        "/api/v1/auth/token",
        json={"email": world.trainee_email, "password": "correct horse battery staple"},
    )
    assert refused.status_code == 401
    restored = await form_post(client, "/admin", f"/admin/staff/{world.trainee_id}/reactivate", {})
    assert restored.status_code == 303
    assert await api_token(second_client, world.trainee_email)


async def test_only_administrators_reach_the_staff_page(
    client: httpx.AsyncClient, database: Database
) -> None:
    world = await build_world(database)
    await sign_in(client, world.qa_email)
    assert (await client.get("/admin")).status_code == 403


async def test_an_administrator_cannot_lock_themselves_out(
    client: httpx.AsyncClient, database: Database
) -> None:
    async with database.write_session() as session:
        admin = await make_staff(session, role="admin")
        await session.commit()
    await sign_in(client, admin.email)
    response = await form_post(client, "/admin", f"/admin/staff/{admin.id}/deactivate", {})
    assert response.status_code == 422
    assert "your own account" in response.text


async def test_the_demo_administrator_signs_in_and_sees_every_demo_account(
    client: httpx.AsyncClient, database: Database, settings: Settings, clock: FrozenClock
) -> None:
    async with database.write_session() as session:
        accounts = await seed_demo(session, settings=settings, now=clock())
    assert accounts.admin_email == DEMO_ADMIN_EMAIL
    await sign_in(client, DEMO_ADMIN_EMAIL, DEMO_PASSWORD)
    page = await client.get("/admin")
    assert page.status_code == 200
    for email in (accounts.qa_email, accounts.trainee_email, accounts.admin_email):
        assert email in page.text
