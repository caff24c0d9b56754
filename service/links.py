"""Signed consent links: one per person per request, void once replaced or the conference starts."""

import secrets
from dataclasses import dataclass
from enum import StrEnum

from itsdangerous import BadData, SignatureExpired

from service.settings import Settings
from service.signing import serializer_for

_CONSENT_SALT = "cpc-observers/family-consent-link"
# A safety net only: the link really stops when the conference starts, checked against the
# conference's current time, because a conference can move after its links were sent.
CONSENT_LINK_MAX_AGE_SECONDS = 180 * 24 * 3600


class LinkProblem(StrEnum):
    """Why a link cannot be used, in the two kinds a person can tell apart."""

    NOT_VALID = "not_valid"  # altered, from another purpose, unknown, or replaced by a newer link
    EXPIRED = "expired"


class BadLink(Exception):
    """A consent link that cannot be used."""

    def __init__(self, problem: LinkProblem) -> None:
        super().__init__(problem.value)
        self.problem = problem


@dataclass(frozen=True)
class ConsentLink:
    """What a valid signature carries; the nonce must still match the invitation's."""

    invitation_id: int
    nonce: str


def new_nonce() -> str:
    """A fresh random nonce; giving an invitation a new one voids every older link."""
    return secrets.token_urlsafe(16)


def make_consent_token(settings: Settings, *, invitation_id: int, nonce: str) -> str:
    """The token for one person's consent link."""
    return str(serializer_for(settings, salt=_CONSENT_SALT).dumps([invitation_id, nonce]))


def consent_url(settings: Settings, *, invitation_id: int, nonce: str) -> str:
    """The full address a family member opens."""
    token = make_consent_token(settings, invitation_id=invitation_id, nonce=nonce)
    return f"{settings.base_url.rstrip('/')}/consent/{token}"


def read_consent_token(settings: Settings, token: str) -> ConsentLink:
    """The invitation a token names, or BadLink when it is altered, foreign or too old."""
    try:
        invitation_id, nonce = serializer_for(settings, salt=_CONSENT_SALT).loads(
            token, max_age=CONSENT_LINK_MAX_AGE_SECONDS
        )
    except SignatureExpired:
        raise BadLink(LinkProblem.EXPIRED) from None
    except (BadData, TypeError, ValueError):
        raise BadLink(LinkProblem.NOT_VALID) from None
    if not isinstance(invitation_id, int) or not isinstance(nonce, str):
        raise BadLink(LinkProblem.NOT_VALID)
    return ConsentLink(invitation_id=invitation_id, nonce=nonce)
