"""Moving a request from one state to the next, and changing a conference: compare-and-set."""

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from service.audit import append_audit
from service.domain.audit_actions import AuditAction
from service.domain.errors import ConcurrentChange
from service.domain.states import Actor, RequestEvent, RequestStatus
from service.domain.transitions import next_status
from service.settings import Settings
from service.store.conference_changes import compare_and_set_conference
from service.store.ids import saved_id
from service.store.requests import compare_and_set_status
from service.store.tables import Conference, ObservationRequest
from service.usecases.steps.outcome_webhooks import announce_outcome_change


async def move_request(
    session: AsyncSession,
    *,
    settings: Settings,
    request: ObservationRequest,
    event: RequestEvent,
    actor: Actor,
    actor_id: int | None,
    now: datetime,
    details: dict[str, object] | None = None,
    **changes: object,
) -> RequestStatus:
    """Apply one event with its audit entry and its outcome event for the case-management
    system; ConcurrentChange if someone moved it first."""
    current = RequestStatus(request.status)
    target = next_status(current, event, actor)
    won = await compare_and_set_status(
        session,
        request_id=saved_id(request),
        expected_status=current,
        expected_version=request.version,
        new_status=target,
        now=now,
        **changes,
    )
    if not won:
        raise ConcurrentChange(
            "Someone else changed this request at the same moment. Look at it again and retry."
        )
    await session.refresh(request)
    await append_audit(
        session,
        now=now,
        actor_kind=actor.value,
        actor_id=actor_id,
        action=AuditAction(event.value),
        request_id=saved_id(request),
        conference_id=request.conference_id,
        from_status=current.value,
        to_status=target.value,
        details=details,
    )
    await announce_outcome_change(session, settings=settings, now=now, request=request)
    return target


async def change_conference(
    session: AsyncSession, *, conference: Conference, **changes: object
) -> Conference:
    """Change a conference as loaded; ConcurrentChange if someone changed it first."""
    won = await compare_and_set_conference(
        session, conference_id=saved_id(conference), expected_version=conference.version, **changes
    )
    if not won:
        raise ConcurrentChange(
            "Someone else changed this conference at the same moment. Look at it again and retry."
        )
    await session.refresh(conference)
    return conference
