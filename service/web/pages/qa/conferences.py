"""QA's conference pages: the list, recording one, its family, moving and cancelling it."""

from datetime import datetime, time
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse, Response

from service.domain.errors import (
    DomainError,
    InvalidConferenceTime,
    NotAllowed,
    NotFound,
    ShortNoticeUnconfirmed,
)
from service.domain.times import LONDON
from service.store.loading import load_conference
from service.store.tables import Conference
from service.store.views import PAGE_SIZE, family_for_request, upcoming_conferences
from service.usecases.conferences import (
    cancel_conference,
    record_conference,
    reschedule_conference,
)
from service.usecases.steps.asking import asked_in_person
from service.web.deps import (
    NowDep,
    PageQaDep,
    QaFormDep,
    ReadSessionDep,
    SettingsDep,
    WriteSessionDep,
)
from service.web.http.errors import status_for
from service.web.http.fields import IdPath
from service.web.http.forms import NO_FIELD, FieldError, error_context, parse_form
from service.web.http.rendering import render_page
from service.web.pages.qa.common import (
    domain_field_error,
    fresh_read,
    raw_values,
    sort_errors,
)
from service.web.pages.qa.forms import (
    CONFERENCE_FIELDS,
    CONFERENCE_INPUTS,
    CONFERENCE_MESSAGES,
    RESCHEDULE_INPUTS,
    RESCHEDULE_MESSAGES,
    ConferenceForm,
    RescheduleForm,
    parse_start,
)
from service.web.pages.qa.request_views import conference_requests

router = APIRouter(prefix="/qa", include_in_schema=False)

_DONE = {
    "recorded": "The conference has been recorded.",
    "member_added": "The family member has been added.",
    "member_changed": "The family member's details have been changed.",
    "member_removed": (
        "The family member has been removed. Anything they answered stays in the record."
    ),
    "rescheduled": (
        "The conference has been moved. Any confirmed observer has a new invite, and everyone "
        "asked by email has been told."
    ),
    "cancelled": "The conference has been cancelled, and any open request for it closed.",
}


def _time_error(error: DomainError) -> FieldError:
    # The start is asked for as a day, month, year and time; its message goes beside the day.
    if isinstance(error, InvalidConferenceTime):
        return FieldError("date_day", error.message)
    return domain_field_error(error)


def _start_of_today(now: datetime) -> datetime:
    return datetime.combine(now.astimezone(LONDON).date(), time(0), tzinfo=LONDON)


@router.get("/conferences")
async def conferences(
    request: Request,
    user: PageQaDep,
    session: ReadSessionDep,
    now: NowDep,
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
) -> Response:
    """Conferences from today on, soonest first."""
    rows = await upcoming_conferences(
        session, since=_start_of_today(now), limit=PAGE_SIZE + 1, offset=(page - 1) * PAGE_SIZE
    )
    return render_page(
        request,
        "pages/qa/conferences.html",
        page_title="Conferences",
        conferences=rows[:PAGE_SIZE],
        next_page=page + 1 if len(rows) > PAGE_SIZE else None,
    )


def _conference_form(request: Request, *, status: int = 200, **extra: object) -> Response:
    return render_page(
        request,
        "pages/qa/conference_form.html",
        extra,
        status=status,
        page_title="Record a conference",
    )


@router.get("/conferences/new")
async def new_conference_page(request: Request, user: PageQaDep) -> Response:
    """The form to record a conference."""
    return _conference_form(request, values={})


@router.post("/conferences/new")
async def new_conference(
    request: Request, post: QaFormDep, session: WriteSessionDep, now: NowDep
) -> Response:
    """Record a conference, its start typed in UK time."""
    form, user = post.form, post.staff
    parsed = parse_form(ConferenceForm, form, CONFERENCE_MESSAGES)
    start = parse_start(form)
    errors = parsed.errors + start.errors
    if parsed.value is not None and isinstance(start.value, datetime):
        fields = parsed.value.model_dump()
        fields["open_to_observers"] = fields["open_to_observers"] == "yes"
        try:
            created = await record_conference(
                session, now=now, qa_user_id=user.id, starts_at=start.value, **fields
            )
            return RedirectResponse(f"/qa/conferences/{created.id}?done=recorded", status_code=303)
        except DomainError as error:
            errors.append(_time_error(error))
    return _conference_form(
        request,
        status=422,
        values=raw_values(form, CONFERENCE_INPUTS),
        **error_context(sort_errors(errors, CONFERENCE_FIELDS)),
    )


