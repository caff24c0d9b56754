"""QA records conferences and the family members to be asked; reschedules and cancels them."""

from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from service.audit import append_audit
from service.domain.conferences import check_duration, check_family_member, parse_kind
from service.domain.errors import InvalidInput
from service.domain.observers import check_conference_time
from service.domain.staff import normalise_email
from service.domain.states import OPEN_STATUSES, Actor, RequestEvent, RequestStatus
from service.domain.times import london_day
from service.settings import Settings
from service.store.loading import load_conference, load_staff
from service.store.requests import bump_calendar_sequence
from service.store.tables import Conference, FamilyMember, ObservationRequest
from service.usecases.mail import send_calendar
from service.usecases.moves import move_request
from service.usecases.outcomes import announce_outcome


async def record_conference(
    session: AsyncSession,
    *,
    now: datetime,
    qa_user_id: int,
    reference: str,
    kind: str,
    starts_at: datetime,
    duration_minutes: int,
    venue: str,
    open_to_observers: bool,
) -> Conference:
    """Record a conference after checking its time, kind, length and reference; commits."""
    reference = reference.strip()
    if not reference:
        raise InvalidInput("Enter the conference reference.", field="reference")
    if not venue.strip():
        raise InvalidInput("Enter where the conference will be held.", field="venue")
    starts_utc = check_conference_time(starts_at=starts_at, now=now)
    conference_kind = parse_kind(kind)
    check_duration(duration_minutes)
    taken = await session.scalar(
        select(col(Conference.id)).where(col(Conference.reference) == reference)
    )
    if taken is not None:
        raise InvalidInput(
            f"There is already a conference with the reference {reference}.", field="reference"
        )
    conference = Conference(
        reference=reference,
        kind=conference_kind.value,
        starts_at=starts_utc,
        duration_minutes=duration_minutes,
        venue=venue.strip(),
        open_to_observers=open_to_observers,
        created_at=now,
        created_by_id=qa_user_id,
    )
    session.add(conference)
    await session.flush()
    await append_audit(
        session,
        now=now,
        actor_kind=Actor.QA.value,
        actor_id=qa_user_id,
        action="conference_recorded",
        conference_id=conference.id,
        details={"reference": reference, "starts_at": starts_utc.isoformat()},
    )
    await session.commit()
    return conference


async def _requests_being_put_to_family(
    session: AsyncSession, conference_id: int
) -> list[ObservationRequest]:
    rows = await session.scalars(
        select(ObservationRequest).where(
            col(ObservationRequest.conference_id) == conference_id,
            col(ObservationRequest.status).in_(
                [RequestStatus.SEEKING_CONSENT.value, RequestStatus.CONFIRMED.value]
            ),
        )
    )
    return list(rows)


async def add_family_member(
    session: AsyncSession,
    *,
    now: datetime,
    qa_user_id: int,
    conference_id: int,
    name: str,
    relationship: str,
    email: str | None,
    is_child: bool,
    date_of_birth: date | None,
    has_parental_responsibility: bool,
    sufficient_understanding: bool | None,
    understanding_judged_by: str | None,
    contact_by_email: bool,
) -> FamilyMember:
    """Add a person whose views QA will seek; refused while the family is being asked; commits."""
    await load_conference(session, conference_id)  # NotFound for an unknown conference
    if not name.strip():
        raise InvalidInput("Enter the person's name.", field="name")
    if not relationship.strip():
        raise InvalidInput("Enter the person's relationship to the child.", field="relationship")
    address = normalise_email(email) if email and email.strip() else None
    check_family_member(
        is_child=is_child,
        date_of_birth=date_of_birth,
        today=london_day(now),
        email=address,
        contact_by_email=contact_by_email,
        sufficient_understanding=sufficient_understanding,
        understanding_judged_by=understanding_judged_by,
    )
    if await _requests_being_put_to_family(session, conference_id):
        raise InvalidInput(
            "The family is already being asked about an observer. Withdraw that request before "
            "adding someone, so that everyone who must be asked is asked."
        )
    member = FamilyMember(
        conference_id=conference_id,
        name=name.strip(),
        relationship=relationship.strip(),
        email=address,
        is_child=is_child,
        date_of_birth=date_of_birth,
        has_parental_responsibility=has_parental_responsibility,
        sufficient_understanding=sufficient_understanding if is_child else None,
        understanding_judged_by=(understanding_judged_by or "").strip() or None,
        contact_by_email=contact_by_email,
        created_at=now,
    )
    session.add(member)
    await session.flush()
    await append_audit(
        session,
        now=now,
        actor_kind=Actor.QA.value,
        actor_id=qa_user_id,
        action="family_member_added",
        conference_id=conference_id,
        details={
            "family_member_id": member.id,
            "is_child": is_child,
            "sufficient_understanding": member.sufficient_understanding,
            "understanding_judged_by": member.understanding_judged_by,
            "contact_by_email": contact_by_email,
        },
    )
    await session.commit()
    return member


