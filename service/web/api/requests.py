"""The JSON API for observation requests: ask, decide, withdraw, the chair's check, invites."""

from typing import Annotated

from fastapi import APIRouter, Query, Response

from service.domain.staff import StaffRole
from service.domain.states import Actor, RequestStatus
from service.store.ids import saved_id
from service.store.views import (
    family_for_request,
    requests_page,
)
from service.usecases.calendar_export import calendar_for_request
from service.usecases.consent_links import reissue_link
from service.usecases.consent_requests import approve_request
from service.usecases.observation_requests import (
    ask_to_observe,
    decline_request,
    record_chair_check,
    withdraw_request,
)
from service.usecases.steps.visible_requests import load_visible_request
from service.web.api.presenters import (
    request_for_qa,
    request_for_trainee,
)
from service.web.api.schemas import (
    ERROR_RESPONSES,
    ChairCheckIn,
    DeclineIn,
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

router = APIRouter(prefix="/api/v1", responses=ERROR_RESPONSES)


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
    now: NowDep,
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
    return [request_for_trainee(row, user, now) for row in rows]


@router.get(
    "/observation-requests/{request_id}",
    response_model=RequestQaOut | RequestTraineeOut,
    tags=["requests"],
)
async def read_request(
    request_id: IdPath,
    user: ApiStaffDep,
    session: ReadSessionDep,
    settings: SettingsDep,
    now: NowDep,
) -> RequestQaOut | RequestTraineeOut:
    """One request: QA sees the family's answers, the trainee who asked sees only the status."""
    row = await load_visible_request(session, viewer=user, request_id=request_id)
    if user.role is StaffRole.TRAINEE:
        return request_for_trainee(row, user, now)
    family = await family_for_request(
        session, conference_id=saved_id(row.conference), request_id=request_id
    )
    return request_for_qa(settings, row, family, user, now)


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
