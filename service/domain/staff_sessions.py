"""When a staff session, token or integration token is still good, and when it must end.

Every rule about how long staff stay signed in lives here, without I/O: the store finds the
row, these functions decide.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from service.domain.staff import StaffRole


class SessionKind(StrEnum):
    """What a session is for."""

    BROWSER = "browser"  # a sign-in cookie
    API = "api"  # a person's own short-lived bearer token
    INTEGRATION = "integration"  # a named token an administrator made for another system


class Stage(StrEnum):
    """How far through signing in a browser session is."""

    SIGNED_IN = "signed_in"
    # The password was right; a one-time code or recovery code is still needed.
    SECOND_FACTOR = "second_factor"
    # The password was right, and the person must set up a second factor before going on.
    SET_UP_SECOND_FACTOR = "set_up_second_factor"


class SignedInWith(StrEnum):
    """How the person proved who they are."""

    PASSWORD = "password"  # noqa: S105 - a method's name, not a secret
    COUNCIL_ACCOUNT = "council_account"
    INTEGRATION = "integration"


class EndReason(StrEnum):
    """Why a session stopped working; kept on the row and shown to administrators."""

    SIGNED_OUT = "signed_out"
    IDLE = "idle"
    TOO_OLD = "too_old"
    ENDED_BY_ADMIN = "ended_by_admin"
    ACCOUNT_STOPPED = "account_stopped"
    SIGNED_IN_FURTHER = "signed_in_further"  # replaced by a fresh session after a second step
    REVOKED = "revoked"


# A session that has got only as far as the password must finish the next step soon.
PART_WAY_LIFETIME = timedelta(minutes=10)
# A person's own API token: long enough for a working day's script, never longer than this.
API_TOKEN_LIFETIME = timedelta(hours=12)
# The most an administrator may give an integration token, so every token is renewed yearly.
INTEGRATION_TOKEN_MAX_DAYS = 366
# How stale `last_seen_at` may get before a request writes it again: one write a minute at
# most, rather than a write on every page a person opens.
TOUCH_INTERVAL = timedelta(seconds=60)
# How long before an idle session ends that a staff page warns about it.
IDLE_WARNING = timedelta(minutes=2)


@dataclass(frozen=True)
class SessionTimes:
    """The times a session's fate depends on."""

    kind: SessionKind
    last_seen_at: datetime
    expires_at: datetime
    ended_at: datetime | None


def is_usable(times: SessionTimes, *, now: datetime, idle: timedelta) -> bool:
    """Whether the session may still be used.

    Only browser sessions end from idleness: an integration or a script calls when it needs
    to, and its token has a hard end instead.
    """
    if times.ended_at is not None or now >= times.expires_at:
        return False
    return not (times.kind is SessionKind.BROWSER and now >= times.last_seen_at + idle)


def idle_ends_at(times: SessionTimes, *, idle: timedelta) -> datetime:
    """When a browser session ends if nothing more happens: idle, or too old, whichever first."""
    return min(times.last_seen_at + idle, times.expires_at)


def should_touch(times: SessionTimes, *, now: datetime) -> bool:
    """Whether this request should record that the session was used."""
    return now - times.last_seen_at >= TOUCH_INTERVAL


def lifetime(kind: SessionKind, stage: Stage, *, max_age: timedelta) -> timedelta:
    """How long a new session may last at most."""
    if stage is not Stage.SIGNED_IN:
        return min(PART_WAY_LIFETIME, max_age)
    if kind is SessionKind.API:
        return min(API_TOKEN_LIFETIME, max_age)
    return max_age


# The roles that see families' names, emails and children's dates of birth across the whole
# service, and so must use a second factor where the council requires one.
ROLES_NEEDING_SECOND_FACTOR = frozenset({StaffRole.QA.value, StaffRole.ADMIN.value})


def stage_after_password(*, role: str, has_second_factor: bool, mfa_required: bool) -> Stage:
    """Where a person goes once their password is right."""
    if has_second_factor:
        return Stage.SECOND_FACTOR
    if mfa_required and role in ROLES_NEEDING_SECOND_FACTOR:
        return Stage.SET_UP_SECOND_FACTOR
    return Stage.SIGNED_IN
