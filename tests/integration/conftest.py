"""An app per test on its fresh database, a frozen clock, and HTTP clients."""

from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI

from service.settings import Settings
from service.store.database import Database
from service.web.app import create_app
from tests.support.clock import FrozenClock
from tests.support.notify_stand_in import NotifyStandIn, notify_stand_in

# Monday 23 November 2026, 10:00 in London (GMT).
START = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)


@pytest.fixture
def notify() -> Iterator[NotifyStandIn]:
    """The GOV.UK Notify stand-in on 127.0.0.1, for tests that send texts or letters."""
    with notify_stand_in() as stand_in:
        yield stand_in


@pytest.fixture
def clock() -> FrozenClock:
    """The time the app sees; tests move it."""
    return FrozenClock(START)


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    """Settings for a test: this test's database, a local mailbox, no background dispatcher."""
    return Settings(
        database_url=database_url,
        base_url="http://testserver",
        dev_mailbox_dir=tmp_path / "mail",
        dispatch_in_process=False,
        qa_mailbox="qa@council.example",
        mail_from="observers@council.example",
        trainee_email_domains=["council.example"],
    )


@pytest.fixture
def app(settings: Settings, database: Database, clock: FrozenClock) -> FastAPI:
    """The application under test."""
    return create_app(settings, database, clock=clock)


@pytest.fixture
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    """A client speaking real HTTP semantics to the app in this process."""
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield client


@pytest.fixture
async def second_client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    """Another person's browser."""
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield client
