"""Which language a family member's pages open in, and remembering a switch for their link.

A person who presses "Cymraeg" or "English" keeps that language for their own link, in a cookie
named for their invitation (never for the link's token), so two people sharing one phone each
keep their own choice. Choosing a language is not an answer and is never written to the record.
"""

from fastapi import Request, Response

from service.languages import Language, parse_language
from service.links import CONSENT_LINK_MAX_AGE_SECONDS

LANGUAGE_COOKIE_PREFIX = "cpc_language_"


def _cookie_name(invitation_id: int) -> str:
    return f"{LANGUAGE_COOKIE_PREFIX}{invitation_id}"


def chosen_language(request: Request, invitation_id: int | None) -> Language | None:
    """The language asked for on this visit (?lang=), else the one last chosen for this link;
    None when the person has chosen none (their recorded language then decides)."""
    asked = parse_language(request.query_params.get("lang"))
    if asked is not None or invitation_id is None:
        return asked
    return parse_language(request.cookies.get(_cookie_name(invitation_id)))


def remember_language(
    request: Request, response: Response, invitation_id: int, *, secure: bool
) -> Response:
    """Keep a language the person just switched to for the next time they open their link."""
    asked = parse_language(request.query_params.get("lang"))
    if asked is not None:
        response.set_cookie(
            _cookie_name(invitation_id),
            asked.value,
            # No longer than a link can work: on a shared device it says a link was opened.
            max_age=CONSENT_LINK_MAX_AGE_SECONDS,
            path="/consent",
            httponly=True,
            samesite="lax",
            secure=secure,
        )
    return response
