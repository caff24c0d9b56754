"""CSRF protection for every form: the session's value for staff, a double-submit cookie else."""

import base64
import binascii
import hmac
import secrets

from fastapi import HTTPException, Request, Response

CSRF_COOKIE = "cpc_csrf"
CSRF_FIELD = "csrf_token"


def csrf_value_for(request: Request) -> str:
    """The value this visitor's forms must carry, creating one for a visitor without a session."""
    staff_session = getattr(request.state, "staff_session", None)
    if staff_session is not None:
        return str(staff_session.csrf_token)
    existing = request.cookies.get(CSRF_COOKIE)
    if existing and 20 <= len(existing) <= 100:
        return existing
    value: str | None = getattr(request.state, "new_csrf_cookie", None)
    if value is None:
        value = secrets.token_urlsafe(24)
        request.state.new_csrf_cookie = value
    return value


def set_csrf_cookie_if_new(request: Request, response: Response, *, secure: bool) -> None:
    """Send the visitor's new double-submit cookie with the page that first needed it."""
    value = getattr(request.state, "new_csrf_cookie", None)
    if value:
        response.set_cookie(
            CSRF_COOKIE, value, httponly=True, samesite="lax", secure=secure, path="/"
        )


def masked(value: str) -> str:
    """The value under a fresh random pad, so each page carries different bytes for it.

    Pages are compressed, and a secret that is the same in every response could be guessed from
    the compressed sizes of pages that also echo an attacker's text (BREACH). The form sends the
    pad and the padded value back together, and `require_csrf` takes the pad off.
    """
    secret = value.encode()
    pad = secrets.token_bytes(len(secret))
    padded = bytes(a ^ b for a, b in zip(pad, secret, strict=True))
    return base64.urlsafe_b64encode(pad + padded).decode().rstrip("=")


def _unmasked(submitted: str) -> str:
    try:
        both = base64.urlsafe_b64decode(submitted + "=" * (-len(submitted) % 4))
    except (binascii.Error, ValueError):
        return ""
    half = len(both) // 2
    if len(both) % 2 or not half:
        return ""
    secret = bytes(a ^ b for a, b in zip(both[:half], both[half:], strict=True))
    return secret.decode("utf-8", errors="replace")


def require_csrf(request: Request, submitted: object) -> None:
    """Refuse a form post whose CSRF value is missing or not this visitor's (403)."""
    staff_session = getattr(request.state, "staff_session", None)
    expected = staff_session.csrf_token if staff_session else request.cookies.get(CSRF_COOKIE)
    if (
        not isinstance(submitted, str)
        or not expected
        or not (
            hmac.compare_digest(_unmasked(submitted).encode(), expected.encode())
            # The bare value too, as forms served before masking sent it.
            or hmac.compare_digest(submitted.encode(), expected.encode())
        )
    ):
        raise HTTPException(
            status_code=403,
            detail=(
                "This form has expired or was not sent from this service. "
                "Go back, reload the page and try again."
            ),
        )
