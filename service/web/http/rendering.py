"""Rendering pages with what every page needs: the user, CSRF value, navigation, contacts."""

from collections.abc import Mapping

from fastapi import Request
from fastapi.responses import HTMLResponse, Response
from markupsafe import Markup

from service.domain.staff import StaffMember, StaffRole
from service.languages import Language
from service.settings import Settings
from service.web.http.app_state import templates_in
from service.web.http.csrf import csrf_value_for, masked, set_csrf_cookie_if_new
from service.web.http.staff_sessions import idle_timing

_NAVIGATION: dict[StaffRole, list[tuple[str, str]]] = {
    StaffRole.TRAINEE: [("/trainee", "Conferences and your requests")],
    StaffRole.QA: [
        ("/qa", "Requests"),
        ("/qa/conferences", "Conferences"),
        ("/qa/statistics", "Statistics"),
    ],
    StaffRole.ADMIN: [
        ("/admin", "Staff accounts"),
        ("/admin/sessions", "Who is signed in"),
        ("/admin/integrations", "Integration tokens"),
        ("/qa/statistics", "Statistics"),
    ],
}


# The pages a family member may read, perhaps while someone watches: their consent pages (and
# any error there) and the public pages their footer links to. They offer "Exit this page", and
# come with no script and a stylesheet of their own, small enough for a phone on a slow line.
FAMILY_PATH_PREFIXES = ("/consent/", "/a/")
PUBLIC_PAGE_PATHS = frozenset({"/accessibility", "/privacy", "/cookies"})


def offers_exit(path: str) -> bool:
    """Whether the page at this path offers "Exit this page"; staff pages do not."""
    return path.startswith(FAMILY_PATH_PREFIXES) or path in PUBLIC_PAGE_PATHS


# Where a QA page's dependency leaves how much needs doing now (see pages/qa/work_list.py).
WORK_TO_DO = "work_to_do"


def navigation_items(
    user: StaffMember | None, path: str, work_to_do: int | None
) -> list[dict[str, object]]:
    """The main menu for this member of staff, with QA's count beside Requests."""
    if user is None:
        return []
    items: list[dict[str, object]] = []
    for href, text in _NAVIGATION.get(user.role, []):
        item: dict[str, object] = {
            "href": href,
            "text": text,
            "active": path == href or path.startswith(f"{href}/"),
        }
        if href == "/qa" and work_to_do:
            item["html"] = Markup(
                '{} ({}<span class="govuk-visually-hidden"> need doing now</span>)'
            ).format(text, work_to_do)
        items.append(item)
    return items


def render_page(
    request: Request,
    template: str,
    *contexts: Mapping[str, object],
    status: int = 200,
    language: Language = Language.ENGLISH,
    **context: object,
) -> Response:
    """Render a page template inside the service's layout."""
    settings: Settings = request.app.state.settings
    user: StaffMember | None = getattr(request.state, "staff", None)
    now = request.app.state.clock()
    values: dict[str, object] = {
        "signed_in_user": user,
        "idle_timing": idle_timing(
            getattr(request.state, "staff_session", None), now, settings.session_idle_seconds
        ),
        "current_path": request.url.path + (f"?{request.url.query}" if request.url.query else ""),
        "csrf_token": masked(csrf_value_for(request)),
        "nav_items": navigation_items(
            user, request.url.path, getattr(request.state, WORK_TO_DO, None)
        ),
        "qa_service_name": settings.qa_service_name,
        "qa_service_phone": settings.qa_service_phone,
        "qa_service_email": settings.qa_mailbox,
        "is_development": settings.is_development,
        "exit_page_url": settings.exit_page_url if offers_exit(request.url.path) else None,
        "family_page": offers_exit(request.url.path),
        **{key: value for more in contexts for key, value in more.items()},
        **context,
    }
    response: HTMLResponse = templates_in(request, language).TemplateResponse(
        request, template, values, status_code=status
    )
    set_csrf_cookie_if_new(request, response, secure=not settings.is_development)
    return response


def render_error_page(request: Request, status: int, message: str) -> Response:
    """The calm page shown for anything that went wrong."""
    titles = {
        403: "You cannot do this",
        404: "Page not found",
        409: "This cannot be done now",
        422: "There is a problem",
        429: "Too many attempts",
    }
    return render_page(
        request,
        "pages/error.html",
        status=status,
        page_title=titles.get(status, "Sorry, there is a problem"),
        message=message,
    )
