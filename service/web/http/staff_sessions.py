"""Finding a staff session by its token, for the cookie and the bearer dependencies alike."""

from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from fastapi import Request

from service.auth import token_hash
from service.domain.staff import StaffMember, StaffRole
from service.domain.staff_sessions import (
    IDLE_WARNING,
    SessionKind,
    Stage,
    idle_ends_at,
    is_usable,
    should_touch,
)
from service.store.ids import saved_id
from service.store.staff_sessions import session_by_token_hash, times_of, touch
from service.store.tables import StaffUser
from service.web.http.app_state import clock_now, database_of, settings_of

_ROLES = frozenset(StaffRole)
_TOKEN_MAX_LENGTH = 200  # longer than any token the service makes; longer ones are not looked up


@dataclass(frozen=True)
class SignedIn:
    """A session found by its token and still usable, with its member of staff."""

    user: StaffUser
    # The same person as the service acts for them: id and role never optional.
    staff: StaffMember
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
    settings, database, now = settings_of(request), database_of(request), clock_now(request)
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
        # A role the service does not know (written around it) opens nothing.
        or user.role not in _ROLES
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
        staff=StaffMember(
            id=saved_id(user), role=StaffRole(user.role), name=user.name, email=user.email
        ),
        session_id=row.id,
        stage=Stage(row.stage),
        csrf_token=row.csrf_token or "",
        ends_if_idle_at=idle_ends_at(times, idle=idle),
    )


# Warning delays are rounded down to this, so a handful of stylesheets serve every page.
_BUCKET_SECONDS = 10


def idle_timing(
    signed_in: SignedIn | None, now: datetime, idle_seconds: int
) -> dict[str, int] | None:
    """When a page should warn and when it should clear itself, in seconds from now."""
    if signed_in is None or signed_in.stage is not Stage.SIGNED_IN:
        return None
    left = max(0, int((signed_in.ends_if_idle_at - now).total_seconds()))
    warn = max(0, left - int(IDLE_WARNING.total_seconds()))
    return {
        "warn_after": warn - warn % _BUCKET_SECONDS,
        "ends_after": left,
        "idle_seconds": idle_seconds,
    }
