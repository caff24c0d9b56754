"""Measuring one scenario on the service and on its floors, under the same load.

Every app is warmed first; then each takes the same saturating load in turn (floors first, the
service right after, so all see the same machine), then requests arriving at a steady 50 a
second, which is what a person waits.
"""

import dataclasses
from dataclasses import dataclass
from typing import Any

from tests.perf.load import LoadResult, run_load, run_open_loop
from tests.perf.servers import HOST, Server, cpu_seconds

CONCURRENCY = 50
# What a person waits: requests arriving at a steady 50 a second, for this long.
ARRIVALS_PER_SECOND = 50
ARRIVAL_SECONDS = 4.0


@dataclass(frozen=True)
class Pair:
    """One scenario measured on the service and on the floor."""

    name: str
    service: LoadResult
    bare: LoadResult
    extra: dict[str, Any]
    same_work: LoadResult | None = None


async def measure(
    server: Server, requests: list[bytes], *, concurrency: int, budget_seconds: float
) -> LoadResult:
    """One run against one server, with the CPU time its process spent on it."""
    before = cpu_seconds(server.pid)
    result = await run_load(
        HOST, server.port, requests, concurrency=concurrency, budget_seconds=budget_seconds
    )
    after = cpu_seconds(server.pid)
    used = after - before if before is not None and after is not None else None
    return dataclasses.replace(result, server_cpu_seconds=used)


async def arriving(server: Server, requests: list[bytes]) -> dict[str, object]:
    """Latency at a steady arrival rate, with the CPU the server spent a request."""
    before = cpu_seconds(server.pid)
    result = await run_open_loop(
        HOST, server.port, requests, per_second=ARRIVALS_PER_SECOND, seconds=ARRIVAL_SECONDS
    )
    after = cpu_seconds(server.pid)
    used = after - before if before is not None and after is not None else None
    return dataclasses.replace(result, server_cpu_seconds=used).summary()


@dataclass(frozen=True)
class Side:
    """One app in a scenario: where it runs and what it is sent."""

    server: Server
    requests: list[bytes]
    warm: list[bytes]
    # Fresh requests for the steady run where the timed ones are used up (each answer once).
    arrivals: list[bytes] | None = None


async def compare(
    name: str,
    service: Side,
    bare: Side,
    *,
    budget: float,
    same_work: Side | None = None,
    concurrency: int = CONCURRENCY,
    extra: dict[str, Any] | None = None,
) -> Pair:
    # Warm each app (templates compiled, statement caches and pools filled), then measure the
    # floors first and the service right after, so they all see the same machine.
    # Ten connections are enough to warm up, and drain quickly when a page is slow.
    sides = {"bare": bare, **({"same_work": same_work} if same_work else {}), "service": service}
    warm_concurrency = min(concurrency, 10)
    for side in sides.values():
        await measure(side.server, side.warm, concurrency=warm_concurrency,
                      budget_seconds=budget / 4)  # fmt: skip
    saturated = {
        label: await measure(side.server, side.requests, concurrency=concurrency,
                             budget_seconds=budget)
        for label, side in sides.items()
    }  # fmt: skip
    # Then at a steady 50 a second, as people arrive.
    steady: dict[str, object] = {"per_second": ARRIVALS_PER_SECOND}
    for label, side in sides.items():
        steady[label] = await arriving(side.server, side.arrivals or side.requests)
    return Pair(
        name,
        saturated["service"],
        saturated["bare"],
        {**(extra or {}), "arriving": steady},
        same_work=saturated.get("same_work"),
    )
