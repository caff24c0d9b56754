"""Every dependency a route can ask for, as `Annotated` aliases in one place.

FastAPI runs a plain `def` dependency in a worker thread, so every dependency here is
`async def`, even when it awaits nothing: a request never waits for a thread.
"""

from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime
from typing import Annotated

from fastapi import Depends, HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.ext.asyncio import AsyncSession

from service.auth import SESSION_COOKIE, StaffSession, read_api_token, read_session_cookie
from service.domain.staff import StaffRole
from service.settings import Settings
from service.store.database import Database
from service.store.tables import StaffUser


def settings_of(request: Request) -> Settings:
    """The settings the app was built with."""
    settings: Settings = request.app.state.settings
    return settings


def get_database(request: Request) -> Database:
    """The app's database."""
    database: Database = request.app.state.database
    return database


async def get_settings(request: Request) -> Settings:
    """The settings, as a dependency."""
    return settings_of(request)


async def get_write_session(request: Request) -> AsyncIterator[AsyncSession]:
    """A session for one use case, which commits it once."""
    async with get_database(request).write_session() as session:
        yield session


async def get_read_session(request: Request) -> AsyncIterator[AsyncSession]:
    """A session for reading a page."""
    async with get_database(request).read_session() as session:
        yield session


async def get_now(request: Request) -> datetime:
    """The current time; tests replace `app.state.clock` to freeze it."""
    clock: Callable[[], datetime] = request.app.state.clock
    return clock()


def client_address(request: Request) -> str:
    """Where the request came from (behind a trusted proxy, the address it reports)."""
    return request.client.host if request.client else "unknown"


def system_clock() -> datetime:
    """The real time, in UTC."""
    return datetime.now(UTC)


SettingsDep = Annotated[Settings, Depends(get_settings)]
WriteSessionDep = Annotated[AsyncSession, Depends(get_write_session)]
ReadSessionDep = Annotated[AsyncSession, Depends(get_read_session)]
NowDep = Annotated[datetime, Depends(get_now)]

_bearer = HTTPBearer(auto_error=False, description="A token from POST /api/v1/auth/token")


async def _load_signed_in(request: Request, user_id: int | None) -> StaffUser | None:
    # A session of its own, closed at once: a request-long read connection held while the
    # route waits for a write connection would let a burst of requests take the whole pool
    # and wait on each other until the pool times out.
    if user_id is None:
        return None
    async with get_database(request).read_session() as session:
        return await session.get(StaffUser, user_id)


async def get_api_user(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> StaffUser:
    """The staff member a bearer token belongs to, or 401."""
    user_id = read_api_token(settings_of(request), credentials.credentials) if credentials else None
    user = await _load_signed_in(request, user_id)
    if user is None or not user.is_active:
        raise HTTPException(
            status_code=401,
            detail="Sign in first: send a bearer token from POST /api/v1/auth/token.",
            headers={"WWW-Authenticate": "Bearer"},
        )
    return user


ApiUserDep = Annotated[StaffUser, Depends(get_api_user)]


def api_role(*roles: StaffRole) -> Callable[[StaffUser], Awaitable[StaffUser]]:
    """A dependency that lets through only staff with one of these roles (403 otherwise)."""

    async def check(user: ApiUserDep) -> StaffUser:
        if user.role not in {role.value for role in roles}:
            raise HTTPException(status_code=403, detail="Your role does not allow this.")
        return user

    return check


ApiQaDep = Annotated[StaffUser, Depends(api_role(StaffRole.QA))]
ApiTraineeDep = Annotated[StaffUser, Depends(api_role(StaffRole.TRAINEE))]
ApiStaffDep = Annotated[StaffUser, Depends(api_role(StaffRole.TRAINEE, StaffRole.QA))]


class SignInRequired(Exception):
    """A page needs a signed-in member of staff; the app redirects to the sign-in page."""


def get_staff_session(request: Request) -> StaffSession | None:
    """The signed session cookie, if there is a valid one."""
    return read_session_cookie(settings_of(request), request.cookies.get(SESSION_COOKIE))


async def get_page_user(request: Request) -> StaffUser:
    """The signed-in staff member for a page, or a redirect to sign in."""
    staff_session = get_staff_session(request)
    user = await _load_signed_in(request, staff_session.user_id if staff_session else None)
    if user is None or not user.is_active:
        raise SignInRequired()
    request.state.staff_session = staff_session
    request.state.user = user
    return user


PageUserDep = Annotated[StaffUser, Depends(get_page_user)]


async def get_any_staff(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> StaffUser:
    """A signed-in member of staff, by bearer token or by sign-in cookie; 401 otherwise."""
    if credentials is not None:
        return await get_api_user(request, credentials)
    staff_session = get_staff_session(request)
    user = await _load_signed_in(request, staff_session.user_id if staff_session else None)
    if user is None or not user.is_active:
        raise HTTPException(
            status_code=401,
            detail="Sign in first: send a bearer token from POST /api/v1/auth/token.",
            headers={"WWW-Authenticate": "Bearer"},
        )
    return user


AnyStaffDep = Annotated[StaffUser, Depends(get_any_staff)]


def page_role(*roles: StaffRole) -> Callable[[StaffUser], Awaitable[StaffUser]]:
    """A page dependency that lets through only staff with one of these roles (403 otherwise)."""

    async def check(user: PageUserDep) -> StaffUser:
        if user.role not in {role.value for role in roles}:
            raise HTTPException(status_code=403, detail="Your role does not allow this.")
        return user

    return check


PageQaDep = Annotated[StaffUser, Depends(page_role(StaffRole.QA))]
PageTraineeDep = Annotated[StaffUser, Depends(page_role(StaffRole.TRAINEE))]
PageAdminDep = Annotated[StaffUser, Depends(page_role(StaffRole.ADMIN))]
