"""The JSON API under /api/v1 (DESIGN.md section 10): parse, call one use case, answer."""

from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, Response

from service.domain.notice import earliest_conference_start
from service.domain.staff import StaffRole
from service.domain.states import Actor, RequestStatus
from service.store.ids import saved_id
from service.store.views import (
    conferences_open_to_trainees,
    family_for_request,
    request_row,
    requests_page,
    upcoming_conferences,
)
from service.usecases.calendar_export import calendar_for_request
from service.usecases.conferences import (
    cancel_conference,
    record_conference,
    reschedule_conference,
)
from service.usecases.consent_links import reissue_link
from service.usecases.consent_requests import approve_request
from service.usecases.observation_requests import (
    ask_to_observe,
    decline_request,
    record_chair_check,
    withdraw_request,
)
from service.web.api.presenters import (
    conference_for_qa,
    conference_public,
    request_for_qa,
    request_for_trainee,
)
from service.web.api.schemas import (
    ChairCheckIn,
    ConferenceIn,
    ConferenceOut,
    ConferencePublicOut,
    ConferenceRescheduleIn,
    CreatedOut,
    DeclineIn,
    ErrorOut,
    ObservationRequestIn,
    RequestQaOut,
    RequestTraineeOut,
    StatusOut,
)
from service.web.deps import (
    ApiQaDep,
    ApiStaffDep,
    ApiTraineeDep,
    NowDep,
    ReadSessionDep,
    SettingsDep,
    WriteSessionDep,
)
from service.web.http.fields import MAX_ID, IdPath

_ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorOut} for code in (401, 403, 404, 409, 422, 429)
}
router = APIRouter(prefix="/api/v1", responses=_ERRORS)


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


@router.post("/observation-requests", status_code=201, response_model=StatusOut, tags=["requests"])
async def create_request(
    body: ObservationRequestIn,
    user: ApiTraineeDep,
    session: WriteSessionDep,
    settings: SettingsDep,
    now: NowDep,
) -> StatusOut:
    """A trainee asks to observe a conference."""
    request = await ask_to_observe(
        session, settings=settings, now=now, trainee_id=user.id, **body.model_dump()
    )
    return StatusOut(id=saved_id(request), status=request.status)


@router.get("/observation-requests", tags=["requests"])
async def list_requests(
    user: ApiStaffDep,
    session: ReadSessionDep,
    settings: SettingsDep,
    status: RequestStatus | None = None,
    before_id: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
) -> list[RequestTraineeOut]:
    """Requests newest first, 50 at a time (pass the last id as before_id for the next page)."""
    rows = await requests_page(
        session,
        statuses=[status.value] if status else None,
        trainee_id=user.id if user.role == StaffRole.TRAINEE else None,
        before_id=before_id,
    )
    return [request_for_trainee(row) for row in rows]


@router.get(
    "/observation-requests/{request_id}",
    response_model=RequestQaOut | RequestTraineeOut,
    tags=["requests"],
)
async def read_request(
    request_id: IdPath, user: ApiStaffDep, session: ReadSessionDep, settings: SettingsDep
) -> RequestQaOut | RequestTraineeOut:
    """One request: QA sees the family's answers, the trainee who asked sees only the status."""
    row = await request_row(session, request_id=request_id)
    if row is None or (user.role == StaffRole.TRAINEE and row.request.trainee_id != user.id):
        raise HTTPException(status_code=404, detail="There is no such request.")
    if user.role == StaffRole.TRAINEE:
        return request_for_trainee(row)
    family = await family_for_request(
        session, conference_id=saved_id(row.conference), request_id=request_id
    )
    return request_for_qa(settings, row, family)


@router.post(
    "/observation-requests/{request_id}/approve", response_model=StatusOut, tags=["requests"]
)
async def approve(
    request_id: IdPath, user: ApiQaDep, session: WriteSessionDep, settings: SettingsDep, now: NowDep
) -> StatusOut:
    """QA approves: the family is asked, each person through their own link."""
    request = await approve_request(
        session, settings=settings, now=now, qa_user_id=user.id, request_id=request_id
    )
    return StatusOut(id=request_id, status=request.status)


@router.post(
    "/observation-requests/{request_id}/decline", response_model=StatusOut, tags=["requests"]
)
async def decline(
    request_id: IdPath,
    body: DeclineIn,
    user: ApiQaDep,
    session: WriteSessionDep,
    settings: SettingsDep,
    now: NowDep,
) -> StatusOut:
    """QA declines a request with a reason the trainee will read."""
    request = await decline_request(
        session,
        settings=settings,
        now=now,
        qa_user_id=user.id,
        request_id=request_id,
        reason=body.reason,
    )
    return StatusOut(id=request_id, status=request.status)


@router.post(
    "/observation-requests/{request_id}/withdraw", response_model=StatusOut, tags=["requests"]
)
async def withdraw(
    request_id: IdPath,
    user: ApiStaffDep,
    session: WriteSessionDep,
    settings: SettingsDep,
    now: NowDep,
) -> StatusOut:
    """The trainee who asked, or QA, withdraws a request."""
    request = await withdraw_request(
        session,
        settings=settings,
        now=now,
        actor=Actor.TRAINEE if user.role == StaffRole.TRAINEE else Actor.QA,
        actor_id=user.id,
        request_id=request_id,
    )
    return StatusOut(id=request_id, status=request.status)


@router.post(
    "/observation-requests/{request_id}/chair-check", response_model=StatusOut, tags=["requests"]
)
async def chair_check(
    request_id: IdPath,
    body: ChairCheckIn,
    user: ApiQaDep,
    session: WriteSessionDep,
    settings: SettingsDep,
    now: NowDep,
) -> StatusOut:
    """QA records what the chair found when asking the family again on the day."""
    request = await record_chair_check(
        session,
        settings=settings,
        now=now,
        qa_user_id=user.id,
        request_id=request_id,
        outcome=body.outcome,
    )
    return StatusOut(id=request_id, status=request.status)


@router.get(
    "/observation-requests/{request_id}/calendar.ics",
    response_class=Response,
    responses={200: {"content": {"text/calendar": {}}}},
    tags=["requests"],
)
async def calendar_file(
    request_id: IdPath,
    user: ApiStaffDep,
    session: ReadSessionDep,
    settings: SettingsDep,
    now: NowDep,
) -> Response:
    """The observation's calendar invite, once it is confirmed."""
    ics = await calendar_for_request(
        session, settings=settings, now=now, viewer=user, request_id=request_id
    )
    return Response(content=ics, media_type="text/calendar; charset=utf-8")


@router.post("/invitations/{invitation_id}/reissue", response_model=StatusOut, tags=["requests"])
async def reissue(
    invitation_id: IdPath,
    user: ApiQaDep,
    session: WriteSessionDep,
    settings: SettingsDep,
    now: NowDep,
) -> StatusOut:
    """QA sends a family member a new link; every link sent before stops working."""
    await reissue_link(
        session, settings=settings, now=now, qa_user_id=user.id, invitation_id=invitation_id
    )
    return StatusOut(id=invitation_id, status="link_reissued")
