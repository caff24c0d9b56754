"""Staff tokens: random session and API tokens stored only as hashes, and email confirmations."""

import hashlib
import secrets

from itsdangerous import BadData

from service.settings import Settings
from service.signing import serializer_for

SESSION_COOKIE = "cpc_session"
_CONFIRM_EMAIL_SALT = "cpc-observers/confirm-trainee-email"
CONFIRM_EMAIL_MAX_AGE_SECONDS = 3 * 24 * 3600
# Bearer tokens carry a recognisable prefix, so a token pasted somewhere it should not be
# can be found by secret scanners.
API_TOKEN_PREFIX = "cpc_"  # noqa: S105 - a prefix, not a secret


def new_session_token() -> str:
    """A fresh random value for a sign-in cookie: 256 bits, nothing inside it to read."""
    return secrets.token_urlsafe(32)


def new_api_token() -> str:
    """A fresh random bearer token."""
    return API_TOKEN_PREFIX + secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    """What the database keeps of a token: its SHA-256, which cannot be used to sign in.

    A plain hash is enough: the token is 256 random bits, so there is nothing to guess.
    """
    return hashlib.sha256(token.encode()).hexdigest()


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
