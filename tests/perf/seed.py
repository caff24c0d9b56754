"""Bulk seeding for the benchmarks: rows written with Core inserts, never through use cases.

Ids are given explicitly so the benchmark knows them without reading them back; on PostgreSQL
the id sequences are moved past them afterwards so the service's own inserts do not collide.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Table, insert, text
from sqlalchemy.ext.asyncio import AsyncConnection, create_async_engine

from notifications.outbox import OutboxMessage
from service.links import new_nonce
from service.passwords import hash_password
from service.store.tables import (
    Conference,
    ConsentInvitation,
    FamilyMember,
    ObservationRequest,
    StaffUser,
)

LONDON = ZoneInfo("Europe/London")
QA_EMAIL = "qa.bench@council.example"
QA_PASSWORD = "bench password for the QA officer"
TRAINEES = 20
FINISHED = ("completed", "declined", "not_going_ahead", "lapsed", "withdrawn", "cancelled")
CHUNK = 5_000


def _table(model: Any) -> Table:
    table: Table = model.__table__
    return table


@dataclass
class Seeded:
    """What the benchmark needs to address the seeded rows."""

    qa_email: str = QA_EMAIL
    qa_password: str = QA_PASSWORD
    # (invitation id, nonce): one never-answered invitation per request for the page, and one
    # for the answer, on the same request, so every POST is a first answer that decides nothing.
    page_invitations: list[tuple[int, str]] = field(default_factory=list)
    answer_invitations: list[tuple[int, str]] = field(default_factory=list)
    finished_requests: int = 0
    open_requests: int = 0


def conference_start(now: datetime) -> datetime:
    """10:00 London four weeks ahead: far from the deadline, alike for every answerable request."""
    day = now.astimezone(LONDON).date() + timedelta(days=28)
    return datetime.combine(day, time(10, 0), tzinfo=LONDON).astimezone(UTC)


async def _insert(
    connection: AsyncConnection, table: Table, rows: Sequence[dict[str, Any]]
) -> None:
    for start in range(0, len(rows), CHUNK):
        await connection.execute(insert(table), list(rows[start : start + CHUNK]))


def _request(
    request_id: int, conference_id: int, trainee_id: int, status: str, when: datetime
) -> dict[str, Any]:
    return {
        "id": request_id,
        "conference_id": conference_id,
        "trainee_id": trainee_id,
        "status": status,
        "version": 1,
        "role": "Student social worker",
        "organisation": "Children's Services",
        "purpose": "To learn how a conference hears the family's views and agrees a plan.",
        "supervisor_name": "Sam Supervisor",
        "supervisor_email": "supervisor@council.example",
        "confidentiality_acknowledged": True,
        "confidentiality_statement_version": "1",
        "decline_reason": None,
        "chair_check": None,
        "chair_check_flagged_at": None,
        "calendar_sequence": 0,
        "created_at": when,
        "updated_at": when,
    }


def _conference(conference_id: int, starts_at: datetime, created: datetime) -> dict[str, Any]:
    return {
        "id": conference_id,
        "reference": f"CP-{conference_id:07d}",
        "kind": "initial" if conference_id % 3 else "review",
        "starts_at": starts_at,
        "duration_minutes": 90,
        "venue": "Room 2, Civic Centre",
        "open_to_observers": True,
        "cancelled_at": None,
        "version": 1,
        "created_at": created,
        "created_by_id": 1,
    }


def _member(member_id: int, conference_id: int, name: str, now: datetime) -> dict[str, Any]:
    return {
        "id": member_id,
        "conference_id": conference_id,
        "name": name,
        "relationship": "Parent",
        "email": f"parent{member_id}@family.example",
        "is_child": False,
        "date_of_birth": None,
        "has_parental_responsibility": True,
        "sufficient_understanding": None,
        "understanding_judged_by": None,
        "contact_by_email": True,
        "created_at": now,
    }


def _invitation(
    invitation_id: int, request_id: int, member_id: int, nonce: str, now: datetime
) -> dict[str, Any]:
    return {
        "id": invitation_id,
        "request_id": request_id,
        "family_member_id": member_id,
        "nonce": nonce,
        "wording": "adult",
        "ask_in_person": False,
        "current_answer": None,
        "answered_at": None,
        "reminders_sent": 0,
        "created_at": now,
    }


async def seed_service(
    url: str, *, finished: int, open_requests: int, answerable: int, now: datetime
) -> Seeded:
    """QA, trainees, `finished` past requests, `open_requests` submitted ones, and `answerable`
    requests seeking consent from two parents each, all with explicit ids."""
    seeded = Seeded(finished_requests=finished, open_requests=open_requests)
    staff = [
        {
            "id": 1,
            "email": QA_EMAIL,
            "name": "Quinn QA",
            "role": "qa",
            "password_hash": hash_password(QA_PASSWORD),
            "is_active": True,
            "email_confirmed_at": now,
            "created_at": now,
        }
    ]
    staff += [
        {
            "id": 2 + n,
            "email": f"trainee{n}@council.example",
            "name": f"Taylor Trainee {n}",
            "role": "trainee",
            "password_hash": staff[0]["password_hash"],
            "is_active": True,
            "email_confirmed_at": now,
            "created_at": now,
        }
        for n in range(TRAINEES)
    ]
    conferences: list[dict[str, Any]] = []
    requests: list[dict[str, Any]] = []
    members: list[dict[str, Any]] = []
    invitations: list[dict[str, Any]] = []
    # Finished requests: ten to a past conference, spread over the last few years.
    past_conferences = max(1, finished // 10)
    for n in range(past_conferences):
        starts = now - timedelta(days=1 + n % 1500, hours=n % 7)
        conferences.append(_conference(len(conferences) + 1, starts, starts - timedelta(days=30)))
    for n in range(finished):
        conference_id = 1 + n % past_conferences
        when = now - timedelta(days=1500) + timedelta(minutes=n)
        requests.append(
            _request(len(requests) + 1, conference_id, 2 + n % TRAINEES, FINISHED[n % 6], when)
        )
    # Open requests waiting for QA: each has its own future conference (one observer at a time).
    for n in range(open_requests):
        conference_id = len(conferences) + 1
        conferences.append(_conference(conference_id, now + timedelta(days=20, hours=n), now))
        requests.append(
            _request(len(requests) + 1, conference_id, 2 + n % TRAINEES, "submitted", now)
        )
    # Requests seeking consent: same trainee, time and venue, so all show the same information.
    start = conference_start(now)
    for _ in range(answerable):
        conference_id = len(conferences) + 1
        conferences.append(_conference(conference_id, start, now))
        request_id = len(requests) + 1
        requests.append(_request(request_id, conference_id, 2, "seeking_consent", now))
        pair = []
        for name in ("Alex Parent", "Jordan Parent"):
            member_id = len(members) + 1
            members.append(_member(member_id, conference_id, name, now))
            nonce = new_nonce()
            invitation_id = len(invitations) + 1
            invitations.append(_invitation(invitation_id, request_id, member_id, nonce, now))
            pair.append((invitation_id, nonce))
        seeded.answer_invitations.append(pair[0])
        seeded.page_invitations.append(pair[1])
    engine = create_async_engine(url)
    try:
        async with engine.begin() as connection:
            await _insert(connection, _table(StaffUser), staff)
            await _insert(connection, _table(Conference), conferences)
            await _insert(connection, _table(ObservationRequest), requests)
            await _insert(connection, _table(FamilyMember), members)
            await _insert(connection, _table(ConsentInvitation), invitations)
            await _advance_sequences(
                connection,
                [StaffUser, Conference, ObservationRequest, FamilyMember, ConsentInvitation],
            )
        async with engine.connect() as connection:
            await _analyze(connection)
    finally:
        await engine.dispose()
    return seeded


def outbox_rows(
    *,
    count: int,
    first_id: int,
    status: str,
    now: datetime,
    subject: str,
    text_body: str,
    html_body: str,
) -> list[dict[str, Any]]:
    """Outbox rows carrying one rendered email, to different addresses."""
    return [
        {
            "id": first_id + n,
            "created_at": now,
            "template": "family_answer_receipt",
            "recipient_role": "family",
            "to_address": f"parent{first_id + n}@family.example",
            "subject": subject,
            "body_text": text_body,
            "body_html": html_body,
            "calendar_ics": None,
            "calendar_method": None,
            "request_id": first_id + n,
            "ordering_key": None,
            "status": status,
            "attempts": 1 if status == "sent" else 0,
            "next_attempt_at": now,
            "lease_until": None,
            "last_error": None,
            "sent_at": now if status == "sent" else None,
            "bodies_cleared_at": None,
        }
        for n in range(count)
    ]


async def seed_outbox(url: str, rows: Iterable[dict[str, Any]]) -> None:
    """Insert outbox rows in bulk."""
    engine = create_async_engine(url)
    try:
        async with engine.begin() as connection:
            await _insert(connection, _table(OutboxMessage), list(rows))
            await _advance_sequences(connection, [OutboxMessage])
        async with engine.connect() as connection:
            await _analyze(connection)
    finally:
        await engine.dispose()


async def _advance_sequences(connection: AsyncConnection, models: list[Any]) -> None:
    if connection.dialect.name != "postgresql":
        return
    for model in models:
        name = _table(model).name
        await connection.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                f"(SELECT COALESCE(MAX(id), 1) FROM {name}))"
            )
        )


async def _analyze(connection: AsyncConnection) -> None:
    # PostgreSQL's autovacuum would have gathered statistics on a database that grew over years.
    # SQLite gathers none unless told (the service never runs ANALYZE or PRAGMA optimize), so
    # there the planner sees the data as the service would.
    if connection.dialect.name == "postgresql":
        await connection.execute(text("ANALYZE"))
        await connection.commit()
