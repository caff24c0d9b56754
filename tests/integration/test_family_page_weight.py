"""A family's consent page is light enough for a cheap phone on a slow connection: the page and
one stylesheet, compressed, no script, and the stylesheet kept by the browser for a year."""

import re

import httpx
import pytest

from service.settings import Settings
from service.store.database import Database
from tests.support.consent import approved_request, consent_paths
from tests.support.scenario import build_world

# The most a family's first visit may move over the wire: the page and its stylesheet.
FIRST_VISIT_BUDGET_BYTES = 20 * 1024
IMMUTABLE = "public, max-age=31536000, immutable"
_STYLESHEETS = re.compile(r'<link[^>]*rel="stylesheet"[^>]*href="([^"]+)"')
_FINGERPRINTED_CSS = re.compile(r"^/static/family\.[0-9a-f]{10}\.css$")


async def _consent_pages(
    client: httpx.AsyncClient, database: Database, settings: Settings
) -> list[str]:
    world = await build_world(database)
    request_id = await approved_request(client, world)
    return list((await consent_paths(database, settings, request_id)).values())


@pytest.mark.parametrize("encoding", ["br", "gzip"])
async def test_the_consent_page_and_its_stylesheet_come_compressed_within_the_budget(
    client: httpx.AsyncClient, database: Database, settings: Settings, encoding: str
) -> None:
    for path in await _consent_pages(client, database, settings):
        page = await client.get(path, headers={"Accept-Encoding": encoding})
        assert page.status_code == 200
        assert page.headers["Content-Encoding"] == encoding
        assert "<script" not in page.text
        stylesheets = _STYLESHEETS.findall(page.text)
        assert len(stylesheets) == 1
        assert _FINGERPRINTED_CSS.match(stylesheets[0])

        stylesheet = await client.get(stylesheets[0], headers={"Accept-Encoding": encoding})
        assert stylesheet.status_code == 200
        assert stylesheet.headers["Content-Encoding"] == encoding
        assert stylesheet.headers["Cache-Control"] == IMMUTABLE

        on_the_wire = page.num_bytes_downloaded + stylesheet.num_bytes_downloaded
        assert on_the_wire <= FIRST_VISIT_BUDGET_BYTES, f"{path}: {on_the_wire} bytes"


async def test_the_consent_page_itself_is_never_kept_while_its_stylesheet_is(
    client: httpx.AsyncClient, database: Database, settings: Settings
) -> None:
    path = (await _consent_pages(client, database, settings))[0]
    page = await client.get(path)
    assert page.headers["Cache-Control"] == "no-store"
    # A repeat visit asks for the page only: the stylesheet's name is the same and still kept.
    again = await client.get(path)
    assert _STYLESHEETS.findall(again.text) == _STYLESHEETS.findall(page.text)


async def test_a_browser_that_asks_for_no_compression_gets_the_page_as_it_is(
    client: httpx.AsyncClient, database: Database, settings: Settings
) -> None:
    path = (await _consent_pages(client, database, settings))[0]
    page = await client.get(path, headers={"Accept-Encoding": "identity"})
    assert page.status_code == 200
    assert "Content-Encoding" not in page.headers


async def test_staff_pages_keep_the_full_stylesheet_and_script_under_fingerprinted_names(
    client: httpx.AsyncClient,
) -> None:
    sign_in_page = await client.get("/sign-in", headers={"Accept-Encoding": "br"})
    assert sign_in_page.headers["Content-Encoding"] == "br"
    assert re.search(r'href="/static/application\.[0-9a-f]{10}\.css"', sign_in_page.text)
    script = re.search(
        r'<script type="module" src="(/static/application\.[0-9a-f]{10}\.js)"', sign_in_page.text
    )
    assert script
    served = await client.get(script[1])
    assert served.headers["Cache-Control"] == IMMUTABLE


async def test_plain_static_names_still_work_without_being_kept_a_year(
    client: httpx.AsyncClient,
) -> None:
    response = await client.get("/static/family.css")
    assert response.status_code == 200
    assert response.headers.get("Cache-Control") != IMMUTABLE
    assert (await client.get("/static/family.0000000000.css")).status_code == 404
