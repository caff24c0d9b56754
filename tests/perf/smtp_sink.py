"""A local aiosmtpd server that accepts every message and keeps none.

    python -m tests.perf.smtp_sink HOST PORT

It runs in its own process so it does not share a core with the sender it serves.
"""

import asyncio
import signal
import sys

from aiosmtpd.smtp import SMTP, Envelope, Session


class CountingHandler:
    """Accepts each message with 250 and counts it."""

    def __init__(self) -> None:
        self.received = 0

    async def handle_DATA(self, _server: SMTP, _session: Session, _envelope: Envelope) -> str:
        self.received += 1
        return "250 OK"


async def serve(host: str, port: int) -> None:
    """Serve until SIGTERM, then print how many messages arrived."""
    handler = CountingHandler()
    loop = asyncio.get_running_loop()
    server = await loop.create_server(
        lambda: SMTP(handler, hostname="sink.local", enable_SMTPUTF8=True), host, port
    )
    stop = asyncio.Event()
    loop.add_signal_handler(signal.SIGTERM, stop.set)
    print(f"listening on {host}:{port}", flush=True)
    await stop.wait()
    server.close()
    print(f"received {handler.received}", flush=True)


if __name__ == "__main__":
    try:
        import uvloop

        uvloop.run(serve(sys.argv[1], int(sys.argv[2])))
    except ImportError:
        asyncio.run(serve(sys.argv[1], int(sys.argv[2])))
