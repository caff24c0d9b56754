"""Staff sign-in, sign-out and trainee registration pages."""

from datetime import datetime

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel, Field

from service.auth import SESSION_COOKIE, read_email_confirmation
from service.domain.errors import InvalidInput
from service.domain.staff_sessions import SessionKind, Stage
from service.settings import Settings
from service.usecases.sign_in import minutes_text, sign_in_with_password
from service.usecases.staff_sessions import sign_out
from service.usecases.trainee_registration import confirm_trainee_email, register_trainee
from service.web.deps import (
    BrowserSessionDep,
    NowDep,
    SettingsDep,
    WriteSessionDep,
    client_address,
    client_device,
)
from service.web.http.app_state import database_of
from service.web.http.csrf import CSRF_FIELD, require_csrf
from service.web.http.fields import EmailText, ShortText
from service.web.http.forms import FieldError, parse_form
from service.web.http.rendering import render_page
from service.web.http.staff_sessions import find_session

router = APIRouter(include_in_schema=False)

_HOME_BY_ROLE = {"trainee": "/trainee", "qa": "/qa", "admin": "/admin"}
# Where a browser session goes next, by how far through signing in it is.
_NEXT_BY_STAGE = {
    Stage.SECOND_FACTOR: "/sign-in/code",
    Stage.SET_UP_SECOND_FACTOR: "/sign-in/set-up-code",
}


def home_of(role: str) -> str:
    """Each role's own start page."""
    return _HOME_BY_ROLE.get(role, "/sign-in")


def with_session_cookie(response: Response, settings: Settings, token: str) -> Response:
    """The response, carrying a new sign-in cookie: nothing in it but a random value."""
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=settings.session_max_age_seconds,
        httponly=True,
        samesite="lax",
        secure=not settings.is_development,
        path="/",
    )
    return response


@router.get("/")
async def home(signed_in: BrowserSessionDep) -> Response:
    """Send each person to their own start page, or on to finish signing in."""
    if signed_in is None:
        return RedirectResponse("/sign-in", status_code=303)
    target = _NEXT_BY_STAGE.get(signed_in.stage) or home_of(signed_in.user.role)
    return RedirectResponse(target, status_code=303)


def _sign_in_page(
    request: Request, settings: Settings, *, status: int = 200, **context: object
) -> Response:
    ended = request.query_params.get("ended")
    return render_page(
        request,
        "pages/staff/sign_in.html",
        context,
        status=status,
        page_title="Sign in",
        passwords_allowed=settings.local_passwords,
        registration_open=settings.trainee_registration_open,
        council_accounts=settings.oidc_enabled,
        ended_idle=ended == "idle",
    )


@router.get("/sign-in")
async def sign_in_page(request: Request, settings: SettingsDep) -> Response:
    """The sign-in form."""
    return _sign_in_page(request, settings)


class SignInForm(BaseModel):
    email: EmailText
    password: str = Field(min_length=1, max_length=200)


@router.post("/sign-in")
async def sign_in(request: Request, settings: SettingsDep, now: NowDep) -> Response:
    """Check the email and password and start a session; after repeated failures, wait."""
    if not settings.local_passwords:
        return _sign_in_page(request, settings, status=403)  # nothing is read, nothing checked
    form = await request.form()
    require_csrf(request, form.get(CSRF_FIELD))
    parsed = parse_form(
        SignInForm,
        form,
        {"email": "Enter your email address", "password": "Enter your password"},
    )
    started, status, headers = None, 422, {}
    if parsed.value is not None:
        database = database_of(request)
        result = await sign_in_with_password(
            database.reader,
            database.writer,
            settings=settings,
            now=now,
            email=parsed.value.email,
            password=parsed.value.password,
            address=client_address(request),
            kind=SessionKind.BROWSER,
            device=client_device(request),
        )
        started, status = result.new_session, 401
        if result.wait is not None:
            seconds = result.wait.seconds_from(now)
            status, headers = 429, {"Retry-After": str(seconds)}
            message = f"Too many failed sign-ins. Try again in {minutes_text(seconds)}."
            parsed.errors.append(FieldError("email", message))
        elif started is None:
            parsed.errors.append(FieldError("email", "The email address or password is not right"))
    if started is None:
        page = _sign_in_page(
            request,
            settings,
            status=status,
            errors=parsed.summary(),
            field_errors=parsed.by_field(),
            email=str(form.get("email") or "")[:254],
        )
        page.headers.update(headers)
        return page
    await end_earlier_session(request, now)
    target = _NEXT_BY_STAGE.get(Stage(started.row.stage)) or home_of(started.role)
    return with_session_cookie(RedirectResponse(target, status_code=303), settings, started.token)


