"""Signed consent links: one per person per request, void once replaced or the conference starts."""

import hashlib
import hmac
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


# Short answer links, for a text message or to type from a letter: `/a/<code>`. The code is a
# keyed hash of the invitation's nonce, so it is tied to that invitation and ends with its nonce
# (a reissue, a correction); the database keeps only its SHA-256, to find the invitation by.
# Twelve characters from an alphabet without look-alikes (no 0/O, 1/I/L) carry 60 bits.
SHORT_CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
SHORT_CODE_LENGTH = 12
_SHORT_SALT = b"cpc-observers/short-answer-link"


def short_code(settings: Settings, nonce: str) -> str:
    """The short code for the invitation holding `nonce`."""
    digest = hmac.new(
        settings.secret_key.encode("utf-8"), _SHORT_SALT + nonce.encode("utf-8"), hashlib.sha256
    ).digest()
    number = int.from_bytes(digest, "big")
    base = len(SHORT_CODE_ALPHABET)
    characters = []
    for _ in range(SHORT_CODE_LENGTH):
        number, index = divmod(number, base)
        characters.append(SHORT_CODE_ALPHABET[index])
    return "".join(characters)


def short_code_sha256(code: str) -> str:
    """What the database keeps of a short code."""
    return hashlib.sha256(code.encode("ascii")).hexdigest()


def typed_short_code(value: str) -> str | None:
    """A code as typed from a letter (any case, spaces or dashes), or None if it cannot be one."""
    code = "".join(value.split()).replace("-", "").upper()
    if len(code) != SHORT_CODE_LENGTH or any(c not in SHORT_CODE_ALPHABET for c in code):
        return None
    return code


def short_code_matches(settings: Settings, *, code: str, nonce: str) -> bool:
    """Whether `code` is the one for this nonce, compared in constant time."""
    return hmac.compare_digest(short_code(settings, nonce), code)


def grouped_short_code(code: str) -> str:
    """The code as a letter prints it, easier to copy: "ABCD-EFGH-JKMN"."""
    return "-".join(code[index : index + 4] for index in range(0, len(code), 4))


def short_answer_url(settings: Settings, nonce: str) -> str:
    """The short address a text message or a letter carries."""
    return f"{settings.base_url.rstrip('/')}/a/{short_code(settings, nonce)}"
