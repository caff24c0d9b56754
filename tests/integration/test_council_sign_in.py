"""Single sign-on with the council's OpenID provider, against a real provider on 127.0.0.1."""

from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from sqlalchemy import func, select
from sqlmodel import col

from service.settings import Settings
from service.store.database import Database
from service.store.tables import AuditEntry, StaffUser
from service.web.app import create_app
from tests.support.clock import FrozenClock
from tests.support.council_provider import (
    CLIENT_ID,
    CLIENT_SECRET,
    CouncilProvider,
    council_provider,
)
from tests.support.factories import TEST_PASSWORD, make_staff
from tests.support.web import csrf_from


@pytest.fixture
def provider(monkeypatch: pytest.MonkeyPatch) -> Iterator[CouncilProvider]:
    # The provider is served over plain HTTP on 127.0.0.1; Authlib insists on HTTPS otherwise.
    monkeypatch.setenv("AUTHLIB_INSECURE_TRANSPORT", "1")
    with council_provider() as running:
        yield running


def _sso_settings(database_url: str, tmp_path: Path, issuer: str, **overrides: object) -> Settings:
    values: dict[str, object] = {
        "database_url": database_url,
        "base_url": "http://testserver",
        "dev_mailbox_dir": tmp_path / "mail",
        "dispatch_in_process": False,
        "oidc_issuer": issuer,
        "oidc_client_id": CLIENT_ID,
        "oidc_client_secret": CLIENT_SECRET,
        **overrides,
    }
    return Settings(**values)  # type: ignore[arg-type]


@pytest.fixture
async def sso_client(
    database_url: str,
    tmp_path: Path,
    database: Database,
    clock: FrozenClock,
    provider: CouncilProvider,
) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(_sso_settings(database_url, tmp_path, provider.issuer), database, clock=clock)
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield client


async def _start(client: httpx.AsyncClient) -> str:
    page = await client.get("/sign-in")
    assert "Sign in with your council account" in page.text
    assert 'href="/sign-in/oidc"' in page.text
    response = await client.get("/sign-in/oidc")
    assert response.status_code == 303, response.text
    return response.headers["location"]


async def _sign_in_as(
    client: httpx.AsyncClient, provider: CouncilProvider, subject: str
) -> httpx.Response:
    authorize = await _start(client)
    return await client.get(provider.approve(authorize, subject))


async def _account(database: Database, email: str) -> StaffUser | None:
    async with database.read_session() as session:
        return await session.scalar(select(StaffUser).where(col(StaffUser.email) == email))


@pytest.mark.parametrize(
    ("role", "home"), [("trainee", "/trainee"), ("qa", "/qa"), ("admin", "/admin")]
)
async def test_each_role_signs_in_and_gets_an_account_on_first_sign_in(
    sso_client: httpx.AsyncClient,
    provider: CouncilProvider,
    database: Database,
    role: str,
    home: str,
) -> None:
    provider.set_person(
        "00u-42", email="sam.jones@council.example", name="Sam Jones", roles=["staff", role]
    )
    back = await _sign_in_as(sso_client, provider, "00u-42")
    assert back.status_code == 303
    assert back.headers["location"] == home
    assert (await sso_client.get(home)).status_code == 200
    account = await _account(database, "sam.jones@council.example")
    assert account is not None
    assert (account.role, account.name) == (role, "Sam Jones")
    assert account.oidc_subject == f"{provider.issuer} 00u-42"
    assert account.password_hash == "!"  # a council account cannot sign in with a password here


async def test_the_request_carries_state_nonce_and_pkce(
    sso_client: httpx.AsyncClient, provider: CouncilProvider
) -> None:
    authorize = await _start(sso_client)
    query = parse_qs(urlsplit(authorize).query)
    assert authorize.startswith(f"{provider.issuer}/oauth2/authorize")
    assert query["client_id"] == [CLIENT_ID]
    assert query["redirect_uri"] == ["http://testserver/sign-in/oidc/callback"]
    assert query["code_challenge_method"] == ["S256"]
    assert len(query["code_challenge"][0]) >= 43
    assert len(query["state"][0]) >= 20 and len(query["nonce"][0]) >= 20
    assert "openid" in query["scope"][0].split()


async def test_a_person_without_a_role_is_refused_with_a_plain_page(
    sso_client: httpx.AsyncClient, provider: CouncilProvider, database: Database
) -> None:
    provider.set_person("00u-7", email="visitor@council.example", name="A Visitor", roles=["hr"])
    back = await _sign_in_as(sso_client, provider, "00u-7")
    assert back.status_code == 403
    assert "does not give you access to this service" in back.text
    assert await _account(database, "visitor@council.example") is None
    assert (await sso_client.get("/qa")).headers["location"] == "/sign-in"


async def test_a_role_change_at_the_provider_applies_at_the_next_sign_in(
    sso_client: httpx.AsyncClient, provider: CouncilProvider, database: Database
) -> None:
    provider.set_person("00u-9", email="kim@council.example", name="Kim", roles=["trainee"])
    assert (await _sign_in_as(sso_client, provider, "00u-9")).headers["location"] == "/trainee"
    provider.set_person("00u-9", email="kim@council.example", name="Kim", roles=["qa"])
    assert (await _sign_in_as(sso_client, provider, "00u-9")).headers["location"] == "/qa"
    account = await _account(database, "kim@council.example")
    assert account is not None and account.role == "qa"
    async with database.read_session() as session:
        changes = await session.scalar(
            select(func.count())
            .select_from(AuditEntry)
            .where(col(AuditEntry.action) == "staff_role_changed")
        )
    assert changes == 1
    assert (await sso_client.get("/qa")).status_code == 200
    provider.set_person("00u-9", email="kim@council.example", name="Kim", roles=[])
    assert (await _sign_in_as(sso_client, provider, "00u-9")).status_code == 403
    # The provider no longer lets Kim in, so the session Kim still held has ended too.
    assert (await sso_client.get("/qa")).headers["location"] == "/sign-in"


