"""The accessibility statement, the privacy notice and the cookies page, linked from every footer.

Anyone may read them, signed in or not. Families reach them from their own pages, so they come in
English or Welsh (`?lang=cy`, which a Welsh page's footer links carry) and offer "Exit this page".
"""

from dataclasses import dataclass

from fastapi import APIRouter, Request
from fastapi.responses import Response

from service.auth import SESSION_COOKIE
from service.languages import Language, parse_language, translations
from service.links import CONSENT_LINK_MAX_AGE_SECONDS
from service.web.deps import SettingsDep
from service.web.http.csrf import CSRF_COOKIE
from service.web.http.rendering import render_page
from service.web.pages.family.language_choice import LANGUAGE_COOKIE_PREFIX
from service.web.pages.staff.council_sign_in import FLOW_COOKIE, FLOW_MAX_AGE_SECONDS

router = APIRouter(include_in_schema=False)


@dataclass(frozen=True)
class CookieNames:
    """The name of every cookie the service sets, as the code that sets it spells it."""

    csrf: str = CSRF_COOKIE
    language: str = f"{LANGUAGE_COOKIE_PREFIX}<number>"
    session: str = SESSION_COOKIE
    council_sign_in: str = FLOW_COOKIE


COOKIE_NAMES = CookieNames()


def _language(request: Request) -> Language:
    return parse_language(request.query_params.get("lang")) or Language.ENGLISH


def how_long(language: Language, seconds: int) -> str:
    """A cookie's life in words: "180 days", "8 hours", "10 minutes"."""
    say = translations(language).gettext
    if seconds % 86_400 == 0:
        return say("%(days)s days") % {"days": seconds // 86_400}
    if seconds % 3600 == 0:
        hours = seconds // 3600
        return say("1 hour") if hours == 1 else say("%(hours)s hours") % {"hours": hours}
    return say("%(minutes)s minutes") % {"minutes": max(1, round(seconds / 60))}


def _public_page(request: Request, template: str, title: str, **context: object) -> Response:
    language = _language(request)
    return render_page(
        request,
        template,
        context,
        language=language,
        page_title=translations(language).gettext(title),
    )


@router.api_route("/accessibility", methods=["GET", "HEAD"])
async def accessibility_statement(request: Request, settings: SettingsDep) -> Response:
    """How accessible the service is, what is checked and what is not, and who to tell."""
    return _public_page(
        request,
        "pages/public/accessibility.html",
        "Accessibility statement",
        organisation_name=settings.organisation_name,
        contact_email=settings.accessibility_contact_email or settings.qa_mailbox,
        last_checked=settings.accessibility_last_checked,
    )


@router.api_route("/privacy", methods=["GET", "HEAD"])
async def privacy_notice(request: Request, settings: SettingsDep) -> Response:
    """Who keeps what about whom, why, for how long, and people's rights."""
    return _public_page(
        request,
        "pages/public/privacy.html",
        "Privacy notice",
        organisation_name=settings.organisation_name,
        dpo_email=settings.data_protection_officer_email,
        body_retention_days=settings.mail_body_retention_days,
        # GOV.UK Notify sends for the council only when it is set up to.
        uses_notify=bool(
            settings.texts_available
            or settings.letters_available
            or (settings.notify_api_key and settings.notify_email_template_id)
        ),
    )


@router.api_route("/cookies", methods=["GET", "HEAD"])
async def cookies_page(request: Request, settings: SettingsDep) -> Response:
    """The strictly necessary cookies the service sets, and that it sets no others."""
    language = _language(request)
    return _public_page(
        request,
        "pages/public/cookies.html",
        "Cookies",
        cookie_names=COOKIE_NAMES,
        session_lasts=how_long(language, settings.session_max_age_seconds),
        language_lasts=how_long(language, CONSENT_LINK_MAX_AGE_SECONDS),
        council_sign_in_lasts=how_long(language, FLOW_MAX_AGE_SECONDS),
    )
