"""Factory functions that write rows directly, each taking `**overrides`."""

from datetime import UTC, datetime, timedelta
from itertools import count
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from service.passwords import hash_password
from service.store.tables import Conference, FamilyMember, ObservationRequest, StaffUser

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
_sequence = count(1)
# Hashing with argon2 on every factory call would slow the suite; one hash serves all.
TEST_PASSWORD = "correct horse battery staple"
_TEST_HASH = hash_password(TEST_PASSWORD)


async def make_staff(session: AsyncSession, **overrides: Any) -> StaffUser:
    """A confirmed staff account (trainee unless `role` says otherwise)."""
    n = next(_sequence)
    fields: dict[str, Any] = {
        "email": f"staff{n}@council.example",
        "name": f"Staff Member {n}",
        "role": "trainee",
        "password_hash": _TEST_HASH,
        "email_confirmed_at": NOW,
        "created_at": NOW,
    }
    fields.update(overrides)
    user = StaffUser(**fields)
    session.add(user)
    await session.flush()
    return user


async def make_conference(session: AsyncSession, **overrides: Any) -> Conference:
    """A conference open to observers four weeks after NOW, at 10:00 London time."""
    n = next(_sequence)
    fields: dict[str, Any] = {
        "reference": f"CP-{n:05d}",
        "kind": "initial",
        "starts_at": NOW + timedelta(days=28),
        "duration_minutes": 90,
        "venue": "Room 2, Civic Centre",
        "open_to_observers": True,
        "created_at": NOW,
    }
    fields.update(overrides)
    conference = Conference(**fields)
    session.add(conference)
    await session.flush()
    return conference


async def make_family_member(session: AsyncSession, **overrides: Any) -> FamilyMember:
    """An adult with parental responsibility who may be emailed."""
    n = next(_sequence)
    fields: dict[str, Any] = {
        "name": f"Parent {n}",
        "relationship": "Mother",
        "email": f"parent{n}@family.example",
        "is_child": False,
        "has_parental_responsibility": True,
        "contact_by_email": True,
        "created_at": NOW,
    }
    fields.update(overrides)
    # The channel follows the older flag unless the test names one, as the service keeps them.
    fields.setdefault("contact_channel", "email" if fields["contact_by_email"] else "in_person")
    member = FamilyMember(**fields)
    session.add(member)
    await session.flush()
    return member


async def make_request(session: AsyncSession, **overrides: Any) -> ObservationRequest:
    """A submitted request with the confidentiality statement acknowledged."""
    fields: dict[str, Any] = {
        "status": "submitted",
        "role": "Student social worker",
        "organisation": "Children's Services",
        "purpose": "To learn how a conference hears the family's views.",
        "supervisor_name": "Sam Supervisor",
        "supervisor_email": "supervisor@council.example",
        "confidentiality_acknowledged": True,
        "confidentiality_statement_version": "1",
        "created_at": NOW,
        "updated_at": NOW,
    }
    fields.update(overrides)
    request = ObservationRequest(**fields)
    session.add(request)
    await session.flush()
    return request
