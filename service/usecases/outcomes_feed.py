"""Outcomes for the council's case-management system: what became of each observer request.

Only outcome facts go out (the meeting's ids, the request's status, whether the observation took
place, when that last changed, and where QA can read the whole record): never a family member's
name, answer or address.
"""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from service.domain.conferences import ChairCheck
from service.settings import Settings
from service.store.ids import saved_id
from service.store.outcomes import outcomes_changed_since
from service.store.tables import Conference, ObservationRequest

MAX_OUTCOMES_PAGE = 500


@dataclass(frozen=True)
class OutcomeItem:
    """One request's outcome, as the feed lists it and a webhook event carries it."""

    external_id: str | None
    conference_id: int
    conference_reference: str
    request_id: int
    status: str
    observed: bool
    changed_at: datetime
    record_url: str


def record_url(settings: Settings, request_id: int) -> str:
    """Where QA reads the whole record of a request."""
    return f"{settings.base_url.rstrip('/')}/qa/requests/{request_id}/record"


def outcome_item(
    settings: Settings, request: ObservationRequest, conference: Conference
) -> OutcomeItem:
    """A request's outcome; `changed_at` is when its status last moved."""
    return OutcomeItem(
        external_id=conference.external_id,
        conference_id=saved_id(conference),
        conference_reference=conference.reference,
        request_id=saved_id(request),
        status=request.status,
        # Only the chair's check on the day says the observer was really in the room.
        observed=request.chair_check == ChairCheck.OBSERVED.value,
        changed_at=request.updated_at,
        record_url=record_url(settings, saved_id(request)),
    )


@dataclass(frozen=True)
class OutcomesPage:
    """One page of the feed, and where the next starts when there may be more."""

    items: list[OutcomeItem]
    # The last item's (changed_at, request id) when the page is full.
    next_after: tuple[datetime, int] | None


async def read_outcomes(
    session: AsyncSession,
    *,
    settings: Settings,
    changed_since: datetime,
    after_id: int | None = None,
    limit: int = 100,
) -> OutcomesPage:
    """Outcomes that changed at or after `changed_since` (after request `after_id` at that very
    instant), oldest change first."""
    limit = max(1, min(limit, MAX_OUTCOMES_PAGE))
    rows = await outcomes_changed_since(
        session, changed_since=changed_since, after_id=after_id, limit=limit
    )
    items = [outcome_item(settings, row.request, row.conference) for row in rows]
    last = items[-1] if len(items) == limit else None
    return OutcomesPage(items, (last.changed_at, last.request_id) if last else None)
