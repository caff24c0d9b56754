"""Whether this process can do its work now: what `/readyz` answers a load balancer.

Each check is cheap and bounded: the database must answer within a second (a pool that is
exhausted, or a server that is gone, fails here rather than in a family's request), the schema
must be at the newest migration this package carries, a dispatcher must have reported in within
three of its intervals, and no message may have waited longer than the setting allows.
"""

import asyncio
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache

from alembic.script import ScriptDirectory
from sqlalchemy import select, text
from sqlalchemy.exc import SQLAlchemyError

from service.settings import Settings
from service.store.database import Database
from service.store.heartbeats import last_report
from service.store.migrate import alembic_config
from service.store.operating_figures import oldest_due_message

DATABASE_TIMEOUT_SECONDS = 1.0
# A dispatcher reports in once an interval; missing three in a row means it is not running.
MISSED_REPORTS = 3


@dataclass(frozen=True)
class Check:
    """One readiness check: its name, whether it passed, and a few words on why not."""

    name: str
    ok: bool
    detail: str = ""


@cache
def newest_migration() -> str:
    """The schema revision this package's migrations end at."""
    heads = ScriptDirectory.from_config(alembic_config("sqlite://")).get_heads()
    return heads[0]


async def _database_answers(database: Database) -> None:
    async with database.read_session() as session:
        await session.execute(select(1))


async def _schema_revision(database: Database) -> str | None:
    try:
        async with database.read_session() as session:
            revision = await session.scalar(text("SELECT version_num FROM alembic_version"))
            return None if revision is None else str(revision)
    except SQLAlchemyError:  # never migrated: no alembic_version table
        return None


async def _service_checks(database: Database, settings: Settings, now: datetime) -> list[Check]:
    revision = await _schema_revision(database)
    if revision != newest_migration():
        # The other checks read tables that an older schema may not have.
        return [Check("schema", False, f"at {revision}, not {newest_migration()}")]
    checks = [Check("schema", True)]
    async with database.read_session() as session:
        reported = await last_report(session)
        oldest = await oldest_due_message(session, now=now)
    if settings.ready_expects_dispatcher:
        allowed = timedelta(seconds=MISSED_REPORTS * settings.dispatch_report_interval_seconds)
        fresh = reported is not None and now - reported <= allowed
        checks.append(
            Check("dispatcher", fresh, "" if fresh else "no dispatcher has reported in lately")
        )
    limit = timedelta(seconds=settings.ready_max_outbox_age_seconds)
    waited = now - oldest if oldest is not None else timedelta(0)
    checks.append(
        Check(
            "outbox",
            waited <= limit,
            "" if waited <= limit else f"a message has waited {int(waited.total_seconds())} s",
        )
    )
    return checks


async def readiness(database: Database, settings: Settings, now: datetime) -> list[Check]:
    """Every check, in order; the database's first, and the rest only when it answers."""
    try:
        async with asyncio.timeout(DATABASE_TIMEOUT_SECONDS):
            await _database_answers(database)
            return [Check("database", True), *await _service_checks(database, settings, now)]
    except TimeoutError:
        return [Check("database", False, f"no answer within {DATABASE_TIMEOUT_SECONDS:g} s")]
    except (SQLAlchemyError, OSError) as error:
        return [Check("database", False, type(error).__name__)]
