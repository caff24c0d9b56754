"""The second step of signing in with a password: a one-time code, or setting one up."""

from datetime import datetime

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from service.domain.staff_sessions import Stage
from service.one_time_codes import qr_code_svg, set_up_address
from service.settings import Settings
from service.store.ids import saved_id
from service.usecases.second_factor import CodeResult, finish_signing_in, secret_to_set_up
from service.usecases.sign_in import minutes_text
from service.web.deps import (
    BrowserSessionDep,
    NowDep,
    SettingsDep,
    client_address,
)
from service.web.http.app_state import database_of
from service.web.http.csrf import CSRF_FIELD, require_csrf
from service.web.http.rendering import render_page
from service.web.http.staff_sessions import SignedIn
from service.web.pages.staff.sign_in import home_of, with_session_cookie

router = APIRouter(include_in_schema=False)
_CODE_FIELD = "code"


def _at_stage(signed_in: SignedIn | None, stage: Stage) -> SignedIn | None:
    return signed_in if signed_in is not None and signed_in.stage is stage else None


async def _submitted_code(
    request: Request, settings: Settings, now: datetime, part_way: SignedIn
) -> CodeResult:
    form = await request.form()
    require_csrf(request, form.get(CSRF_FIELD))
    database = database_of(request)
    return await finish_signing_in(
        database.reader,
        database.writer,
        settings=settings,
        now=now,
        session_id=part_way.session_id,
        expected_stage=part_way.stage,
        code=str(form.get(_CODE_FIELD) or "").strip()[:20],
        address=client_address(request),
    )


@router.get("/sign-in/code")
async def code_page(request: Request, signed_in: BrowserSessionDep) -> Response:
    """Ask for the code from the person's authenticator app."""
    if _at_stage(signed_in, Stage.SECOND_FACTOR) is None:
        return RedirectResponse("/sign-in", status_code=303)
    return render_page(request, "pages/staff/second_factor.html", page_title="Enter your code")


@router.post("/sign-in/code")
async def check_code(
    request: Request, signed_in: BrowserSessionDep, settings: SettingsDep, now: NowDep
) -> Response:
    """Finish signing in with a one-time code or a recovery code."""
    part_way = _at_stage(signed_in, Stage.SECOND_FACTOR)
    if part_way is None:
        return RedirectResponse("/sign-in", status_code=303)
    result = await _submitted_code(request, settings, now, part_way)
    if result.new_session is not None:
        redirect = RedirectResponse(home_of(part_way.user.role), status_code=303)
        return with_session_cookie(redirect, settings, result.new_session.token)
    return _code_error(request, "pages/staff/second_factor.html", result, now=now)


def _code_error(
    request: Request, template: str, result: CodeResult, *, now: datetime, **context: object
) -> Response:
    if result.wait is not None:
        seconds = result.wait.seconds_from(now)
        status, headers = 429, {"Retry-After": str(seconds)}
        message = f"Too many wrong codes. Try again in {minutes_text(seconds)}."
    else:
        status, headers = 401, {}
        message = "The code is not right. Enter the code your app shows now."
    page = render_page(
        request,
        template,
        context,
        status=status,
        page_title="Enter your code",
        errors=[{"text": message, "href": f"#{_CODE_FIELD}"}],
        field_errors={_CODE_FIELD: message},
    )
    page.headers.update(headers)
    return page


async def _set_up_context(
    request: Request, settings: Settings, part_way: SignedIn
) -> dict[str, object] | None:
    async with database_of(request).write_session() as session:
        secret = await secret_to_set_up(session, settings=settings, user_id=saved_id(part_way.user))
    if secret is None:
        return None
    address = set_up_address(secret, account_name=part_way.user.email)
    return {
        "qr_code": qr_code_svg(address),
        "secret_groups": [secret[i : i + 4] for i in range(0, len(secret), 4)],
    }


@router.get("/sign-in/set-up-code")
async def set_up_page(
    request: Request, signed_in: BrowserSessionDep, settings: SettingsDep
) -> Response:
    """Show the QR code for an authenticator app, and ask for the first code it shows."""
    part_way = _at_stage(signed_in, Stage.SET_UP_SECOND_FACTOR)
    context = await _set_up_context(request, settings, part_way) if part_way else None
    if context is None:
        return RedirectResponse("/sign-in", status_code=303)
    return render_page(
        request,
        "pages/staff/set_up_second_factor.html",
        context,
        page_title="Set up your authenticator app",
    )


@router.post("/sign-in/set-up-code")
async def finish_set_up(
    request: Request, signed_in: BrowserSessionDep, settings: SettingsDep, now: NowDep
) -> Response:
    """Turn the app on once it shows the right code, and show the recovery codes once."""
    part_way = _at_stage(signed_in, Stage.SET_UP_SECOND_FACTOR)
    if part_way is None:
        return RedirectResponse("/sign-in", status_code=303)
    result = await _submitted_code(request, settings, now, part_way)
    if result.new_session is None:
        context = await _set_up_context(request, settings, part_way) or {}
        return _code_error(
            request, "pages/staff/set_up_second_factor.html", result, now=now, **context
        )
    page = render_page(
        request,
        "pages/staff/recovery_codes.html",
        page_title="Save your recovery codes",
        recovery_codes=result.recovery_codes,
        next_href=home_of(part_way.user.role),
    )
    return with_session_cookie(page, settings, result.new_session.token)
