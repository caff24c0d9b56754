"""The family's consent pages, reached only through a signed link. GET and HEAD change nothing.

Each page comes in the language the person chose for their link (English unless they switched),
and an answer records the language of the words it was given against.
"""

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from markupsafe import Markup

from service.domain.consent import Answer, Wording
from service.domain.errors import ConsentClosed, DetailsChanged, InvalidInput, NotFound
from service.domain.states import RequestStatus
from service.languages import Language, moment_in, parse_language
from service.links import BadLink, LinkProblem, read_consent_token
from service.usecases.consent_view import ConsentView, load_consent_view
from service.usecases.family_answers import LinkAnswer, answer_through_link
from service.web.deps import (
    NowDep,
    ReadSessionDep,
    SettingsDep,
    WriteSessionDep,
)
from service.web.http.csrf import CSRF_FIELD, require_csrf
from service.web.http.fields import without_invisible_characters
from service.web.pages.family.language_choice import chosen_language, remember_language
from service.web.pages.family.visits import Visit, bad_link_page

router = APIRouter(include_in_schema=False)
MAX_TOKEN_LENGTH = 300


async def _open_link(
    visit: Visit, token: str, language: Language | None = None
) -> tuple[Visit, ConsentView] | Response:
    """The invitation behind a link in the language to show it in, or the calm page instead.

    A valid link always opens: only bad ones are counted, and only they can be slowed.
    """
    try:
        if len(token) > MAX_TOKEN_LENGTH:
            raise BadLink(LinkProblem.NOT_VALID)
        link = read_consent_token(visit.settings, token)
        view = await load_consent_view(
            visit.session,
            settings=visit.settings,
            invitation_id=link.invitation_id,
            nonce=link.nonce,
            language=language or chosen_language(visit.request, link.invitation_id),
        )
        visit = Visit(visit.request, visit.session, visit.settings, visit.now, view.language)
        return visit, view
    except BadLink as bad:
        return await bad_link_page(visit, bad.problem)
    except NotFound:
        return await bad_link_page(visit, LinkProblem.NOT_VALID)


def _closed_page(visit: Visit, view: ConsentView) -> Response | None:
    """The page for a link that can no longer take an answer, or None when it still can."""
    if view.has_started(visit.now):
        return visit.page(
            "pages/family/closed.html",
            status=410,
            page_title=visit.words("The meeting has started"),
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
    return visit.page(
        "pages/family/closed.html",
        status=200 if said_no else 410,
        page_title=visit.words("You said no") if said_no else visit.words("This request has ended"),
        reason="said_no" if said_no else "inactive",
        view=view,
    )


def _consent_page(
    visit: Visit, view: ConsentView, *, status: int = 200, **extra: object
) -> Response:
    # Young people and Easy Read readers get the shorter title, greeting and question.
    simple = view.wording is not Wording.ADULT
    answered_at = view.invitation.answered_at
    return visit.page(
        "pages/family/consent.html",
        status=status,
        page_title=visit.words("Can a trainee sit in on your meeting?")
        if simple
        else visit.words("Can a trainee watch your child protection conference?"),
        view=view,
        simple=simple,
        # Composed by the use case from the invitation's wording; autoescaped when rendered.
        information_html=Markup(view.information.html),  # noqa: S704
        text_sha256=view.information.sha256,
        answered_at=moment_in(visit.language, answered_at, on=True) if answered_at else None,
        **extra,
    )


@router.api_route("/consent/{token}", methods=["GET", "HEAD"])
async def consent_page(
    request: Request, token: str, session: ReadSessionDep, settings: SettingsDep, now: NowDep
) -> Response:
    """The information and the yes/no question. Opening it records nothing."""
    # A link that does not open is shown in the language asked for in its address, if any.
    asked = chosen_language(request, None) or Language.ENGLISH
    first = Visit(request, session, settings, now, asked)
    opened = await _open_link(first, token)
    if isinstance(opened, Response):
        return opened
    visit, view = opened
    saved = request.query_params.get("saved") == "1" and view.current_answer is not None
    page = _closed_page(visit, view) or _consent_page(visit, view, saved=saved)
    return remember_language(request, page, view.invitation_id, secure=not settings.is_development)


@router.post("/consent/{token}")
async def give_answer(
    request: Request, token: str, session: WriteSessionDep, settings: SettingsDep, now: NowDep
) -> Response:
    """Record the answer a person chose and pressed the button for."""
    form = await request.form()
    # The language the page was read in: the answer is checked against the words in it.
    shown_in = parse_language(form.get("language"))
    first = Visit(request, session, settings, now, shown_in or Language.ENGLISH)
    opened = await _open_link(first, token, shown_in)
    if isinstance(opened, Response):
        return opened
    visit, view = opened
    require_csrf(request, form.get(CSRF_FIELD))
    closed = _closed_page(visit, view)
    if closed is not None:
        return closed
    # Kept for the page shown again below, so nobody has to type their comment twice.
    comment = without_invisible_characters(str(form.get("comment") or "")).replace("\x00", "")
    given = LinkAnswer(
        invitation_id=view.invitation_id,
        nonce=view.invitation.nonce,
        text_sha256_seen=str(form.get("text_sha256") or ""),
        decision=str(form.get("decision") or ""),
        comment=comment,
        language=visit.language,
    )
    try:
        await answer_through_link(session, settings=settings, now=now, given=given)
    except DetailsChanged:
        # The details changed while the page was open (the meeting moved, say): show them again.
        # The page opened above already shows them as they are now.
        return _consent_page(visit, view, status=409, details_changed=True, comment=comment)
    except InvalidInput as invalid:
        if invalid.field != "decision":
            raise
        errors = [{"text": visit.words("Choose yes or no"), "href": "#decision"}]
        return _consent_page(visit, view, status=422, errors=errors, comment=comment)
    except NotFound:
        # The link was replaced while the page was open: it no longer works.
        return await bad_link_page(visit, LinkProblem.NOT_VALID)
    except ConsentClosed as closed_error:
        return visit.page(
            "pages/family/closed.html",
            status=409,
            page_title=visit.words("Your answer could not be saved"),
            reason="message",
            because=closed_error.because.value,
            closed_deadline=moment_in(visit.language, closed_error.deadline)
            if closed_error.deadline
            else None,
            view=view,
        )
    return RedirectResponse(f"/consent/{token}?saved=1", status_code=303)
