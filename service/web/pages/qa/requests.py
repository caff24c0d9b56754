"""QA's request pages: the list by state, one request, and the actions QA takes on it."""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.datastructures import FormData

from service.domain.communication import parse_needs
from service.domain.consent import Answer, Channel
from service.domain.errors import DomainError, NotAllowed, NotFound
from service.domain.staff import StaffMember
from service.domain.states import Actor
from service.settings import Settings
from service.store.outcomes import failed_webhooks
from service.store.undelivered_mail import requests_with_undelivered_family_mail
from service.store.views import (
    PAGE_SIZE,
    request_lines_page,
)
from service.usecases.consent_requests import approve_request
from service.usecases.family_answers import answer_given_to_qa
from service.usecases.observation_requests import (
    decline_request,
    record_chair_check,
    withdraw_request,
)
from service.web.deps import (
    NowDep,
    PageQaDep,
    QaFormDep,
    ReadSessionDep,
    SettingsDep,
    WriteSessionDep,
)
from service.web.http.fields import MAX_ID, IdPath
from service.web.http.forms import FieldError, error_context, parse_form
from service.web.http.rendering import render_page
from service.web.pages.qa.common import (
    domain_field_error,
    fresh_read,
    raw_values,
    refusal_status,
)
from service.web.pages.qa.forms import ACTION_MESSAGES, AnswerForm, ChairCheckForm, DeclineForm
from service.web.pages.qa.record import audit_chain_watch
from service.web.pages.qa.request_views import DONE, FILTERS, list_row, request_view
from service.web.pages.qa.work_list import qa_work_list

router = APIRouter(prefix="/qa", include_in_schema=False)
# Changes of outcome the case-management system was never told of, newest first.
UNSENT_OUTCOMES_SHOWN = 10
FilterName = Literal["submitted", "seeking_consent", "confirmed", "finished", "all"]


@router.get("")
async def requests_list(
    request: Request,
    user: PageQaDep,
    session: ReadSessionDep,
    settings: SettingsDep,
    now: NowDep,
    status: FilterName | None = None,
    before_id: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
) -> Response:
    """QA's home: what needs doing now, then requests in one state, newest first, 50 to a page.
    A list asked for by its status is the list alone."""
    home = status is None and before_id is None
    status = status or "submitted"
    lines = await request_lines_page(
        session, statuses=FILTERS[status][1], before_id=before_id, limit=PAGE_SIZE + 1
    )
    shown = lines[:PAGE_SIZE]
    undelivered = await requests_with_undelivered_family_mail(
        session, request_ids=[line.id for line in shown]
    )
    unsent_outcomes, unsent_count = await failed_webhooks(session, limit=UNSENT_OUTCOMES_SHOWN)
    return render_page(
        request,
        "pages/qa/requests.html",
        page_title="Requests to observe",
        filters=[(name, label) for name, (label, _) in FILTERS.items()],
        current=status,
        current_label=FILTERS[status][0],
        rows=[
            list_row(settings, line, now=now, undelivered=line.id in undelivered) for line in shown
        ],
        next_before_id=shown[-1].id if len(lines) > PAGE_SIZE else None,
        unsent_outcomes=unsent_outcomes,
        unsent_count=unsent_count,
        work=await qa_work_list(session, settings, now) if home else None,
    )


@router.get("/requests/{request_id}")
async def request_page(
    request: Request,
    request_id: IdPath,
    user: PageQaDep,
    session: ReadSessionDep,
    settings: SettingsDep,
    now: NowDep,
) -> Response:
    """One request: the observer, the family's answers, its record, and what QA can do now."""
    view = await request_view(session, settings=settings, now=now, request_id=request_id)
    chain = await audit_chain_watch(request).state(up_to=view.newest_entry_id)
    done = request.query_params.get("done", "")
    return render_page(
        request,
        "pages/qa/request.html",
        view.context(),
        values={},
        done_message=DONE.get(done),
        chain=chain,
        now=now,
    )


@dataclass(frozen=True)
class QaAction:
    """A QA form post whose CSRF value has been checked, with what its use case needs."""

    request: Request
    form: FormData
    user: StaffMember
    read: AsyncSession
    session: AsyncSession
    settings: Settings
    now: datetime


