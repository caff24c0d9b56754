"""The statistics page's figures at 100,000 requests: how long one period's worth takes.

Seeds the requests in bulk (as the query-count test does), then times `statistics_for` for the
financial year, the work behind /qa/statistics, its CSV and GET /api/v1/statistics, after a
warm-up. Target: under 200 ms.

Two shapes of the same 100,000 requests: a conference's hundred asked at one moment (the
target's), and each asked at its own moment 1 to 40 days before (every request then has its
own day asked, the most the notice figure can cost).
"""

import asyncio
import statistics
import time
from collections.abc import Callable

from sqlalchemy import text

from service.domain.working_days import BankHolidayRegion
from service.record.statistics import statistics_for
from service.store.database import Database
from service.store.migrate import upgrade_database
from tests.integration.test_statistics_scale import YEAR, seed_requests

# More than five: PostgreSQL may switch a prepared statement to a generic plan after five runs.
RUNS = 11
ENGLAND = BankHolidayRegion.ENGLAND_AND_WALES


async def run_statistics_round(
    *, database_url: str, requests: int, scattered: bool, log: Callable[[str], None]
) -> dict[str, float | int]:
    """Seed `requests` requests and return the figures' median and slowest time in ms."""
    log(f"  statistics: seeding {requests:,} requests{' asked apart' if scattered else ''}")
    # Alembic runs its own event loop: migrate from a thread.
    await asyncio.to_thread(upgrade_database, database_url)
    database = Database(database_url)
    try:
        await seed_requests(database, requests, scattered=scattered)
        if database.dialect == "postgresql":
            # As autovacuum would after a bulk load: the planner needs the tables' statistics,
            # and index-only scans need the visibility map. VACUUM cannot run in a transaction.
            async with database.write_engine.connect() as connection:
                autocommit = await connection.execution_options(isolation_level="AUTOCOMMIT")
                await autocommit.execute(text("VACUUM ANALYZE"))
        timings = []
        for run in range(RUNS + 1):
            began = time.perf_counter()
            async with database.read_session() as session:
                figures = await statistics_for(session, period=YEAR, region=ENGLAND)
            if run:  # the first run warms the caches
                timings.append((time.perf_counter() - began) * 1000)
        assert figures.table("outcomes").total() == requests
    finally:
        await database.dispose()
    return {
        "requests": requests,
        "median_ms": round(statistics.median(timings), 1),
        "slowest_ms": round(max(timings), 1),
        "runs": RUNS,
    }