async def _open_requests(session: AsyncSession, conference_id: int) -> list[ObservationRequest]:
    rows = await session.scalars(
        select(ObservationRequest).where(
            col(ObservationRequest.conference_id) == conference_id,
            col(ObservationRequest.status).in_([s.value for s in OPEN_STATUSES]),
        )
    )
    return list(rows)


async def reschedule_conference(
    session: AsyncSession,
    *,
    settings: Settings,
    now: datetime,
    qa_user_id: int,
    conference_id: int,
    starts_at: datetime,
    venue: str | None = None,
) -> Conference:
    """Move a conference; a confirmed invite is resent with a higher SEQUENCE; commits."""
    conference = await load_conference(session, conference_id)
    if conference.cancelled_at is not None:
        raise InvalidInput("This conference was cancelled, so it cannot be moved.")
    previous = conference.starts_at
    conference.starts_at = check_conference_time(starts_at=starts_at, now=now)
    if venue is not None and venue.strip():
        conference.venue = venue.strip()
    conference.version += 1
    await append_audit(
        session,
        now=now,
        actor_kind=Actor.QA.value,
        actor_id=qa_user_id,
        action="conference_rescheduled",
        conference_id=conference_id,
        details={"from": previous.isoformat(), "to": conference.starts_at.isoformat()},
    )
    for request in await _open_requests(session, conference_id):
        assert request.id is not None
        if request.status == RequestStatus.CONFIRMED and await bump_calendar_sequence(
            session,
            request_id=request.id,
            expected_status=RequestStatus.CONFIRMED,
            expected_version=request.version,
            now=now,
        ):
            await session.refresh(request)
            trainee = await load_staff(session, request.trainee_id)
            await send_calendar(
                session,
                settings=settings,
                now=now,
                method="REQUEST",
                request=request,
                conference=conference,
                observer=trainee,
            )
    await session.commit()
    return conference


async def cancel_conference(
    session: AsyncSession,
    *,
    settings: Settings,
    now: datetime,
    qa_user_id: int,
    conference_id: int,
) -> Conference:
    """Cancel a conference and every open request for it, cancelling any invite; commits."""
    conference = await load_conference(session, conference_id)
    if conference.cancelled_at is not None:
        raise InvalidInput("This conference is already cancelled.")
    conference.cancelled_at = now
    conference.open_to_observers = False
    conference.version += 1
    await append_audit(
        session,
        now=now,
        actor_kind=Actor.QA.value,
        actor_id=qa_user_id,
        action="conference_cancelled",
        conference_id=conference_id,
    )
    for request in await _open_requests(session, conference_id):
        was_confirmed = request.status == RequestStatus.CONFIRMED
        await move_request(
            session,
            request=request,
            event=RequestEvent.CONFERENCE_CANCELLED,
            actor=Actor.QA,
            actor_id=qa_user_id,
            now=now,
            calendar_sequence=request.calendar_sequence + (1 if was_confirmed else 0),
        )
        await announce_outcome(
            session, settings=settings, now=now, request=request, cancel_invite=was_confirmed
        )
    await session.commit()
    return conference
