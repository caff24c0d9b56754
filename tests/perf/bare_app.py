"""The floor: a bare FastAPI app on the same stack, doing the least each scenario needs.

- `GET /page/{token}`: a Jinja2 page padded to the size of the service's consent page.
- `POST /insert/{token}`: parses the same form and inserts one row through one writer
  connection (SQLite: WAL, synchronous=NORMAL, BEGIN IMMEDIATE, like the service), then 303.
- `GET /list`: the raw keyset query behind QA's list on the same database, rendered as a plain
  Jinja2 table padded to the size of the service's page.

Configured from the environment by `tests.perf.run`:
`BARE_WRITE_URL`, `BARE_LIST_URL`, `BARE_PAGE_BYTES`, `BARE_LIST_BYTES`.
Run with `uvicorn --factory tests.perf.bare_app:create_bare_app`.
"""

import os
import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from jinja2 import Environment, FileSystemLoader, Template, select_autoescape
from sqlalchemy import bindparam, event, text
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

TEMPLATES = Path(__file__).resolve().parent / "templates"
_FILLER = (
    "A trainee social worker would like to sit in on the meeting, to learn how families are "
    "heard. They will keep what they hear private. "
)
_SELECT = (
    "SELECT r.id, c.reference, c.starts_at, s.name, r.status "
    "FROM observation_request r "
    "JOIN conference c ON c.id = r.conference_id "
    "JOIN staff_user s ON s.id = r.trainee_id "
)
_LIST_SQL = text(
    _SELECT + "WHERE r.status = :status AND r.id < :before_id ORDER BY r.id DESC LIMIT :limit"
)
# "Finished" is everything not open: NOT IN lets both databases walk the primary key backwards
# and stop after a page, where IN over six statuses sorts every finished row first.
_FINISHED_SQL = text(
    _SELECT + "WHERE r.status NOT IN :open AND r.id < :before_id ORDER BY r.id DESC LIMIT :limit"
).bindparams(bindparam("open", expanding=True))
_OPEN = ["submitted", "seeking_consent", "confirmed"]
PAGE_SIZE = 50


def _sqlite_engine(url: str, *, writer: bool) -> AsyncEngine:
    pool = {"pool_size": 1, "max_overflow": 0, "pool_timeout": 60} if writer else {}
    engine = create_async_engine(url, **pool)

    @event.listens_for(engine.sync_engine, "connect")
    def _connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE" if writer else "BEGIN")

    return engine


def _engine(url: str, *, writer: bool) -> AsyncEngine:
    if url.startswith("sqlite"):
        return _sqlite_engine(url, writer=writer)
    return create_async_engine(url, pool_size=10, max_overflow=10)


def _padded(template: Template, target: int, **context: Any) -> list[str]:
    """Filler paragraphs that bring the rendered page to about `target` bytes."""
    bare = len(template.render(filler=[], **context).encode())
    missing = max(0, target - bare)
    per_paragraph = len(_FILLER) + len("<p></p>\n")
    filler = [_FILLER] * (missing // per_paragraph)
    rest = missing - len(filler) * per_paragraph - len("<p></p>\n")
    if rest > 0:
        filler.append("x" * rest)
    return filler


def create_bare_app() -> FastAPI:
    """The bare app, configured from the environment."""
    write_url = os.environ["BARE_WRITE_URL"]
    list_url = os.environ.get("BARE_LIST_URL", write_url)
    page_bytes = int(os.environ.get("BARE_PAGE_BYTES", "6000"))
    list_bytes = int(os.environ.get("BARE_LIST_BYTES", "20000"))
    environment = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(enabled_extensions=("html",)),
    )
    page = environment.get_template("bare_page.html")
    listing = environment.get_template("bare_list.html")
    page_context = {"title": "Can a trainee watch your meeting?", "name": "Alex Parent"}
    page_filler = _padded(page, page_bytes, csrf_token=secrets.token_urlsafe(24), **page_context)
    writer = _engine(write_url, writer=True)
    reader = _engine(list_url, writer=False)
    # Sized on the first real page, so the padding matches what the rows actually render to.
    list_filler: list[str] | None = None

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        key = "SERIAL PRIMARY KEY" if writer.dialect.name == "postgresql" else "INTEGER PRIMARY KEY"
        async with writer.begin() as connection:
            await connection.execute(
                text(
                    f"CREATE TABLE IF NOT EXISTS bare_answer (id {key}, token TEXT NOT NULL, "
                    "decision TEXT NOT NULL, comment TEXT, created_at TEXT NOT NULL)"
                )
            )
        yield
        await writer.dispose()
        await reader.dispose()

    app = FastAPI(lifespan=lifespan)

    @app.get("/healthz")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/page/{token}")
    async def show_page(token: str) -> HTMLResponse:
        html = page.render(filler=page_filler, csrf_token=secrets.token_urlsafe(24), **page_context)
        return HTMLResponse(html)

    @app.post("/insert/{token}")
    async def insert_row(token: str, request: Request) -> RedirectResponse:
        form = await request.form()
        async with writer.begin() as connection:
            await connection.execute(
                text(
                    "INSERT INTO bare_answer (token, decision, comment, created_at) "
                    "VALUES (:token, :decision, :comment, :created_at)"
                ),
                {
                    "token": token[:100],
                    "decision": str(form.get("decision") or ""),
                    "comment": str(form.get("comment") or ""),
                    "created_at": datetime.now(UTC).isoformat(),
                },
            )
        return RedirectResponse(f"/page/{token}?saved=1", status_code=303)

    @app.get("/list")
    async def show_list(status: str = "submitted", before_id: int = 2**31 - 1) -> HTMLResponse:
        nonlocal list_filler
        window = {"before_id": before_id, "limit": PAGE_SIZE + 1}
        async with reader.connect() as connection:
            if status == "finished":
                result = await connection.execute(_FINISHED_SQL, {"open": _OPEN, **window})
            else:
                result = await connection.execute(_LIST_SQL, {"status": status, **window})
            rows = result.mappings().all()
        shown = rows[:PAGE_SIZE]
        context = {
            "title": "Requests",
            "rows": shown,
            "next_before_id": shown[-1]["id"] if len(rows) > PAGE_SIZE else None,
        }
        if list_filler is None:
            list_filler = _padded(listing, list_bytes, **context)
        html = listing.render(filler=list_filler, **context)
        return HTMLResponse(html)

    return app