async def test_an_account_stopped_here_stays_stopped(
    sso_client: httpx.AsyncClient, provider: CouncilProvider, database: Database
) -> None:
    async with database.write_session() as session:
        await make_staff(session, role="qa", email="left@council.example", is_active=False)
        await session.commit()
    provider.set_person(
        "00u-1", email="left@council.example", email_verified=True, name="Left", roles=["qa"]
    )
    back = await _sign_in_as(sso_client, provider, "00u-1")
    assert back.status_code == 403
    assert "has been stopped" in back.text


async def test_an_existing_password_account_is_joined_only_by_a_verified_email(
    sso_client: httpx.AsyncClient, provider: CouncilProvider, database: Database
) -> None:
    async with database.write_session() as session:
        await make_staff(session, role="qa", email="ali@council.example")
        await session.commit()
    # An email the provider does not vouch for could be anyone's: no joining.
    provider.set_person("00u-3", email="ali@council.example", name="Ali", roles=["qa"])
    unverified = await _sign_in_as(sso_client, provider, "00u-3")
    assert unverified.status_code == 403 and "cannot join it" in unverified.text
    provider.set_person(
        "00u-3", email="ali@council.example", email_verified=True, name="Ali", roles=["qa"]
    )
    assert (await _sign_in_as(sso_client, provider, "00u-3")).headers["location"] == "/qa"
    account = await _account(database, "ali@council.example")
    assert account is not None and account.oidc_subject == f"{provider.issuer} 00u-3"
    assert account.password_hash == "!"  # a leaver cannot fall back on the old password
    page = await sso_client.get("/sign-in")
    old_password = await sso_client.post(
        "/sign-in",
        data={
            "email": "ali@council.example",
            "password": TEST_PASSWORD,
            "csrf_token": csrf_from(page.text),
        },
    )
    assert old_password.status_code == 401
    # Another council identity claiming the same email is not let in to that account.
    provider.set_person(
        "00u-4", email="ali@council.example", email_verified=True, name="Not Ali", roles=["admin"]
    )
    clash = await _sign_in_as(sso_client, provider, "00u-4")
    assert clash.status_code == 403
    assert "cannot join it" in clash.text


async def test_a_forged_or_replayed_callback_is_refused(
    sso_client: httpx.AsyncClient, provider: CouncilProvider, database: Database
) -> None:
    provider.set_person("00u-5", email="pat@council.example", name="Pat", roles=["qa"])
    authorize = await _start(sso_client)
    back = provider.approve(authorize, "00u-5")
    forged_state = back.replace("state=", "state=x")
    assert (await sso_client.get(forged_state)).status_code == 400
    # The flow's cookie was dropped with the refusal, so even the true answer is refused now.
    assert (await sso_client.get(back)).status_code == 400
    assert await _account(database, "pat@council.example") is None
    # A callback with no sign-in started from this browser at all.
    assert (await sso_client.get("/sign-in/oidc/callback?code=abc&state=def")).status_code == 400
    # A fresh, honest attempt works, and its answer cannot be used twice.
    authorize = await _start(sso_client)
    back = provider.approve(authorize, "00u-5")
    assert (await sso_client.get(back)).status_code == 303
    assert (await sso_client.get(back)).status_code == 400


async def test_pressing_deny_at_the_provider_gets_a_plain_page(
    sso_client: httpx.AsyncClient, provider: CouncilProvider
) -> None:
    back = await sso_client.get(provider.deny(await _start(sso_client)))
    assert back.status_code == 400
    assert "did not finish" in back.text


async def test_an_unreachable_provider_gets_a_plain_page(
    database_url: str, tmp_path: Path, database: Database, clock: FrozenClock
) -> None:
    settings = _sso_settings(database_url, tmp_path, "http://127.0.0.1:9")
    app = create_app(settings, database, clock=clock)
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        response = await client.get("/sign-in/oidc")
    assert response.status_code == 502
    assert "could not reach your council" in response.text


async def test_passwords_can_be_turned_off(
    database_url: str,
    tmp_path: Path,
    database: Database,
    clock: FrozenClock,
    provider: CouncilProvider,
) -> None:
    async with database.write_session() as session:
        user = await make_staff(session, role="qa")
        await session.commit()
    settings = _sso_settings(database_url, tmp_path, provider.issuer, local_passwords=False)
    app = create_app(settings, database, clock=clock)
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        page = await client.get("/sign-in")
        assert "Sign in with your council account" in page.text
        assert 'name="password"' not in page.text
        refused = await client.post(
            "/sign-in",
            data={"email": user.email, "password": TEST_PASSWORD, "csrf_token": "x"},
        )
        assert refused.status_code == 403 and "Sign in with your council account" in refused.text
        token = await client.post(
            "/api/v1/auth/token", json={"email": user.email, "password": TEST_PASSWORD}
        )
        assert token.status_code == 403


def test_passwords_off_without_single_sign_on_is_refused_at_start() -> None:
    with pytest.raises(ValueError, match="nobody could sign in"):
        Settings(local_passwords=False)
