"""The load generator: N keep-alive HTTP/1.1 connections sending prepared requests.

Plain asyncio streams on uvloop rather than httpx: with two cores the client shares the machine
with the server, and httpx spends about ten times more CPU per request, so against the bare page
it would measure itself. Every request is encoded before the clock starts.
"""

import asyncio
import statistics
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from urllib.parse import urlencode

REQUEST_TIMEOUT_SECONDS = 60.0
ERROR_STATUS = 599  # no complete answer: the connection broke or the request timed out


@dataclass(frozen=True)
class LoadResult:
    """Throughput and latency of one run."""

    requests: int
    concurrency: int
    seconds: float
    latencies_ms: list[float] = field(repr=False)
    statuses: dict[int, int]
    planned: int = 0
    server_cpu_seconds: float | None = None  # what the server process used over the run

    @property
    def per_second(self) -> float:
        """Completed requests per second over the whole run."""
        return self.requests / self.seconds if self.seconds else 0.0

    def percentile(self, p: float) -> float:
        """The p-th percentile latency in milliseconds (nearest rank)."""
        ordered = sorted(self.latencies_ms)
        if not ordered:
            return 0.0
        rank = max(0, min(len(ordered) - 1, round(p / 100 * len(ordered) + 0.5) - 1))
        return ordered[rank]

    @property
    def errors(self) -> int:
        """Answers other than 200 and 303, and requests that got no answer."""
        return sum(n for status, n in self.statuses.items() if status not in (200, 303))

    def summary(self) -> dict[str, object]:
        """The figures written to results.json."""
        return {
            "errors": self.errors,
            "requests": self.requests,
            "planned": self.planned or self.requests,
            "concurrency": self.concurrency,
            "seconds": round(self.seconds, 3),
            "per_second": round(self.per_second, 1),
            "p50_ms": round(self.percentile(50), 2),
            "p99_ms": round(self.percentile(99), 2),
            "mean_ms": round(statistics.fmean(self.latencies_ms), 2) if self.latencies_ms else 0,
            "statuses": {str(k): v for k, v in sorted(self.statuses.items())},
            # Steadier than throughput on a shared machine: what each request cost the server.
            "server_cpu_ms_per_request": (
                round(self.server_cpu_seconds * 1000 / self.requests, 3)
                if self.server_cpu_seconds is not None and self.requests
                else None
            ),
        }


def encode_request(
    method: str,
    path: str,
    *,
    host: str,
    cookies: dict[str, str] | None = None,
    form: dict[str, str] | None = None,
) -> bytes:
    """One HTTP/1.1 request as bytes, with a form body when given."""
    lines = [f"{method} {path} HTTP/1.1", f"Host: {host}", "User-Agent: cpc-bench"]
    if cookies:
        lines.append("Cookie: " + "; ".join(f"{k}={v}" for k, v in cookies.items()))
    body = b""
    if form is not None:
        body = urlencode(form).encode()
        lines.append("Content-Type: application/x-www-form-urlencoded")
        lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


class _Connection:
    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def open(self) -> None:
        self.reader, self.writer = await asyncio.open_connection(self.host, self.port)

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None

    async def exchange(self, request: bytes) -> int:
        """Send one request, read the whole response, return its status."""
        if self.writer is None:
            await self.open()
        assert self.reader is not None and self.writer is not None
        self.writer.write(request)
        head = await self.reader.readuntil(b"\r\n\r\n")
        status = int(head[9:12])
        lower = head.lower()
        at = lower.find(b"\r\ncontent-length:")
        if at >= 0:
            end = lower.index(b"\r\n", at + 2)
            length = int(lower[at + 17 : end])
            if length:
                await self.reader.readexactly(length)
        elif b"transfer-encoding: chunked" in lower:
            while True:
                size = int((await self.reader.readuntil(b"\r\n")).split(b";")[0], 16)
                await self.reader.readexactly(size + 2)
                if size == 0:
                    break
        if b"\r\nconnection: close" in lower:
            self.close()
        return status

    async def answer_to(self, request: bytes) -> int:
        """`exchange` within the time limit; ERROR_STATUS (and a closed connection) when the
        connection broke or the answer did not come in time."""
        try:
            async with asyncio.timeout(REQUEST_TIMEOUT_SECONDS):
                return await self.exchange(request)
        except (OSError, asyncio.IncompleteReadError, ValueError, TimeoutError):
            self.close()
            return ERROR_STATUS


async def run_load(
    host: str,
    port: int,
    requests: Sequence[bytes],
    *,
    concurrency: int = 50,
    budget_seconds: float = 30.0,
) -> LoadResult:
    """Send every request once over `concurrency` connections; time each and the whole run.

    No new request starts once `budget_seconds` have passed, so a slow scenario cannot stretch
    the bench past its time limit: the result then counts the requests that were completed.
    """
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    next_index = 0
    connections = [_Connection(host, port) for _ in range(min(concurrency, len(requests)))]
    # Connect first, so the run measures requests rather than TCP handshakes.
    await asyncio.gather(*(c.open() for c in connections))

    async def worker(connection: _Connection) -> None:
        nonlocal next_index
        clock = time.perf_counter
        stop_at = clock() + budget_seconds
        while next_index < len(requests) and clock() < stop_at:
            request = requests[next_index]
            next_index += 1
            started = clock()
            status = await connection.answer_to(request)
            latencies.append((clock() - started) * 1000)
            statuses[status] = statuses.get(status, 0) + 1

    started = time.perf_counter()
    await asyncio.gather(*(worker(c) for c in connections))
    elapsed = time.perf_counter() - started
    for connection in connections:
        connection.close()
    return LoadResult(
        len(latencies), len(connections), elapsed, latencies, statuses, planned=len(requests)
    )


async def run_open_loop(
    host: str,
    port: int,
    requests: Sequence[bytes],
    *,
    per_second: float,
    seconds: float,
) -> LoadResult:
    """Start a request every 1/`per_second` seconds, whether or not earlier ones have finished.

    This is how people arrive: nobody waits for the previous family's page before opening
    theirs. Each latency runs from when the request was due, not from when it was sent, so a
    server that falls behind is charged for the queue it builds (no coordinated omission).
    Connections are reused when idle and opened when every one is busy.
    """
    count = min(len(requests), round(per_second * seconds))
    clock = time.perf_counter
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    idle = [_Connection(host, port) for _ in range(4)]
    await asyncio.gather(*(c.open() for c in idle))
    opened = len(idle)

    async def send(request: bytes, due: float) -> None:
        nonlocal opened
        if idle:
            connection = idle.pop()
        else:
            connection, opened = _Connection(host, port), opened + 1
        status = await connection.answer_to(request)
        latencies.append((clock() - due) * 1000)
        statuses[status] = statuses.get(status, 0) + 1
        if connection.writer is not None:
            idle.append(connection)

    started = clock() + 0.01
    sending: list[asyncio.Task[None]] = []
    for index in range(count):
        due = started + index / per_second
        if (wait := due - clock()) > 0:
            await asyncio.sleep(wait)
        sending.append(asyncio.create_task(send(requests[index], due)))
    await asyncio.gather(*sending)
    elapsed = clock() - started
    for connection in idle:
        connection.close()
    return LoadResult(len(latencies), opened, elapsed, latencies, statuses, planned=len(requests))
