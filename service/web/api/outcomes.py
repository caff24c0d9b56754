"""The outcomes feed for the council's case-management system."""

from dataclasses import asdict
from datetime import UTC, datetime
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Query
from pydantic import AwareDatetime

from service.usecases.outcomes_feed import MAX_OUTCOMES_PAGE, read_outcomes
from service.usecases.steps.outcome_webhooks import json_moment
from service.web.api.schemas import ERROR_RESPONSES, OutcomeOut, OutcomesOut
from service.web.deps import ApiQaDep, ReadSessionDep, SettingsDep
from service.web.http.fields import MAX_ID

router = APIRouter(prefix="/api/v1", responses=ERROR_RESPONSES)
PATH = "/api/v1/outcomes"


def _in_utc(moment: datetime) -> datetime:
    """The time in UTC. One within an offset of the calendar's ends (year 1 or 9999) has no UTC
    time Python can hold; it can only mean from the very start, or after everything."""
    try:
        return moment.astimezone(UTC)
    except OverflowError:
        return (datetime.min if moment.year == datetime.min.year else datetime.max).replace(
            tzinfo=UTC
        )


@router.get("/outcomes", response_model=OutcomesOut, tags=["outcomes"])
async def list_outcomes(
    user: ApiQaDep,
    session: ReadSessionDep,
    settings: SettingsDep,
    changed_since: Annotated[
        AwareDatetime,
        Query(
            description="Outcomes changed at or after this time, ISO 8601 with an offset "
            "(write + as %2B in a query, or use Z)."
        ),
    ],
    after_id: Annotated[
        int | None,
        Query(
            ge=1,
            le=MAX_ID,
            description="Only with the changed_since of a `next` link: skip requests changed "
            "at exactly that time up to and including this request id.",
        ),
    ] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_OUTCOMES_PAGE)] = 100,
) -> OutcomesOut:
    """Each observer request whose outcome changed since a time, oldest change first, paged:
    follow `next` until it is null."""
    page = await read_outcomes(
        session,
        settings=settings,
        changed_since=_in_utc(changed_since),
        after_id=after_id,
        limit=limit,
    )
    following = None
    if page.next_after is not None:
        changed_at, request_id = page.next_after
        query = {"changed_since": json_moment(changed_at), "after_id": request_id, "limit": limit}
        following = f"{PATH}?{urlencode(query)}"
    return OutcomesOut(
        items=[OutcomeOut(**asdict(item)) for item in page.items],
        next=following,
    )
