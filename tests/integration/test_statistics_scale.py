"""The statistics page asks the database the same few questions for 100 requests as for 100,000.

Every figure is a grouped query, so the count of statements cannot grow with the record.
"""

from datetime import UTC, datetime, timedelta

from sqlalchemy import insert

from service.domain.statistics import PeriodKind, period_of
from service.domain.working_days import BankHolidayRegion
from service.record.statistics import statistics_for
from service.store.database import Database
from service.store.tables import (
    Conference,
    ConsentAnswer,
    ConsentInvitation,
    FamilyMember,
    ObservationRequest,
)
from tests.integration.test_query_counts import counting_statements
from tests.support.factories import make_staff

STATUSES = ("submitted", "declined", "seeking_consent", "confirmed", "not_going_ahead",
            "lapsed", "withdrawn", "cancelled", "completed")  # fmt: skip
YEAR = period_of(PeriodKind.DATES, today=datetime(2026, 1, 1).date(),
                 first=datetime(2026, 4, 1).date(), last=datetime(2027, 3, 31).date())  # fmt: skip


async def seed_requests(
    database: Database, count: int, *, id_from: int = 1, scattered: bool = False
) -> None:
    """`count` requests over the year, 100 a conference, every tenth with a parent who answered.

    All asked together 30 days before the year begins, or `scattered`: each asked 1 to 40 days
    before its own conference, at a different second of the day."""
    async with database.write_session() as session:
        trainee = await make_staff(session)
        await session.commit()
    start = datetime(2026, 4, 1, 9, 0, tzinfo=UTC)
    conferences = max(count // 100, 1)

    def starts(conference: int) -> datetime:
        return start + timedelta(hours=(conference * 8700) // conferences)

    def asked_at(n: int) -> datetime:
        if not scattered:
            return start - timedelta(days=30)
        return starts(n % conferences) - timedelta(days=1 + n % 40, seconds=(n * 37) % 86_400)

    async with database.write_session() as session:
        await session.execute(insert(Conference), [
            {"id": id_from + n, "reference": f"BULK-{id_from + n}", "kind": "initial",
             "starts_at": starts(n),
             "duration_minutes": 90, "venue": "Room 2", "open_to_observers": True,
             "created_at": start}
            for n in range(conferences)
        ])  # fmt: skip
        await session.execute(insert(ObservationRequest), [
            {"id": id_from + n, "conference_id": id_from + n % conferences,
             "trainee_id": trainee.id, "status": STATUSES[n % len(STATUSES)],
             "role": "Student social worker", "organisation": f"Organisation {n % 25}",
             "purpose": "To learn.", "supervisor_name": "S", "supervisor_email": "s@x.example",
             "confidentiality_acknowledged": True, "confidentiality_statement_version": "1",
             "decline_reason": "Too soon" if n % len(STATUSES) == 1 else None,
             "created_at": asked_at(n), "updated_at": start}
            for n in range(count)
        ])  # fmt: skip
        asked = range(0, count, 10)
        await session.execute(insert(FamilyMember), [
            {"id": id_from + n, "conference_id": id_from + n % conferences, "name": "P",
             "relationship": "Mother", "is_child": False, "created_at": start}
            for n in asked
        ])  # fmt: skip
        await session.execute(insert(ConsentInvitation), [
            {"id": id_from + n, "request_id": id_from + n, "family_member_id": id_from + n,
             "nonce": f"n{n}", "wording": "adult", "ask_in_person": False,
             "current_answer": "yes", "created_at": start - timedelta(days=20)}
            for n in asked
        ])  # fmt: skip
        await session.execute(insert(ConsentAnswer), [
            {"invitation_id": id_from + n, "answer": "yes", "channel": "link", "language": "en",
             "text_version": "1", "text_sha256": "0" * 64,
             "recorded_at": start - timedelta(days=20) + timedelta(hours=n % 72)}
            for n in asked
        ])  # fmt: skip
        await session.commit()


async def _statements(database: Database) -> int:
    with counting_statements(database) as statements:
        async with database.read_session() as session:
            figures = await statistics_for(session, period=YEAR,
                                           region=BankHolidayRegion.ENGLAND_AND_WALES)  # fmt: skip
    assert figures.table("outcomes").total() > 0
    return len(statements)


async def test_the_same_statements_for_a_hundred_and_a_hundred_thousand_requests(
    database: Database,
) -> None:
    await seed_requests(database, 100)
    at_a_hundred = await _statements(database)
    await seed_requests(database, 99_900, id_from=1_000, scattered=True)
    async with database.read_session() as session:
        figures = await statistics_for(session, period=YEAR,
                                       region=BankHolidayRegion.ENGLAND_AND_WALES)  # fmt: skip
    assert figures.table("outcomes").total() == 100_000
    assert await _statements(database) == at_a_hundred
