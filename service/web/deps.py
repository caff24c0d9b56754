"""Every dependency a route can ask for, as `Annotated` aliases in one place.

FastAPI runs a plain `def` dependency in a worker thread, so every dependency here is
`async def`, even when it awaits nothing: a request never waits for a thread.
"""

from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Annotated

from fastapi import Depends, HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.ext.asyncio import AsyncSession

from service.auth import SESSION_COOKIE, token_hash
from service.domain.staff import StaffRole
from service.domain.staff_sessions import (
    SessionKind,
    Stage,
    idle_ends_at,
    is_usable,
    should_touch,
)
from service.settings import Settings
from service.store.database import Database
from service.store.staff_sessions import session_by_token_hash, times_of, touch
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
_TOKEN_MAX_LENGTH = 200  # longer than any token the service makes; longer ones are not looked up


@dataclass(frozen=True)
class SignedIn:
    """A session found by its token and still usable, with its member of staff."""

    user: StaffUser
    session_id: int
    stage: Stage
    csrf_token: str
    # When the session ends if nothing more happens (browser sessions).
    ends_if_idle_at: datetime


async def find_session(
    request: Request, token: str | None, *, kinds: frozenset[SessionKind]
) -> SignedIn | None:
    """The usable session a token opens, or None; records its use at most once a minute.

    Its own short sessions, closed at once: a request-long read connection held while the
    route waits for a write connection would let a burst of requests take the whole pool
    and wait on each other until the pool times out.
    """
    if not token or len(token) > _TOKEN_MAX_LENGTH:
        return None
    settings, database, now = settings_of(request), get_database(request), await get_now(request)
    async with database.read_session() as session:
        found = await session_by_token_hash(session, token_hash(token))
    if found is None:
        return None
    row, user = found
    times = times_of(row)
    idle = timedelta(seconds=settings.session_idle_seconds)
    if (
        row.id is None
        or SessionKind(row.kind) not in kinds
        or not user.is_active
        or not is_usable(times, now=now, idle=idle)
    ):
        return None
    if should_touch(times, now=now):
        async with database.write_session() as session:
            await touch(session, session_id=row.id, now=now)
            await session.commit()
        times = replace(times, last_seen_at=now)
    return SignedIn(
        user=user,
        session_id=row.id,
        stage=Stage(row.stage),
        csrf_token=row.csrf_token or "",
        ends_if_idle_at=idle_ends_at(times, idle=idle),
    )


_API_KINDS = frozenset({SessionKind.API, SessionKind.INTEGRATION})
_BROWSER = frozenset({SessionKind.BROWSER})
_NOT_SIGNED_IN = HTTPException(
    status_code=401,
    detail="Sign in first: send a bearer token from POST /api/v1/auth/token.",
    headers={"WWW-Authenticate": "Bearer"},
)


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


async def get_api_user(signed_in: ApiSessionDep) -> StaffUser:
    """The staff member a bearer token belongs to, or 401."""
    return signed_in.user


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
    request.state.user = signed_in.user
    return signed_in


SignedInDep = Annotated[SignedIn, Depends(get_signed_in)]


async def get_page_user(signed_in: SignedInDep) -> StaffUser:
    """The signed-in staff member for a page, or a redirect to sign in."""
    return signed_in.user


PageUserDep = Annotated[StaffUser, Depends(get_page_user)]


async def get_any_staff(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer_scheme)],
) -> StaffUser:
    """A signed-in member of staff, by bearer token or by sign-in cookie; 401 otherwise."""
    if credentials is not None:
        return (await get_api_session(request, credentials)).user
    signed_in = await get_browser_session(request)
    if signed_in is None or signed_in.stage is not Stage.SIGNED_IN:
        raise _NOT_SIGNED_IN
    return signed_in.user


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
