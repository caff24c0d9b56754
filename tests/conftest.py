"""Fixtures shared by every test: a fresh, migrated database per test on SQLite or PostgreSQL."""

import itertools
import os
import shutil
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from service.store.database import Database
from tests.support.databases import PostgresTemplate, migrated_sqlite_template

POSTGRES_URL = os.environ.get("TEST_DATABASE_URL")
_counter = itertools.count()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One SQLite file migrated to head; each test starts from a copy."""
    return migrated_sqlite_template(tmp_path_factory.mktemp("template") / "template.db")


@pytest.fixture(scope="session")
def postgres_template() -> Iterator[PostgresTemplate | None]:
    """The PostgreSQL template database, migrated once, when TEST_DATABASE_URL is set."""
    if not POSTGRES_URL:
        yield None
        return
    template = PostgresTemplate(POSTGRES_URL)
    template.prepare()
    yield template
    template.drop_copies()


@pytest.fixture
def database_url(
    tmp_path: Path, sqlite_template: Path, postgres_template: PostgresTemplate | None
) -> Iterator[str]:
    """A fresh migrated database for this test: PostgreSQL when configured, SQLite otherwise."""
    if postgres_template is not None:
        url = postgres_template.copy(f"t{os.getpid()}_{next(_counter)}")
        yield url
        postgres_template.drop(url)
        return
    path = tmp_path / "test.db"
    shutil.copyfile(sqlite_template, path)
    yield f"sqlite+aiosqlite:///{path}"


@pytest.fixture
async def database(database_url: str) -> AsyncIterator[Database]:
    """The service's Database on this test's fresh database."""
    db = Database(database_url)
    yield db
    await db.dispose()
