"""The trainee's pages: conferences to ask about, the request form, and their own requests."""

from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel

from service.domain.allowed_now import may_withdraw
from service.domain.asking import AskingNow, NotOpen, asking_now
from service.domain.confidentiality import CONFIDENTIALITY_STATEMENT
from service.domain.errors import AcknowledgementMissing, DomainError, NotFound
from service.domain.observers import asked_to_promise_again
from service.domain.states import Actor, RequestStatus
from service.domain.transitions import status_label
from service.settings import Settings
from service.store.ids import saved_id
from service.store.loading import load_conference_open_to_observers
from service.store.tables import Conference
from service.store.views import (
    PAGE_SIZE,
    ConferenceAsking,
    asking_for_conferences,
    conferences_open_to_trainees,
    requests_page,
)
from service.usecases.calendar_export import calendar_for_request
from service.usecases.observation_requests import ask_to_observe, withdraw_request
from service.usecases.steps.visible_requests import load_visible_request
from service.web.deps import (
    NowDep,
    PageTraineeDep,
    ReadSessionDep,
    SettingsDep,
    TraineeFormDep,
    WriteSessionDep,
)
from service.web.http.fields import MAX_ID, EmailText, IdPath, LongText, ShortText
from service.web.http.forms import FieldError, parse_form
from service.web.http.rendering import render_page

router = APIRouter(prefix="/trainee", include_in_schema=False)


@router.get("")
async def trainee_home(
    request: Request,
    user: PageTraineeDep,
    session: ReadSessionDep,
    settings: SettingsDep,
    now: NowDep,
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
    before_id: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
) -> Response:
    """Conferences still to come, each with whether the trainee can ask about it (and why not),
    and the trainee's own requests.

    Both lists go 50 to a page: conferences by page number (soonest first), the trainee's
    requests newest first from `before_id`, so each list pages on without moving the other.
    """
    # Every conference still to come is listed, with why it cannot be asked about where it
    # cannot, so nobody fills in a form to be refused.
    conferences = await conferences_open_to_trainees(
        session, earliest_start=now, limit=PAGE_SIZE + 1, offset=(page - 1) * PAGE_SIZE
    )
    shown_conferences = conferences[:PAGE_SIZE]
    asking = await asking_for_conferences(
        session, conference_ids=[saved_id(c) for c in shown_conferences], trainee_id=user.id
    )
    requests = await requests_page(
        session, trainee_id=user.id, before_id=before_id, limit=PAGE_SIZE + 1
    )
    shown_requests = requests[:PAGE_SIZE]
    return render_page(
        request,
        "pages/trainee/home.html",
        page_title="Conferences open to observers",
        conferences=[
            _ConferenceLine(c, _asking(settings, now, c, asking[saved_id(c)]),
                            asking[saved_id(c)].yours)
            for c in shown_conferences
        ],
        next_conference_page=page + 1 if len(conferences) > PAGE_SIZE else None,
        requests=shown_requests,
        next_before_id=shown_requests[-1].request.id if len(requests) > PAGE_SIZE else None,
        page=page,
        before_id=before_id,
        status_label=status_label,
        RequestStatus=RequestStatus,
        NotOpen=NotOpen,
        min_notice=settings.min_notice_working_days,
        max_observers=settings.max_observers_per_conference,
    )  # fmt: skip


@dataclass(frozen=True)
class _ConferenceLine:
    conference: Conference
    asking: AskingNow
    yours: tuple[int, str] | None


def _asking(
    settings: Settings, now: datetime, conference: Conference, facts: ConferenceAsking
) -> AskingNow:
    return asking_now(
        now=now,
        conference_start=conference.starts_at,
        min_notice_working_days=settings.min_notice_working_days,
        region=settings.bank_holiday_region,
        asked_by_you=facts.yours is not None,
        open_requests=facts.open_requests,
        max_observers=settings.max_observers_per_conference,
    )


class AskForm(BaseModel):
    role: ShortText
    organisation: ShortText
    purpose: LongText
    supervisor_name: ShortText
    supervisor_email: EmailText
    confidentiality_acknowledged: Literal["yes"]


_ASK_MESSAGES = {
    "role": "Enter your role, for example student social worker",
    "organisation": "Enter your organisation",
    "purpose": "Say why you want to observe, in up to 4,000 characters",
    "supervisor_name": "Enter your supervisor's name",
    "supervisor_email": "Enter your supervisor's email address",
    "confidentiality_acknowledged": "Confirm that you will keep the conference confidential",
}
# Where the ask page shows a refusal that names no field; anything else is about the conference.
_FIELD_FOR_ERROR: dict[type[DomainError], str] = {
    AcknowledgementMissing: "confidentiality_acknowledged",
}


