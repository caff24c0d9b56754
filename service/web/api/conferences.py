"""The JSON API for conferences: QA records, moves and cancels them; staff list them."""

from typing import Annotated

from fastapi import APIRouter, Query

from service.domain.notice import earliest_conference_start
from service.domain.staff import StaffRole
from service.store.ids import saved_id
from service.store.views import (
    conferences_open_to_trainees,
    upcoming_conferences,
)
from service.usecases.conferences import (
    cancel_conference,
    record_conference,
    reschedule_conference,
)
from service.web.api.presenters import (
    conference_for_qa,
    conference_public,
)
from service.web.api.schemas import (
    ERROR_RESPONSES,
    ConferenceIn,
    ConferenceOut,
    ConferencePublicOut,
    ConferenceRescheduleIn,
    CreatedOut,
)
from service.web.deps import (
    ApiQaDep,
    ApiStaffDep,
    NowDep,
    ReadSessionDep,
    SettingsDep,
    WriteSessionDep,
)
from service.web.http.fields import IdPath

router = APIRouter(prefix="/api/v1", responses=ERROR_RESPONSES)


@router.post("/conferences", status_code=201, response_model=CreatedOut, tags=["conferences"])
async def create_conference(
    body: ConferenceIn, user: ApiQaDep, session: WriteSessionDep, now: NowDep
) -> CreatedOut:
    """QA records a conference."""
    conference = await record_conference(session, now=now, qa_user_id=user.id, **body.model_dump())
    return CreatedOut(id=saved_id(conference))


@router.get("/conferences", tags=["conferences"])
async def list_conferences(
    user: ApiStaffDep,
    session: ReadSessionDep,
    settings: SettingsDep,
    now: NowDep,
    open: bool = False,
    offset: Annotated[int, Query(ge=0, le=100_000)] = 0,
) -> list[ConferencePublicOut] | list[ConferenceOut]:
    """Conferences: a trainee sees only those open to observers still outside the notice window."""
    if user.role == StaffRole.TRAINEE or open:
        earliest = earliest_conference_start(
            now=now,
            min_notice_working_days=settings.min_notice_working_days,
            region=settings.bank_holiday_region,
        )
        rows = await conferences_open_to_trainees(session, earliest_start=earliest, offset=offset)
        if user.role == StaffRole.TRAINEE:
            return [conference_public(c) for c in rows]
        return [conference_for_qa(c) for c in rows]
    return [
        conference_for_qa(c) for c in await upcoming_conferences(session, since=now, offset=offset)
    ]


@router.post(
    "/conferences/{conference_id}/reschedule", response_model=ConferenceOut, tags=["conferences"]
)
async def move_conference(
    conference_id: IdPath,
    body: ConferenceRescheduleIn,
    user: ApiQaDep,
    session: WriteSessionDep,
    settings: SettingsDep,
    now: NowDep,
) -> ConferenceOut:
    """QA moves a conference; invites follow and everyone asked is told.

    409 when the move leaves the family no time to answer, unless `confirm_short_notice` is
    true: then the requests still waiting for answers lapse.
    """
    conference = await reschedule_conference(
        session,
        settings=settings,
        now=now,
        qa_user_id=user.id,
        conference_id=conference_id,
        starts_at=body.starts_at,
        venue=body.venue,
        confirm_short_notice=body.confirm_short_notice,
    )
    return conference_for_qa(conference)


@router.post(
    "/conferences/{conference_id}/cancel", response_model=ConferenceOut, tags=["conferences"]
)
async def cancel(
    conference_id: IdPath,
    user: ApiQaDep,
    session: WriteSessionDep,
    settings: SettingsDep,
    now: NowDep,
) -> ConferenceOut:
    """QA cancels a conference and every open request for it."""
    conference = await cancel_conference(
        session, settings=settings, now=now, qa_user_id=user.id, conference_id=conference_id
    )
    return conference_for_qa(conference)
