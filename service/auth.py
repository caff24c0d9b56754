"""Staff sessions and tokens: signed session cookies with a CSRF value, and API tokens."""

import secrets
from dataclasses import dataclass

from itsdangerous import BadData

from service.settings import Settings
from service.signing import serializer_for

SESSION_COOKIE = "cpc_session"
_SESSION_SALT = "cpc-observers/staff-session"
_API_TOKEN_SALT = "cpc-observers/api-token"  # noqa: S105 - a salt, not a secret
_CONFIRM_EMAIL_SALT = "cpc-observers/confirm-trainee-email"
API_TOKEN_MAX_AGE_SECONDS = 12 * 3600
CONFIRM_EMAIL_MAX_AGE_SECONDS = 3 * 24 * 3600


@dataclass(frozen=True)
class StaffSession:
    """Who is signed in, and the CSRF value their forms must carry."""

    user_id: int
    csrf_token: str


def issue_session_cookie(settings: Settings, *, user_id: int) -> str:
    """A signed cookie value for a staff member who has just signed in."""
    payload = {"uid": user_id, "csrf": secrets.token_urlsafe(24)}
    return str(serializer_for(settings, salt=_SESSION_SALT).dumps(payload))


def read_session_cookie(settings: Settings, value: str | None) -> StaffSession | None:
    """The session in a cookie, or None when it is missing, altered or expired."""
    if not value:
        return None
    try:
        payload = serializer_for(settings, salt=_SESSION_SALT).loads(
            value, max_age=settings.session_max_age_seconds
        )
        return StaffSession(user_id=int(payload["uid"]), csrf_token=str(payload["csrf"]))
    except (BadData, KeyError, TypeError, ValueError):
        return None


def issue_api_token(settings: Settings, *, user_id: int) -> str:
    """A bearer token for the JSON API."""
    return str(serializer_for(settings, salt=_API_TOKEN_SALT).dumps({"uid": user_id}))


def read_api_token(settings: Settings, token: str) -> int | None:
    """The staff id in a bearer token, or None when it is not valid."""
    try:
        payload = serializer_for(settings, salt=_API_TOKEN_SALT).loads(
            token, max_age=API_TOKEN_MAX_AGE_SECONDS
        )
        return int(payload["uid"])
    except (BadData, KeyError, TypeError, ValueError):
        return None


def issue_email_confirmation(settings: Settings, *, user_id: int) -> str:
    """The token in the link a new trainee follows to confirm their email address."""
    return str(serializer_for(settings, salt=_CONFIRM_EMAIL_SALT).dumps({"uid": user_id}))


def read_email_confirmation(settings: Settings, token: str) -> int | None:
    """The staff id a confirmation link is for, or None when it is not valid."""
    try:
        payload = serializer_for(settings, salt=_CONFIRM_EMAIL_SALT).loads(
            token, max_age=CONFIRM_EMAIL_MAX_AGE_SECONDS
        )
        return int(payload["uid"])
    except (BadData, KeyError, TypeError, ValueError):
        return None
