"""Every dependency a route can ask for, as `Annotated` aliases in one place.

FastAPI runs a plain `def` dependency in a worker thread, so every dependency here is
`async def`, even when it awaits nothing: a request never waits for a thread.

Routes act for a `StaffMember` (id and role never optional), take a form post only through a
dependency that has checked its CSRF value, and load a request only through
`load_visible_request`, so "a trainee sees only their own" is decided in one place.
"""

from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated

from fastapi import Depends, HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.datastructures import FormData

from service.auth import SESSION_COOKIE
from service.domain.staff import StaffMember, StaffRole
from service.domain.staff_sessions import SessionKind, Stage
from service.settings import Settings
from service.web.http.app_state import clock_now, database_of, settings_of
from service.web.http.csrf import CSRF_FIELD, require_csrf
from service.web.http.staff_sessions import SignedIn, find_session


async def get_settings(request: Request) -> Settings:
    """The settings, as a dependency."""
    return settings_of(request)


async def get_write_session(request: Request) -> AsyncIterator[AsyncSession]:
    """A session for one use case, which commits it once."""
    async with database_of(request).write_session() as session:
        yield session


async def get_read_session(request: Request) -> AsyncIterator[AsyncSession]:
    """A session for reading a page."""
    async with database_of(request).read_session() as session:
        yield session


async def get_now(request: Request) -> datetime:
    """The current time; tests replace `app.state.clock` to freeze it."""
    return clock_now(request)


def client_address(request: Request) -> str:
    """Where the request came from (behind a trusted proxy, the address it reports)."""
    return request.client.host if request.client else "unknown"


def client_device(request: Request) -> str | None:
    """The browser or program, as it describes itself, for the list of who is signed in."""
    return request.headers.get("user-agent", "")[:200] or None


def system_clock() -> datetime:
    """The real time, in UTC."""
    return datetime.now(UTC)


SettingsDep = Annotated[Settings, Depends(get_settings)]
WriteSessionDep = Annotated[AsyncSession, Depends(get_write_session)]
ReadSessionDep = Annotated[AsyncSession, Depends(get_read_session)]
NowDep = Annotated[datetime, Depends(get_now)]

bearer_scheme = HTTPBearer(auto_error=False, description="A token from POST /api/v1/auth/token")
_API_KINDS = frozenset({SessionKind.API, SessionKind.INTEGRATION})
_BROWSER = frozenset({SessionKind.BROWSER})
_NOT_SIGNED_IN = HTTPException(
    status_code=401,
    detail="Sign in first: send a bearer token from POST /api/v1/auth/token.",
    headers={"WWW-Authenticate": "Bearer"},
)
_WRONG_ROLE = HTTPException(status_code=403, detail="Your role does not allow this.")


async def get_api_session(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer_scheme)],
) -> SignedIn:
    """The usable session a bearer token opens, or 401."""
    signed_in = await find_session(
        request, credentials.credentials if credentials else None, kinds=_API_KINDS
    )
    if signed_in is None or signed_in.stage is not Stage.SIGNED_IN:
        raise _NOT_SIGNED_IN
    return signed_in


ApiSessionDep = Annotated[SignedIn, Depends(get_api_session)]


def api_role(*roles: StaffRole) -> Callable[[SignedIn], Awaitable[StaffMember]]:
    """A dependency that lets through only staff with one of these roles (403 otherwise)."""

    async def check(signed_in: ApiSessionDep) -> StaffMember:
        if signed_in.staff.role not in roles:
            raise _WRONG_ROLE
        return signed_in.staff

    return check


ApiQaDep = Annotated[StaffMember, Depends(api_role(StaffRole.QA))]
ApiTraineeDep = Annotated[StaffMember, Depends(api_role(StaffRole.TRAINEE))]
ApiStaffDep = Annotated[StaffMember, Depends(api_role(StaffRole.TRAINEE, StaffRole.QA))]
ApiQaOrAdminDep = Annotated[StaffMember, Depends(api_role(StaffRole.QA, StaffRole.ADMIN))]


class SignInRequired(Exception):
    """A page needs a signed-in member of staff; the app redirects to the sign-in page."""


async def get_browser_session(request: Request) -> SignedIn | None:
    """The usable browser session in the sign-in cookie, at whatever stage, or None.

    Remembered on the request, so that its forms carry the session's CSRF value.
    """
    signed_in = await find_session(request, request.cookies.get(SESSION_COOKIE), kinds=_BROWSER)
    request.state.staff_session = signed_in
    return signed_in


BrowserSessionDep = Annotated[SignedIn | None, Depends(get_browser_session)]


async def get_signed_in(request: Request) -> SignedIn:
    """A browser session that has finished signing in, or a redirect to sign in."""
    signed_in = await get_browser_session(request)
    if signed_in is None or signed_in.stage is not Stage.SIGNED_IN:
        raise SignInRequired()
    request.state.staff = signed_in.staff
    return signed_in


SignedInDep = Annotated[SignedIn, Depends(get_signed_in)]


async def get_any_staff(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer_scheme)],
) -> StaffMember:
    """A signed-in member of staff, by bearer token or by sign-in cookie; 401 otherwise."""
    if credentials is not None:
        return (await get_api_session(request, credentials)).staff
    signed_in = await get_browser_session(request)
    if signed_in is None or signed_in.stage is not Stage.SIGNED_IN:
        raise _NOT_SIGNED_IN
    return signed_in.staff


AnyStaffDep = Annotated[StaffMember, Depends(get_any_staff)]


def page_role(*roles: StaffRole) -> Callable[[SignedIn], Awaitable[StaffMember]]:
    """A page dependency that lets through only staff with one of these roles (403 otherwise)."""

    async def check(signed_in: SignedInDep) -> StaffMember:
        if signed_in.staff.role not in roles:
            raise _WRONG_ROLE
        return signed_in.staff

    return check


PageQaDep = Annotated[StaffMember, Depends(page_role(StaffRole.QA))]
PageTraineeDep = Annotated[StaffMember, Depends(page_role(StaffRole.TRAINEE))]
PageAdminDep = Annotated[StaffMember, Depends(page_role(StaffRole.ADMIN))]
PageQaOrAdminDep = Annotated[StaffMember, Depends(page_role(StaffRole.QA, StaffRole.ADMIN))]


@dataclass(frozen=True)
class StaffFormPost:
    """A form a member of staff posted, whose CSRF value has been checked against their session."""

    staff: StaffMember
    form: FormData


def staff_form(
    *roles: StaffRole,
) -> Callable[[Request, StaffMember], Awaitable[StaffFormPost]]:
    """A dependency for a form post by staff with one of these roles: 403 without a valid CSRF."""
    role_check = page_role(*roles)

    async def read(
        request: Request, staff: Annotated[StaffMember, Depends(role_check)]
    ) -> StaffFormPost:
        form = await request.form()
        require_csrf(request, form.get(CSRF_FIELD))
        return StaffFormPost(staff, form)

    return read


QaFormDep = Annotated[StaffFormPost, Depends(staff_form(StaffRole.QA))]
TraineeFormDep = Annotated[StaffFormPost, Depends(staff_form(StaffRole.TRAINEE))]
AdminFormDep = Annotated[StaffFormPost, Depends(staff_form(StaffRole.ADMIN))]
