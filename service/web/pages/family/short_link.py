"""Short answer links, `/a/<code>`: the link a text message or a letter carries. A good code
goes on to the person's own consent page; anything else gets the same calm page, and counts
against the same limit, as a bad long link."""

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from service.languages import Language
from service.links import LinkProblem, make_consent_token
from service.usecases.short_links import link_of_short_code
from service.web.deps import NowDep, ReadSessionDep, SettingsDep
from service.web.pages.family.language_choice import chosen_language
from service.web.pages.family.visits import Visit, bad_link_page, is_slowed

router = APIRouter(include_in_schema=False)
# Longer than any code typed with spaces or dashes; anything longer is not one.
MAX_TYPED_LENGTH = 40


@router.api_route("/a/{code}", methods=["GET", "HEAD"])
async def short_answer_link(
    request: Request, code: str, session: ReadSessionDep, settings: SettingsDep, now: NowDep
) -> Response:
    """On to the person's consent page; opening it records nothing."""
    language = chosen_language(request, None) or Language.ENGLISH
    visit = Visit(request, session, settings, now, language)
    # An address that has guessed too often is slowed before any code is looked at, so a
    # right guess among wrong ones is not told apart from them.
    if await is_slowed(visit):
        return await bad_link_page(visit, LinkProblem.NOT_VALID)
    link = (
        await link_of_short_code(session, settings=settings, code=code)
        if len(code) <= MAX_TYPED_LENGTH
        else None
    )
    if link is None:
        return await bad_link_page(visit, LinkProblem.NOT_VALID)
    token = make_consent_token(settings, invitation_id=link.invitation_id, nonce=link.nonce)
    # A language asked for in the short address goes on with it; nothing else does.
    asked = chosen_language(request, None)
    query = f"?lang={asked.value}" if asked else ""
    return RedirectResponse(f"/consent/{token}{query}", status_code=303)