async def qa_action(
    request: Request,
    post: QaFormDep,
    read: ReadSessionDep,
    session: WriteSessionDep,
    settings: SettingsDep,
    now: NowDep,
) -> QaAction:
    """A QA form post whose CSRF value was checked, with the sessions its use case needs."""
    return QaAction(request, post.form, post.staff, read, session, settings, now)


ActionDep = Annotated[QaAction, Depends(qa_action)]


async def show_refusal(
    action: QaAction, request_id: int, errors: list[FieldError], status: int
) -> Response:
    """The request page again, with why the action was refused."""
    async with fresh_read(action.request) as session:
        view = await request_view(
            session, settings=action.settings, now=action.now, request_id=request_id
        )
    return render_page(
        action.request,
        "pages/qa/request.html",
        view.context(),
        error_context(errors),
        status=status,
        values=raw_values(action.form, list(ACTION_MESSAGES)),
    )


async def _run(
    action: QaAction, request_id: int, use_case: Callable[[], Awaitable[object]], done: str
) -> Response:
    """Run one use case; show its refusal on the request page, or go back with a banner."""
    try:
        await use_case()
    except (NotFound, NotAllowed):
        raise
    except DomainError as error:
        errors = [domain_field_error(error)]
        return await show_refusal(action, request_id, errors, refusal_status(error))
    return RedirectResponse(f"/qa/requests/{request_id}?done={done}", status_code=303)


@router.post("/requests/{request_id}/approve")
async def approve(request_id: IdPath, action: ActionDep) -> Response:
    """Approve the request, so the family is asked."""
    return await _run(
        action,
        request_id,
        lambda: approve_request(
            action.session,
            settings=action.settings,
            now=action.now,
            qa_user_id=action.user.id,
            request_id=request_id,
        ),
        "approved",
    )


@router.post("/requests/{request_id}/decline")
async def decline(request_id: IdPath, action: ActionDep) -> Response:
    """Decline the request with a reason the trainee will read."""
    parsed = parse_form(DeclineForm, action.form, ACTION_MESSAGES)
    if parsed.value is None:
        return await show_refusal(action, request_id, parsed.errors, 422)
    reason = parsed.value.reason
    return await _run(
        action,
        request_id,
        lambda: decline_request(
            action.session,
            settings=action.settings,
            now=action.now,
            qa_user_id=action.user.id,
            request_id=request_id,
            reason=reason,
        ),
        "declined",
    )


@router.post("/requests/{request_id}/withdraw")
async def withdraw(request_id: IdPath, action: ActionDep) -> Response:
    """Withdraw the request on QA's behalf."""
    return await _run(
        action,
        request_id,
        lambda: withdraw_request(
            action.session,
            settings=action.settings,
            now=action.now,
            actor=Actor.QA,
            actor_id=action.user.id,
            request_id=request_id,
        ),
        "withdrawn",
    )


@router.post("/requests/{request_id}/answers")
async def record_family_answer(request_id: IdPath, action: ActionDep) -> Response:
    """Record an answer a family member gave in person or by phone."""
    parsed = parse_form(AnswerForm, action.form, ACTION_MESSAGES)
    form = parsed.value
    if form is None:
        return await show_refusal(action, request_id, parsed.errors, 422)
    return await _run(
        action,
        request_id,
        lambda: answer_given_to_qa(
            action.session,
            settings=action.settings,
            now=action.now,
            qa_user_id=action.user.id,
            request_id=request_id,
            invitation_id=form.invitation_id,
            answer=Answer(form.answer),
            channel=Channel.IN_PERSON if form.channel == "in_person" else Channel.PHONE,
            comment=form.comment,
            support_used=parse_needs(form.support_used, field="support_used"),
        ),
        "answer_recorded",
    )


@router.post("/requests/{request_id}/chair-check")
async def chair_check(request_id: IdPath, action: ActionDep) -> Response:
    """Record what the chair found when asking the family again on the day."""
    parsed = parse_form(ChairCheckForm, action.form, ACTION_MESSAGES)
    if parsed.value is None:
        return await show_refusal(action, request_id, parsed.errors, 422)
    outcome = parsed.value.outcome
    return await _run(
        action,
        request_id,
        lambda: record_chair_check(
            action.session,
            settings=action.settings,
            now=action.now,
            qa_user_id=action.user.id,
            request_id=request_id,
            outcome=outcome,
        ),
        "chair_check_recorded",
    )