@router.get("/conferences/{conference_id}")
async def conference_page(
    request: Request, conference_id: IdPath, user: PageQaDep, session: ReadSessionDep, now: NowDep
) -> Response:
    """One conference with its requests to observe and the family members QA has listed."""
    conference = await load_conference(session, conference_id)
    rows = await family_for_request(session, conference_id=conference_id, request_id=None)
    family, settings = [row.member for row in rows], request.app.state.settings
    return render_page(
        request,
        "pages/qa/conference.html",
        page_title=f"Conference {conference.reference}",
        conference=conference,
        members=family,
        in_person={member.id for member in family if asked_in_person(settings, member)},
        requests=await conference_requests(session, settings, conference_id, now=now),
        can_change_family=conference.cancelled_at is None and now < conference.starts_at,
        done_message=_DONE.get(request.query_params.get("done", "")),
    )


def _current_values(conference: Conference) -> dict[str, str]:
    start = conference.starts_at.astimezone(LONDON)
    return {
        "date-day": str(start.day),
        "date-month": str(start.month),
        "date-year": str(start.year),
        "time-hour": f"{start.hour:02d}",
        "time-minute": f"{start.minute:02d}",
        "venue": conference.venue,
    }


def _reschedule_form(
    request: Request, conference: Conference, *, status: int = 200, **extra: object
) -> Response:
    return render_page(
        request,
        "pages/qa/reschedule.html",
        extra,
        status=status,
        page_title=f"Move conference {conference.reference}",
        conference=conference,
    )


@router.get("/conferences/{conference_id}/reschedule")
async def reschedule_page(
    request: Request, conference_id: IdPath, user: PageQaDep, session: ReadSessionDep
) -> Response:
    """The form to move a conference, filled in with its current time and venue."""
    conference = await load_conference(session, conference_id)
    return _reschedule_form(request, conference, values=_current_values(conference))


@router.post("/conferences/{conference_id}/reschedule")
async def reschedule(
    request: Request,
    conference_id: IdPath,
    post: QaFormDep,
    read: ReadSessionDep,
    session: WriteSessionDep,
    settings: SettingsDep,
    now: NowDep,
) -> Response:
    """Move a conference to a new time and, if given, a new venue."""
    form, user = post.form, post.staff
    conference = await load_conference(read, conference_id)
    parsed = parse_form(RescheduleForm, form, RESCHEDULE_MESSAGES)
    start = parse_start(form)
    errors = parsed.errors + start.errors
    status, short_notice = 422, False
    if parsed.value is not None and isinstance(start.value, datetime):
        try:
            await reschedule_conference(
                session,
                settings=settings,
                now=now,
                qa_user_id=user.id,
                conference_id=conference_id,
                starts_at=start.value,
                venue=parsed.value.venue,
                confirm_short_notice=form.get("confirm_short_notice") == "yes",
            )
            url = f"/qa/conferences/{conference_id}?done=rescheduled"
            return RedirectResponse(url, status_code=303)
        except (NotFound, NotAllowed):
            raise
        except DomainError as error:
            # Short notice is not a mistake in the form: QA is asked to confirm the consequence.
            short_notice = isinstance(error, ShortNoticeUnconfirmed)
            status = status_for(error)
            errors.append(_time_error(error))
    return _reschedule_form(
        request,
        conference,
        status=status,
        short_notice=short_notice,
        values=raw_values(form, RESCHEDULE_INPUTS, limit=300),
        **error_context(sort_errors(errors, ["date_day", "time_hour", "venue"])),
    )


def _cancel_page(
    request: Request, conference: Conference, *, status: int = 200, **extra: object
) -> Response:
    return render_page(
        request,
        "pages/qa/cancel.html",
        extra,
        status=status,
        page_title=f"Are you sure you want to cancel conference {conference.reference}?",
        conference=conference,
    )


@router.get("/conferences/{conference_id}/cancel")
async def cancel_page(
    request: Request, conference_id: IdPath, user: PageQaDep, session: ReadSessionDep
) -> Response:
    """Ask whether QA is sure before cancelling."""
    conference = await load_conference(session, conference_id)
    return _cancel_page(request, conference)


@router.post("/conferences/{conference_id}/cancel")
async def cancel(
    request: Request,
    conference_id: IdPath,
    post: QaFormDep,
    session: WriteSessionDep,
    settings: SettingsDep,
    now: NowDep,
) -> Response:
    """Cancel the conference and every open request for it."""
    user = post.staff
    try:
        await cancel_conference(
            session,
            settings=settings,
            now=now,
            qa_user_id=user.id,
            conference_id=conference_id,
        )
    except (NotFound, NotAllowed):
        raise
    except DomainError as error:
        async with fresh_read(request) as read:
            conference = await load_conference(read, conference_id)
        refusal = FieldError(NO_FIELD, error.message)
        # Every refusal here is about the conference's state (already cancelled), hence 409.
        return _cancel_page(request, conference, status=409, **error_context([refusal]))
    return RedirectResponse(f"/qa/conferences/{conference_id}?done=cancelled", status_code=303)
