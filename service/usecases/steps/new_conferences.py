"""Adding a conference, for the use cases that record one by hand or from the case-management
system. Nothing here commits."""

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from service.audit import append_audit
from service.domain.audit_actions import AuditAction
from service.domain.conferences import check_duration, parse_kind
from service.domain.errors import ConcurrentChange, InvalidInput
from service.domain.observers import check_conference_time
from service.domain.states import Actor
from service.store.tables import Conference


async def add_conference(
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
    external_id: str | None = None,
) -> Conference:
    """Add a conference after checking its time, kind, length and reference; the caller commits."""
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
        external_id=external_id,
    )
    session.add(conference)
    try:
        await session.flush()
    except IntegrityError:
        # Checked above; only someone recording the same conference this very moment gets here.
        raise ConcurrentChange(
            "Someone else recorded this conference at the same moment. Look at the conferences "
            "again and retry."
        ) from None
    details: dict[str, object] = {"reference": reference, "starts_at": starts_utc.isoformat()}
    if external_id is not None:
        details["external_id"] = external_id
    await append_audit(
        session,
        now=now,
        actor_kind=Actor.QA.value,
        actor_id=qa_user_id,
        action=AuditAction.CONFERENCE_RECORDED,
        conference_id=conference.id,
        details=details,
    )
    return conference
