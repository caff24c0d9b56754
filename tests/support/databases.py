"""Test databases: a migrated template per run, copied for every test."""

import asyncio
import re
from pathlib import Path

import asyncpg

from service.store.migrate import upgrade_database


def migrated_sqlite_template(path: Path) -> Path:
    """Create and migrate an SQLite file to serve as every test's starting point."""
    upgrade_database(f"sqlite+aiosqlite:///{path}")
    return path


def _plain_dsn(url: str) -> str:
    return url.replace("postgresql+asyncpg://", "postgresql://", 1)


class PostgresTemplate:
    """The database named by TEST_DATABASE_URL, migrated once and cloned for each test."""

    def __init__(self, url: str) -> None:
        self.url = url
        base, _, name = url.rpartition("/")
        self.base = base
        self.name = name.split("?", 1)[0]
        if not re.fullmatch(r"[a-z0-9_]+", self.name):
            raise ValueError(
                "TEST_DATABASE_URL must name a database of lower-case letters, digits, _"
            )
        self.copies: set[str] = set()

    def _admin(self, *statements: str) -> None:
        async def run() -> None:
            connection = await asyncpg.connect(_plain_dsn(f"{self.base}/postgres"))
            try:
                for statement in statements:
                    await connection.execute(statement)
            finally:
                await connection.close()

        asyncio.run(run())

    def prepare(self) -> None:
        """Recreate the template database empty and migrate it to head."""
        self._admin(
            f"DROP DATABASE IF EXISTS {self.name} WITH (FORCE)", f"CREATE DATABASE {self.name}"
        )
        upgrade_database(self.url)

    def copy(self, suffix: str) -> str:
        """A new database cloned from the template; returns its URL."""
        name = f"{self.name}_{suffix}"
        self._admin(
            f"DROP DATABASE IF EXISTS {name} WITH (FORCE)",
            f"CREATE DATABASE {name} TEMPLATE {self.name}",
        )
        self.copies.add(name)
        return f"{self.base}/{name}"

    def drop(self, url: str) -> None:
        """Remove one cloned database."""
        name = url.rpartition("/")[2]
        self._admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        self.copies.discard(name)

    def drop_copies(self) -> None:
        """Remove any clones a failed test left behind."""
        for name in list(self.copies):
            self._admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        self.copies.clear()
