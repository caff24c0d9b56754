"""Signing staff in for HTTP tests."""

import re

import httpx

from tests.support.factories import TEST_PASSWORD

_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_from(html: str) -> str:
    """The CSRF value a page's form carries."""
    match = _CSRF.search(html)
    assert match, "the page has no form with a CSRF value"
    return match.group(1)


async def sign_in(client: httpx.AsyncClient, email: str, password: str = TEST_PASSWORD) -> None:
    """Sign in through the real sign-in page, as a person would."""
    page = await client.get("/sign-in")
    response = await client.post(
        "/sign-in",
        data={"email": email, "password": password, "csrf_token": csrf_from(page.text)},
    )
    assert response.status_code == 303, response.text


async def form_post(
    client: httpx.AsyncClient, page_url: str, action: str, data: dict[str, str]
) -> httpx.Response:
    """Open a page, then post one of its forms with the page's CSRF value, as a browser would."""
    page = await client.get(page_url)
    return await client.post(action, data={**data, "csrf_token": csrf_from(page.text)})


async def api_token(client: httpx.AsyncClient, email: str, password: str = TEST_PASSWORD) -> str:
    """A bearer token for the JSON API."""
    response = await client.post("/api/v1/auth/token", json={"email": email, "password": password})
    assert response.status_code == 200, response.text
    return str(response.json()["access_token"])
