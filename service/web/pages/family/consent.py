"""The family's consent pages, reached only through a signed link. GET and HEAD change nothing."""

from datetime import datetime

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from markupsafe import Markup
from sqlalchemy.ext.asyncio import AsyncSession

from service.domain.consent import Answer, Wording
from service.domain.errors import ConsentClosed, DetailsChanged, InvalidInput, NotFound
from service.domain.states import RequestStatus
from service.domain.times import format_moment
from service.links import BadLink, LinkProblem, read_consent_token
from service.settings import Settings
from service.usecases.consent_view import ConsentView, load_consent_view
from service.usecases.family_answers import LinkAnswer, answer_through_link
from service.web.deps import (
    NowDep,
    ReadSessionDep,
    SettingsDep,
    WriteSessionDep,
    client_address,
)
from service.web.http.bad_link_limiter import BadLinkLimiter
from service.web.http.csrf import CSRF_FIELD, require_csrf
from service.web.http.fields import without_invisible_characters
from service.web.http.rendering import render_page

router = APIRouter(include_in_schema=False)
MAX_TOKEN_LENGTH = 300


def _limiter(request: Request) -> BadLinkLimiter:
    limiter: BadLinkLimiter = request.app.state.bad_link_limiter
    return limiter


async def _bad_link_page(
    request: Request, problem: LinkProblem, now: datetime, session: AsyncSession
) -> Response:
    # Done with the page's own connection: the limiter takes one of its own, and a burst of
    # bad links holding two each could otherwise empty the pool and wait on itself.
    await session.close()
    limiter, address = _limiter(request), client_address(request)
    if await limiter.is_blocked(address, now):
        return render_page(
            request,
            "pages/family/bad_link.html",
            status=429,
            page_title="Please wait a minute",
            too_many=True,
        )
    await limiter.record_bad_attempt(address, now)
    return render_page(
        request,
        "pages/family/bad_link.html",
        status=410 if problem is LinkProblem.EXPIRED else 404,
        page_title="This link has expired"
        if problem is LinkProblem.EXPIRED
        else "This link does not work",
        expired=problem is LinkProblem.EXPIRED,
    )


async def _open_link(
    request: Request, token: str, session: AsyncSession, settings: Settings, now: datetime
) -> ConsentView | Response:
    """The invitation behind a link, or the calm page to show instead.

    A valid link always opens: only bad ones are counted, and only they can be slowed.
    """
    try:
        if len(token) > MAX_TOKEN_LENGTH:
            raise BadLink(LinkProblem.NOT_VALID)
        link = read_consent_token(settings, token)
        return await load_consent_view(
            session, settings=settings, invitation_id=link.invitation_id, nonce=link.nonce
        )
    except BadLink as bad:
        return await _bad_link_page(request, bad.problem, now, session)
    except NotFound:
        return await _bad_link_page(request, LinkProblem.NOT_VALID, now, session)


def _closed_page(request: Request, view: ConsentView, now: datetime) -> Response | None:
    """The page for a link that can no longer take an answer, or None when it still can."""
    if view.has_started(now):
        return render_page(
            request,
            "pages/family/closed.html",
            status=410,
            page_title="The meeting has started",
            reason="started",
            view=view,
        )
    still_asked = view.invitation.ended_at is None
    if still_asked and view.status in (RequestStatus.SEEKING_CONSENT, RequestStatus.CONFIRMED):
        return None
    said_no = (
        still_asked
        and view.current_answer is Answer.NO
        and view.status is RequestStatus.NOT_GOING_AHEAD
    )
    return render_page(
        request,
        "pages/family/closed.html",
        status=200 if said_no else 410,
        page_title="You said no" if said_no else "This request is no longer active",
        reason="said_no" if said_no else "inactive",
        view=view,
    )


def _consent_page(
    request: Request,
    view: ConsentView,
    *,
    status: int = 200,
    **extra: object,
) -> Response:
    young = view.wording is Wording.YOUNG_PERSON
    return render_page(
        request,
        "pages/family/consent.html",
        status=status,
        page_title=(
            "Can a trainee sit in on your meeting?"
            if young
            else "Can a trainee watch your child protection conference?"
        ),
        view=view,
        young=young,
        # Composed by the use case from the invitation's wording; autoescaped when rendered.
        information_html=Markup(view.information.html),  # noqa: S704
        text_sha256=view.information.sha256,
        conference_when=format_moment(view.conference.starts_at),
        answered_at=format_moment(view.invitation.answered_at)
        if view.invitation.answered_at
        else None,
        **extra,
    )


@router.api_route("/consent/{token}", methods=["GET", "HEAD"])
async def consent_page(
    request: Request, token: str, session: ReadSessionDep, settings: SettingsDep, now: NowDep
) -> Response:
    """The information and the yes/no question. Opening it records nothing."""
    opened = await _open_link(request, token, session, settings, now)
    if isinstance(opened, Response):
        return opened
    closed = _closed_page(request, opened, now)
    if closed is not None:
        return closed
    saved = request.query_params.get("saved") == "1" and opened.current_answer is not None
    return _consent_page(request, opened, saved=saved)


@router.post("/consent/{token}")
async def give_answer(
    request: Request, token: str, session: WriteSessionDep, settings: SettingsDep, now: NowDep
) -> Response:
    """Record the answer a person chose and pressed the button for."""
    opened = await _open_link(request, token, session, settings, now)
    if isinstance(opened, Response):
        return opened
    form = await request.form()
    require_csrf(request, form.get(CSRF_FIELD))
    closed = _closed_page(request, opened, now)
    if closed is not None:
        return closed
    # Kept for the page shown again below, so nobody has to type their comment twice.
    comment = without_invisible_characters(str(form.get("comment") or "")).replace("\x00", "")
    given = LinkAnswer(
        invitation_id=opened.invitation_id,
        nonce=opened.invitation.nonce,
        text_sha256_seen=str(form.get("text_sha256") or ""),
        decision=str(form.get("decision") or ""),
        comment=comment,
    )
    try:
        await answer_through_link(session, settings=settings, now=now, given=given)
    except DetailsChanged:
        # The details changed while the page was open (the meeting moved, say): show them again.
        # The page opened above already shows them as they are now.
        return _consent_page(request, opened, status=409, details_changed=True, comment=comment)
    except InvalidInput as invalid:
        if invalid.field != "decision":
            raise
        errors = [{"text": "Choose yes or no", "href": "#decision"}]
        return _consent_page(request, opened, status=422, errors=errors, comment=comment)
    except NotFound:
        # The link was replaced while the page was open: it no longer works.
        return await _bad_link_page(request, LinkProblem.NOT_VALID, now, session)
    except ConsentClosed as closed_error:
        return render_page(
            request,
            "pages/family/closed.html",
            status=409,
            page_title="Your answer could not be saved",
            reason="message",
            message=closed_error.message,
            view=opened,
        )
    return RedirectResponse(f"/consent/{token}?saved=1", status_code=303)
