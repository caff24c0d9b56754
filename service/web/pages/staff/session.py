"""Staying signed in: the stylesheet that times the idle-timeout warning, and "Stay signed in".

The warning needs no JavaScript. Each staff page links a tiny stylesheet whose animation
delay reveals the warning two minutes before the session would end; without JavaScript a
`<meta refresh>` clears the screen when it does. The server ends the session either way, so
nothing a browser does or fails to do keeps a session alive.
"""

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse, Response

from service.web.deps import BrowserSessionDep
from service.web.http.csrf import CSRF_FIELD, require_csrf

router = APIRouter(include_in_schema=False)
_MAX_DELAY = 24 * 3600


@router.get("/session/timing.css")
async def timing_stylesheet(
    warn: Annotated[int, Query(ge=0, le=_MAX_DELAY)] = 0,
) -> Response:
    """Reveal the idle warning after `warn` seconds."""
    css = (
        ".cpc-idle-warning{visibility:hidden;max-height:0;overflow:hidden;"
        f"animation:cpc-idle-warning 0s linear {warn}s forwards}}"
        "@keyframes cpc-idle-warning{to{visibility:visible;max-height:none;overflow:visible}}"
    )
    return Response(css, media_type="text/css", headers={"Cache-Control": "public, max-age=86400"})


def _same_site_path(value: object) -> str:
    text = str(value or "")
    # Only a path on this service: never another site, however the address is written.
    if not text.startswith("/") or text.startswith("//") or "\\" in text or len(text) > 500:
        return "/"
    return text


@router.post("/session/stay")
async def stay_signed_in(request: Request, signed_in: BrowserSessionDep) -> Response:
    """Keep the session going (finding it recorded its use) and go back to the page.

    The page's script asks to stay on the page, and gets 204, or 401 once it is too late.
    """
    form = await request.form()
    stay_on_page = form.get("stay_on_page") == "1"
    if signed_in is None:
        if stay_on_page:
            return Response(status_code=401)
        return RedirectResponse("/sign-in?ended=idle", status_code=303)
    require_csrf(request, form.get(CSRF_FIELD))
    if stay_on_page:
        return Response(status_code=204)
    return RedirectResponse(_same_site_path(form.get("next")), status_code=303)