def _ask_page(
    request: Request, conference: object, *, status: int = 200, **extra: object
) -> Response:
    return render_page(
        request,
        "pages/trainee/ask.html",
        extra,
        status=status,
        page_title="Ask to observe a conference",
        conference=conference,
        statement=CONFIDENTIALITY_STATEMENT,
    )


@router.get("/conferences/{conference_id}/ask")
async def ask_page(
    request: Request,
    conference_id: IdPath,
    user: PageTraineeDep,
    session: ReadSessionDep,
    settings: SettingsDep,
    now: NowDep,
) -> Response:
    """The form to ask to observe one conference, or why it cannot be asked about now."""
    conference = await load_conference_open_to_observers(session, conference_id)
    facts = (await asking_for_conferences(
        session, conference_ids=[conference_id], trainee_id=user.id))[conference_id]  # fmt: skip
    asking = _asking(settings, now, conference, facts)
    if not asking.is_open:
        return render_page(
            request,
            "pages/trainee/not_open.html",
            page_title="You cannot ask to observe this conference",
            conference=conference,
            asking=asking,
            yours=facts.yours,
            NotOpen=NotOpen,
            status_label=status_label,
            RequestStatus=RequestStatus,
            max_observers=settings.max_observers_per_conference,
        )
    return _ask_page(request, conference, values={}, asking=asking)


@router.post("/conferences/{conference_id}/ask")
async def ask(
    request: Request,
    conference_id: IdPath,
    post: TraineeFormDep,
    session: WriteSessionDep,
    settings: SettingsDep,
    now: NowDep,
) -> Response:
    """Send the request to the QA Service."""
    form, user = post.form, post.staff
    conference = await load_conference_open_to_observers(session, conference_id)
    parsed = parse_form(AskForm, form, _ASK_MESSAGES)
    if parsed.value is not None:
        fields = parsed.value.model_dump()
        fields["confidentiality_acknowledged"] = True
        try:
            created = await ask_to_observe(
                session,
                settings=settings,
                now=now,
                trainee_id=user.id,
                conference_id=conference_id,
                **fields,
            )
            return RedirectResponse(f"/trainee/requests/{created.id}?done=asked", status_code=303)
        except NotFound:
            raise
        except DomainError as error:
            field = error.field or _FIELD_FOR_ERROR.get(type(error), "conference")
            parsed.errors.append(FieldError(field, error.message))
    values = {key: str(form.get(key) or "")[:4000] for key in _ASK_MESSAGES}
    return _ask_page(
        request,
        conference,
        status=422,
        errors=parsed.summary(),
        field_errors=parsed.by_field(),
        values=values,
    )


@router.get("/requests/{request_id}")
async def request_page(
    request: Request,
    request_id: IdPath,
    user: PageTraineeDep,
    session: ReadSessionDep,
    now: NowDep,
) -> Response:
    """The status of one of the trainee's requests: never who in the family said what."""
    row = await load_visible_request(session, viewer=user, request_id=request_id)
    status = RequestStatus(row.request.status)
    done = request.query_params.get("done")
    return render_page(
        request,
        "pages/trainee/request.html",
        page_title=f"Your request to observe conference {row.conference.reference}",
        row=row,
        request_status=status,
        status_words=status_label(status),
        can_withdraw=may_withdraw(row.facts_at(now), Actor.TRAINEE),
        promise_again=asked_to_promise_again(
            status=status, promised_version=row.request.confidentiality_statement_version
        ),
        statement=CONFIDENTIALITY_STATEMENT,
        done=done if done in ("asked", "withdrawn", "promised") else None,
    )


@router.post("/requests/{request_id}/withdraw")
async def withdraw(
    request: Request,
    request_id: IdPath,
    post: TraineeFormDep,
    session: WriteSessionDep,
    settings: SettingsDep,
    now: NowDep,
) -> Response:
    """Withdraw the trainee's own request."""
    user = post.staff
    await withdraw_request(
        session,
        settings=settings,
        now=now,
        actor=Actor.TRAINEE,
        actor_id=user.id,
        request_id=request_id,
    )
    return RedirectResponse(f"/trainee/requests/{request_id}?done=withdrawn", status_code=303)


@router.get("/requests/{request_id}/calendar.ics")
async def calendar_file(
    request_id: IdPath,
    user: PageTraineeDep,
    session: ReadSessionDep,
    settings: SettingsDep,
    now: NowDep,
) -> Response:
    """The observation's calendar invite, once confirmed."""
    ics = await calendar_for_request(
        session, settings=settings, now=now, viewer=user, request_id=request_id
    )
    return Response(
        content=ics,
        media_type="text/calendar; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="observation-{request_id}.ics"'},
    )
