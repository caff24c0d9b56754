"""A ready-made world for HTTP tests: QA, a trainee, and a conference with a family."""

from dataclasses import dataclass
from datetime import date, timedelta

from service.store.database import Database
from tests.support.factories import NOW, make_conference, make_family_member, make_staff


@dataclass
class World:
    """Ids and addresses the tests use."""

    qa_email: str
    trainee_email: str
    other_trainee_email: str
    trainee_id: int
    conference_id: int
    family_ids: list[int]
    family_names: list[str]
    family_emails: list[str]


async def build_world(database: Database, *, days_ahead: int = 28, **conference: object) -> World:
    """QA, two trainees, and a conference four weeks ahead with two parents and a 13-year-old."""
    async with database.write_session() as session:
        qa = await make_staff(session, role="qa", name="Quinn QA")
        trainee = await make_staff(session, role="trainee", name="Taylor Trainee")
        other = await make_staff(session, role="trainee", name="Olu Other")
        meeting = await make_conference(
            session, starts_at=NOW + timedelta(days=days_ahead), **conference
        )
        assert meeting.id is not None and trainee.id is not None
        mother = await make_family_member(
            session, conference_id=meeting.id, name="Alexandra Zebedee", relationship="Mother"
        )
        father = await make_family_member(
            session, conference_id=meeting.id, name="Jonathan Quixley", relationship="Father"
        )
        child = await make_family_member(
            session,
            conference_id=meeting.id,
            name="Samira Wolstenholme",
            relationship="Daughter",
            is_child=True,
            date_of_birth=date(2013, 5, 1),
            has_parental_responsibility=False,
            sufficient_understanding=True,
            understanding_judged_by="Priya Shah, social worker",
        )
        await session.commit()
        members = [mother, father, child]
        return World(
            qa_email=qa.email,
            trainee_email=trainee.email,
            other_trainee_email=other.email,
            trainee_id=trainee.id,
            conference_id=meeting.id,
            family_ids=[m.id or 0 for m in members],
            family_names=[m.name for m in members],
            family_emails=[m.email or "" for m in members],
        )


def request_body(conference_id: int, **overrides: object) -> dict[str, object]:
    """A valid body for POST /api/v1/observation-requests."""
    body: dict[str, object] = {
        "conference_id": conference_id,
        "role": "Student social worker",
        "organisation": "Children's Services",
        "purpose": "I want to learn how families are heard at these meetings.",
        "supervisor_name": "Sam Supervisor",
        "supervisor_email": "supervisor@council.example",
        "confidentiality_acknowledged": True,
    }
    body.update(overrides)
    return body
