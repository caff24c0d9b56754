"""Compression shrinks pages, stylesheets and /metrics, and leaves alone what it must not touch:
downloads, partial responses and answers too small to be worth it."""

import httpx
from fastapi import FastAPI

from service.settings import Settings
from service.store.database import Database
from service.web.app import create_app
from tests.support.clock import FrozenClock
from tests.support.factories import make_staff
from tests.support.web import sign_in

TOKEN = "metrics-token-for-tests-0123456789"


def _client(app: FastAPI) -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    return httpx.AsyncClient(transport=transport, base_url="http://testserver")


async def test_metrics_come_gzipped_to_a_scraper_that_asks(
    settings: Settings, database: Database, clock: FrozenClock
) -> None:
    app = create_app(settings.model_copy(update={"metrics_token": TOKEN}), database, clock=clock)
    async with _client(app) as scraper:
        await scraper.get("/healthz")
        metrics = await scraper.get(
            "/metrics", headers={"Authorization": f"Bearer {TOKEN}", "Accept-Encoding": "gzip"}
        )
    assert metrics.status_code == 200
    assert metrics.headers["Content-Encoding"] == "gzip"
    assert "cpc_" in metrics.text


async def test_a_small_answer_is_sent_as_it_is(client: httpx.AsyncClient) -> None:
    health = await client.get("/healthz", headers={"Accept-Encoding": "br, gzip"})
    assert health.status_code == 200
    assert "Content-Encoding" not in health.headers


async def test_a_csv_download_is_sent_as_it_is(
    client: httpx.AsyncClient, database: Database
) -> None:
    async with database.write_session() as session:
        qa = await make_staff(session, role="qa")
        await session.commit()
    await sign_in(client, qa.email)
    period = {"from": "2026-04-01", "to": "2027-03-31"}
    download = await client.get(
        "/qa/statistics.csv", params=period, headers={"Accept-Encoding": "br, gzip"}
    )
    assert download.status_code == 200
    assert download.headers["content-type"].startswith("text/csv")
    assert "Content-Encoding" not in download.headers


async def test_part_of_a_stylesheet_is_sent_as_asked_not_compressed(
    client: httpx.AsyncClient,
) -> None:
    part = await client.get(
        "/static/application.css", headers={"Range": "bytes=0-99", "Accept-Encoding": "br, gzip"}
    )
    assert part.status_code == 206
    assert "Content-Encoding" not in part.headers
    assert len(part.content) == 100
