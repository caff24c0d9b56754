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

from tests.perf.http_bench import HttpPlan, Pair, run_http_round
from tests.perf.mail_bench import run_mail_round
from tests.perf.servers import smtp_sink
from tests.perf.statistics_bench import run_statistics_round

RESULTS = Path(__file__).resolve().parent / "results.json"

# The targets: (minimum throughput ratio to the floor, maximum p99 ratio or None).
TARGETS: dict[str, tuple[float, float | None]] = {
    "consent page": (0.5, 2.0),
    "answer POST": (0.5, 2.0),
    "QA list (submitted)": (0.5, None),
    "QA list (finished)": (0.5, None),
    "dispatcher (1 conn.)": (0.8, None),
    "dispatcher (4 conn.)": (0.8, None),
}
ONE_CLIENT_P50_MS = 20.0


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


def _figures(summary: dict[str, Any]) -> tuple[float, float, float]:
    return float(summary["per_second"]), float(summary["p50_ms"]), float(summary["p99_ms"])


def cpu_ms(summary: dict[str, Any]) -> float | None:
    """CPU milliseconds the measured process spent per request or message."""
    value = summary.get("server_cpu_ms_per_request", summary.get("cpu_ms_per_message"))
    return None if value is None else float(value)


def _row(
    database: str, name: str, service: dict[str, Any], bare: dict[str, Any], extra: dict[str, Any]
) -> dict[str, Any]:
    rate, _, p99 = _figures(service)
    bare_rate, _, bare_p99 = _figures(bare)
    ratio = rate / bare_rate if bare_rate else 0.0
    p99_ratio = p99 / bare_p99 if bare_p99 else 0.0
    min_ratio, max_p99 = TARGETS.get(name, (0.0, None))
    errors = int(service.get("errors", 0)) + int(bare.get("errors", 0))
    checks = [ratio >= min_ratio, errors == 0]
    if max_p99 is not None:
        checks.append(p99_ratio <= max_p99)
    one_client = extra.get("one_client")
    if one_client:
        checks.append(float(one_client["service"]["p50_ms"]) < ONE_CLIENT_P50_MS)
    beside = extra.get("beside_sign_ins")
    if beside:
        checks.append(float(beside["beside_four_sign_ins"]["p50_ms"]) < ONE_CLIENT_P50_MS)
    return {
        "database": database,
        "scenario": name,
        "service": service,
        "bare": bare,
        "throughput_ratio": round(ratio, 3),
        "cpu_ratio": _cpu_ratio(service, bare),
        "p99_ratio": round(p99_ratio, 3),
        "target": {
            "min_throughput_ratio": min_ratio,
            "max_p99_ratio": max_p99,
            "one_client_p50_ms_below": ONE_CLIENT_P50_MS if one_client or beside else None,
        },
        "target_met": all(checks),
        **extra,
    }


def _cpu_ratio(service: dict[str, Any], bare: dict[str, Any]) -> float | None:
    mine, floor = cpu_ms(service), cpu_ms(bare)
    return round(mine / floor, 2) if mine and floor else None


def _pair_row(database: str, pair: Pair) -> dict[str, Any]:
    return _row(database, pair.name, pair.service.summary(), pair.bare.summary(), pair.extra)


def _cpu_text(value: float | None, width: int = 8) -> str:
    return f"{value:>{width}.2f}" if value is not None else f"{'-':>{width}}"


def print_table(rows: list[dict[str, Any]]) -> None:
    """The results as a fixed-width table."""
    header = (
        f"{'db':<11}{'scenario':<22}{'service/s':>10}{'p50 ms':>8}{'p99 ms':>8}"
        f"{'bare/s':>9}{'p50 ms':>8}{'p99 ms':>8}{'ratio':>7}{'p99 x':>7}{'errors':>7}"
        f"{'cpu ms':>8}{'bare':>7}{'cpu x':>7}  target"
    )
    print(header)
    print("-" * len(header))
    for row in rows:
        s, b = row["service"], row["bare"]
        print(
            f"{row['database']:<11}{row['scenario']:<22}{s['per_second']:>10.0f}{s['p50_ms']:>8.1f}"
            f"{s['p99_ms']:>8.1f}{b['per_second']:>9.0f}{b['p50_ms']:>8.1f}{b['p99_ms']:>8.1f}"
            f"{row['throughput_ratio']:>7.2f}{row['p99_ratio']:>7.2f}"
            f"{s.get('errors', 0) + b.get('errors', 0):>7}"
            f"{_cpu_text(cpu_ms(s))}{_cpu_text(cpu_ms(b), 7)}{_cpu_text(row['cpu_ratio'], 7)}  "
            f"{'met' if row['target_met'] else 'MISSED'}"
        )
        if "beside_sign_ins" in row:
            for label, key in (
                ("  one client", "alone"),
                ("  + 4 sign-ins", "beside_four_sign_ins"),
            ):
                one = row["beside_sign_ins"][key]
                print(
                    f"{'':<11}{label:<22}{one['per_second']:>10.0f}{one['p50_ms']:>8.1f}"
                    f"{one['p99_ms']:>8.1f}{'':>45}  p50 < {ONE_CLIENT_P50_MS:.0f} ms"
                )
        if "one_client" in row:
            one = row["one_client"]
            print(
                f"{'':<11}{'  one client':<22}{one['service']['per_second']:>10.0f}"
                f"{one['service']['p50_ms']:>8.1f}{one['service']['p99_ms']:>8.1f}"
                f"{one['bare']['per_second']:>9.0f}{one['bare']['p50_ms']:>8.1f}"
                f"{one['bare']['p99_ms']:>8.1f}{'':>21}  p50 < {ONE_CLIENT_P50_MS:.0f} ms"
            )


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
                    rows.extend(_pair_row(database, pair) for pair in pairs)
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
                                _row(
                                    database, result["name"], result["service"], result["bare"], {}
                                )
                            )
        finally:
            if postgres is not None:
                await postgres.drop_all()
    elapsed = time.perf_counter() - began
    print_table(rows)
    for database, timing in statistics_times.items():
        print(
            f"{database:<27}statistics at {timing['requests']:,} requests: median "
            f"{timing['median_ms']} ms, slowest {timing['slowest_ms']} ms (target under 200 ms)"
        )
    for database, phone in family_pages.items():
        print(f"{database:<11}family page, first visit on Slow 3G: " + (
            f"{phone['wire_bytes']:,} bytes in {phone['requests']} requests, first words at "
            f"{phone['fcp_slow_3g_ms']:,} ms; repeat visit {phone['repeat_visit_requests']} "
            "requests (targets: 20 KB, 2 requests, 1,500 ms; 1 request)"
            if "skipped" not in phone else phone["skipped"]))  # fmt: skip
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
