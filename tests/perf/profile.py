"""Where a request's time goes: the service app called in-process under cProfile.

    python -m tests.perf.profile page|answer|list [--requests N] [--finished N] [--sort tottime]

The ASGI app is called directly (no server, no client), one request at a time, on a seeded
temporary SQLite database, so the profile holds only the service's own work.
"""

import argparse
import asyncio
import cProfile
import io
import pstats
import secrets
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from service.links import make_consent_token
from service.store.database import Database
from service.store.migrate import upgrade_database
from service.web.app import create_app
from tests.perf.http_bench import information_sha256, service_settings
from tests.perf.seed import seed_service


async def call(
    app: Any, method: str, path: str, *, cookies: str = "", form: dict[str, str] | None = None
) -> tuple[int, bytes, list[tuple[bytes, bytes]]]:
    """One request straight into the ASGI app; returns status, body and headers."""
    body = urlencode(form).encode() if form is not None else b""
    headers = [(b"host", b"127.0.0.1")]
    if cookies:
        headers.append((b"cookie", cookies.encode()))
    if form is not None:
        headers += [
            (b"content-type", b"application/x-www-form-urlencoded"),
            (b"content-length", str(len(body)).encode()),
        ]
    raw_path, _, query = path.partition("?")
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": raw_path,
        "raw_path": raw_path.encode(),
        "query_string": query.encode(),
        "root_path": "",
        "headers": headers,
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8000),
        "state": {},
    }
    sent = False
    status = 0
    chunks: list[bytes] = []
    response_headers: list[tuple[bytes, bytes]] = []

    async def receive() -> dict[str, Any]:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        await asyncio.sleep(3600)
        return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]
            response_headers.extend(message.get("headers", []))
        elif message["type"] == "http.response.body":
            chunks.append(message.get("body", b""))

    await app(scope, receive, send)
    return status, b"".join(chunks), response_headers


async def main(args: argparse.Namespace) -> None:
    """Seed, warm up, then profile `args.requests` requests of one kind."""
    with tempfile.TemporaryDirectory() as scratch:
        url = f"sqlite+aiosqlite:///{Path(scratch) / 'profile.db'}"
        await asyncio.to_thread(upgrade_database, url)
        seeded = await seed_service(
            url,
            finished=args.finished,
            open_requests=1_000,
            answerable=args.requests * 2 + 20,
            now=datetime.now(UTC),
        )
        settings = service_settings(url)
        database = Database(url)
        app = create_app(settings, database)
        async with app.router.lifespan_context(app):

            def link(invitation: tuple[int, str]) -> str:
                return "/consent/" + make_consent_token(
                    settings, invitation_id=invitation[0], nonce=invitation[1]
                )

            status, body, _ = await call(app, "GET", link(seeded.page_invitations[0]))
            assert status == 200, body[:300]
            text_sha256 = information_sha256(body.decode())
            csrf = secrets.token_urlsafe(24)
            answers = iter(seeded.answer_invitations)
            qa_cookie = await _sign_in(app, seeded)

            async def one(n: int) -> int:
                if args.kind == "page":
                    invitation = seeded.page_invitations[n % len(seeded.page_invitations)]
                    return (await call(app, "GET", link(invitation)))[0]
                if args.kind == "answer":
                    form = {
                        "csrf_token": csrf,
                        "text_sha256": text_sha256,
                        "decision": "yes",
                        "comment": "",
                    }
                    path = link(next(answers))
                    return (await call(app, "POST", path, cookies=f"cpc_csrf={csrf}", form=form))[0]
                return (await call(app, "GET", f"/qa?status={args.status}", cookies=qa_cookie))[0]

            for n in range(20):
                await one(n)
            timed = max(1, args.requests // 3)
            started = time.perf_counter()
            for n in range(timed):
                await one(n)
            unprofiled_ms = (time.perf_counter() - started) / timed * 1000
            profiler = cProfile.Profile()
            started = time.perf_counter()
            profiler.enable()
            statuses = [await one(n) for n in range(args.requests)]
            profiler.disable()
            elapsed = time.perf_counter() - started
        await database.dispose()
    print(
        f"{args.kind}: {unprofiled_ms:.2f} ms each without the profiler; "
        f"{args.requests} requests at {elapsed / args.requests * 1000:.2f} ms each "
        f"under it; statuses {sorted(set(statuses))}"
    )
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats(args.sort).print_stats(args.lines)
    print(out.getvalue())


async def _sign_in(app: Any, seeded: Any) -> str:
    status, body, headers = await call(app, "GET", "/sign-in")
    cookies = _set_cookies(headers)
    csrf = body.decode().split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    status, body, headers = await call(
        app,
        "POST",
        "/sign-in",
        cookies="; ".join(f"{k}={v}" for k, v in cookies.items()),
        form={"email": seeded.qa_email, "password": seeded.qa_password, "csrf_token": csrf},
    )
    assert status == 303, body[:300]
    cookies.update(_set_cookies(headers))
    return "; ".join(f"{k}={v}" for k, v in cookies.items())


def _set_cookies(headers: list[tuple[bytes, bytes]]) -> dict[str, str]:
    cookies = {}
    for name, value in headers:
        if name.lower() == b"set-cookie":
            pair = value.decode().split(";", 1)[0]
            key, _, val = pair.partition("=")
            cookies[key] = val
    return cookies


if __name__ == "__main__":
    parser = argparse.ArgumentParser(prog="python -m tests.perf.profile")
    parser.add_argument("kind", choices=["page", "answer", "list"])
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--finished", type=int, default=10_000)
    parser.add_argument("--status", default="submitted", help="the QA list's filter")
    parser.add_argument("--sort", default="cumulative")
    parser.add_argument("--lines", type=int, default=45)
    asyncio.run(main(parser.parse_args()))
