"""`make bench`: measure the service beside the bare stack and write tests/perf/results.json.

    python -m tests.perf.run [--quick] [--no-postgres] [--only http|mail]

SQLite always; PostgreSQL too when TEST_DATABASE_URL is set (its server creates and drops
databases named after it with a `_bench` suffix). See tests/perf/README.md.
"""

import argparse
import json
import os
import platform
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import asyncpg

from tests.perf.http_bench import HttpPlan, run_http_round
from tests.perf.mail_bench import run_mail_round
from tests.perf.report import pair_row, print_figures, print_table, row
from tests.perf.servers import smtp_sink
from tests.perf.statistics_bench import run_statistics_round

RESULTS = Path(__file__).resolve().parent / "results.json"

_BEGAN = time.perf_counter()


def log(message: str) -> None:
    """Progress on stderr, so the table on stdout stays clean."""
    print(f"[{time.perf_counter() - _BEGAN:5.0f} s] {message}", file=sys.stderr, flush=True)


def _plain_dsn(url: str) -> str:
    return url.replace("postgresql+asyncpg://", "postgresql://", 1)


class PostgresDatabases:
    """Scratch databases beside TEST_DATABASE_URL's, dropped at the end."""

    def __init__(self, url: str) -> None:
        base, _, name = url.rpartition("/")
        self.base, self.name = base, name.split("?", 1)[0]
        self.created: list[str] = []

    async def _admin(self, statement: str) -> None:
        connection = await asyncpg.connect(_plain_dsn(f"{self.base}/postgres"))
        try:
            await connection.execute(statement)
        finally:
            await connection.close()

    async def fresh(self, suffix: str) -> str:
        """An empty database; returns its URL."""
        name = f"{self.name}_bench_{suffix}"
        await self._admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        await self._admin(f"CREATE DATABASE {name}")
        self.created.append(name)
        return f"{self.base}/{name}"

    async def drop_all(self) -> None:
        """Drop every database made here."""
        for name in self.created:
            await self._admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        self.created.clear()


async def main(args: argparse.Namespace) -> int:
    """Run every round and write the results."""
    began = time.perf_counter()
    plan = (
        HttpPlan(
            finished=10_000,
            open_requests=200,
            page_requests=1_000,
            answer_requests=400,
            list_requests=200,
            single_client_requests=50,
            warm_up=50,
        )
        if args.quick
        else HttpPlan()
    )
    messages, history = (400, 10_000) if args.quick else (2_000, 100_000)
    rows: list[dict[str, Any]] = []
    statistics_times: dict[str, dict[str, float | int]] = {}
    family_pages: dict[str, dict[str, Any]] = {}
    databases = ["sqlite"]
    postgres_url = os.environ.get("TEST_DATABASE_URL")
    if postgres_url and not args.no_postgres:
        databases.append("postgresql")
    with tempfile.TemporaryDirectory(prefix="cpc-bench-") as scratch:
        workdir = Path(scratch)
        postgres = PostgresDatabases(postgres_url) if postgres_url else None
        try:
            for database in databases:
                log(f"== {database}")
                if database == "sqlite":
                    service_url = f"sqlite+aiosqlite:///{workdir / 'service.db'}"
                    bare_url = f"sqlite+aiosqlite:///{workdir / 'bare.db'}"
                    mail_url = f"sqlite+aiosqlite:///{workdir / 'mail.db'}"
                else:
                    assert postgres is not None
                    service_url = await postgres.fresh("service")
                    bare_url = service_url  # the floor writes its own table
                    mail_url = await postgres.fresh("mail")
                if args.only in (None, "http"):
                    pairs, family_pages[database] = await run_http_round(
                        database_url=service_url,
                        bare_write_url=bare_url,
                        workdir=workdir,
                        plan=plan,
                        log=log,
                    )
                    rows.extend(pair_row(database, pair) for pair in pairs)
                if args.only in (None, "statistics"):
                    for shape, scattered in (("asked together", False), ("asked apart", True)):
                        name = f"statistics_{shape.split()[1]}"
                        if database == "sqlite":
                            statistics_url = f"sqlite+aiosqlite:///{workdir / name}.db"
                        else:
                            assert postgres is not None
                            statistics_url = await postgres.fresh(name)
                        statistics_times[f"{database}, {shape}"] = await run_statistics_round(
                            database_url=statistics_url,
                            requests=10_000 if args.quick else 100_000,
                            scattered=scattered,
                            log=log,
                        )
                if args.only in (None, "mail"):
                    log("  outbox dispatcher")
                    with smtp_sink(workdir / "smtp.log") as sink_port:
                        for result in await run_mail_round(
                            database_url=mail_url,
                            sink_port=sink_port,
                            messages=messages,
                            history=history,
                            log=log,
                            # One in-process dispatcher is how SQLite deployments run; on
                            # PostgreSQL several `dispatch` processes share the outbox.
                            connection_counts=(1, 4) if database == "sqlite" else (4,),
                        ):
                            rows.append(
                                row(database, result["name"], result["service"], result["bare"], {})
                            )
        finally:
            if postgres is not None:
                await postgres.drop_all()
    elapsed = time.perf_counter() - began
    print_table(rows)
    print_figures(statistics_times, family_pages)
    print(f"\n{len(rows)} measurements in {elapsed:.0f} s; load average before: {args.load_before}")
    RESULTS.write_text(
        json.dumps(
            {
                "machine": {
                    "cpus": os.cpu_count(),
                    "python": platform.python_version(),
                    "platform": platform.platform(),
                    "load_average_before": args.load_before,
                    "load_average_after": [round(x, 2) for x in os.getloadavg()],
                },
                "quick": args.quick,
                "seconds": round(elapsed, 1),
                "results": rows,
                "statistics": statistics_times,
                "family_page": family_pages,
            },
            indent=2,
        )
        + "\n"
    )
    shown = RESULTS.relative_to(Path.cwd()) if RESULTS.is_relative_to(Path.cwd()) else RESULTS
    print(f"written to {shown}")
    return 0


def cli() -> int:
    """Parse the arguments and run on uvloop."""
    parser = argparse.ArgumentParser(prog="python -m tests.perf.run")
    parser.add_argument("--quick", action="store_true", help="a small run to try the bench out")
    parser.add_argument("--no-postgres", action="store_true", help="SQLite only")
    parser.add_argument(
        "--only", choices=["http", "mail", "statistics"], help="one part of the bench"
    )
    args = parser.parse_args()
    args.load_before = [round(x, 2) for x in os.getloadavg()]
    import uvloop

    return uvloop.run(main(args))


if __name__ == "__main__":
    sys.exit(cli())