async def end_earlier_session(request: Request, now: datetime) -> None:
    """Signing in again on a browser ends the session its old cookie held."""
    earlier = await find_session(
        request, request.cookies.get(SESSION_COOKIE), kinds=frozenset({SessionKind.BROWSER})
    )
    if earlier is not None:
        async with database_of(request).write_session() as session:
            await sign_out(session, now=now, session_id=earlier.session_id)


@router.post("/sign-out")
async def sign_out_now(request: Request, signed_in: BrowserSessionDep, now: NowDep) -> Response:
    """End the session at once: its cookie opens nothing again, here or in any copy of it."""
    if signed_in is not None:
        # Only a session that is still alive can be ended, so only then is a check needed.
        form = await request.form()
        require_csrf(request, form.get(CSRF_FIELD))
        async with database_of(request).write_session() as session:
            await sign_out(session, now=now, session_id=signed_in.session_id)
    response = RedirectResponse("/sign-in", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


def _registration_closed(request: Request, settings: Settings) -> Response:
    return render_page(
        request,
        "pages/staff/message.html",
        status=404,
        page_title="Trainees cannot create accounts here",
        paragraphs=[f"Ask the {settings.qa_service_name} to create an account for you."],
        next_href="/sign-in",
        next_text="Sign in",
    )


@router.get("/register")
async def register_page(request: Request, settings: SettingsDep) -> Response:
    """The form a trainee uses to create an account, where trainees can create one."""
    if not settings.trainee_registration_open:
        return _registration_closed(request, settings)
    return render_page(
        request, "pages/staff/register.html", page_title="Create a trainee account", values={}
    )


class RegisterForm(BaseModel):
    name: ShortText
    email: EmailText
    password: str = Field(min_length=12, max_length=200)


@router.post("/register")
async def register(
    request: Request, session: WriteSessionDep, settings: SettingsDep, now: NowDep
) -> Response:
    """Create an unconfirmed trainee account and send the confirmation link."""
    if not settings.trainee_registration_open:
        return _registration_closed(request, settings)  # nothing is read, nothing created
    form = await request.form()
    require_csrf(request, form.get(CSRF_FIELD))
    parsed = parse_form(
        RegisterForm,
        form,
        {
            "name": "Enter your full name",
            "email": "Enter your work email address",
            "password": "Choose a password of at least 12 characters",
        },
    )
    if parsed.value is not None:
        try:
            await register_trainee(session, settings=settings, now=now, **parsed.value.model_dump())
        except InvalidInput as error:
            parsed.errors.append(FieldError(error.field or "email", error.message))
    if parsed.errors:
        return render_page(
            request,
            "pages/staff/register.html",
            status=422,
            page_title="Create a trainee account",
            errors=parsed.summary(),
            field_errors=parsed.by_field(),
            values={
                "name": str(form.get("name") or "")[:200],
                "email": str(form.get("email") or "")[:254],
            },
        )
    return render_page(
        request,
        "pages/staff/message.html",
        page_title="Check your email",
        paragraphs=[
            "If the address can have an account, we have sent a link to it. "
            "Open the link to finish creating your account. It works for 3 days."
        ],
    )


@router.get("/register/confirm/{token}")
async def confirm_email(
    request: Request, token: str, session: WriteSessionDep, now: NowDep, settings: SettingsDep
) -> Response:
    """Confirm a trainee's email address from the emailed link."""
    user_id = read_email_confirmation(settings, token)
    if user_id is None or not await confirm_trainee_email(session, now=now, user_id=user_id):
        return render_page(
            request,
            "pages/staff/message.html",
            status=400,
            page_title="This link does not work",
            paragraphs=["The link may be too old or incomplete. Create your account again."],
            next_href="/register",
            next_text="Create a trainee account",
        )
    return render_page(
        request,
        "pages/staff/message.html",
        page_title="Your email address is confirmed",
        paragraphs=["You can now sign in."],
        next_href="/sign-in",
        next_text="Sign in",
    )
