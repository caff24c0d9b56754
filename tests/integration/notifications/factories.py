"""Building test data for the outbox: engines, emails, invites and committed rows."""

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from notifications.calendar import CalendarInvite, build_invite
from notifications.emails import RenderedEmail
from notifications.outbox import OutboxMessage, enqueue

# Monday 23 November 2026, 10:00 in London (GMT).
START = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
MESSAGE_ID_DOMAIN = "cpc.test"
MAIL_FROM = "Safeguarding Quality Assurance Service <observers@council.example>"

Sessions = async_sessionmaker[AsyncSession]


def make_engine(url: str) -> AsyncEngine:
    """An engine set up as the service sets up its own; SQLite begins writes IMMEDIATE."""
    if not url.startswith("sqlite"):
        return create_async_engine(url, pool_size=5)
    engine = create_async_engine(url)

    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # The standard aiosqlite recipe: take transactions over from the driver, and begin
        # each one IMMEDIATE so two claimers queue on the write lock instead of interleaving.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def invite(method: str = "REQUEST", sequence: int = 0) -> CalendarInvite:
    """The invite for a 10:00 conference, as the service would build it."""
    return build_invite(
        method="CANCEL" if method == "CANCEL" else "REQUEST",
        uid="observation-1@cpc.test",
        sequence=sequence,
        starts_at=datetime(2026, 12, 7, 10, 0, tzinfo=UTC),
        ends_at=datetime(2026, 12, 7, 12, 0, tzinfo=UTC),
        summary="Observer at conference CP-2026-001",
        description="Tom Trainee observes conference CP-2026-001.",
        location="Room 2, Civic Centre",
        organizer_email="qa@council.example",
        organizer_name="Safeguarding Quality Assurance Service",
        attendees=[("qa@council.example", "Safeguarding Quality Assurance Service")],
        stamp=datetime(2026, 11, 23, 10, 0, tzinfo=UTC),
    )


def rendered(**overrides: str) -> RenderedEmail:
    """A small email; tests override what they check."""
    values = {
        "subject": "Child Protection Conference CP-2026-001: observation going ahead",
        "text": "The observation is going ahead.\n\nhttps://cpc.test/qa/requests/1\n",
        "html": "<p>The observation is going ahead.</p>",
    }
    values.update(overrides)
    return RenderedEmail(**values)


async def add_message(
    sessions: Sessions,
    clock: Callable[[], datetime],
    *,
    to_address: str = "qa@council.example",
    email: RenderedEmail | None = None,
    calendar: CalendarInvite | None = None,
    ordering_key: str | None = None,
    template: str = "qa_outcome",
    recipient_role: str = "qa",
) -> int:
    """Enqueue one message and commit, as a use case would; returns its id."""
    async with sessions() as session, session.begin():
        row = await enqueue(
            session,
            now=clock(),
            template=template,
            recipient_role=recipient_role,
            to_address=to_address,
            email=email or rendered(),
            request_id=1,
            calendar=calendar,
            ordering_key=ordering_key,
        )
        assert row.id is not None
        return row.id


async def load(sessions: Sessions, message_id: int) -> OutboxMessage:
    """The row as stored now."""
    async with sessions() as session:
        row = await session.get(OutboxMessage, message_id, populate_existing=True)
        assert row is not None
        return row
