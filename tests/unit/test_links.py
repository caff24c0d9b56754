"""Consent link tokens: signed per purpose, rotatable, refused when altered or foreign."""

import pytest

from service.links import BadLink, LinkProblem, make_consent_token, read_consent_token
from service.settings import Settings
from service.signing import serializer_for

SETTINGS = Settings(secret_key="k" * 40)


def test_a_token_carries_the_invitation_and_nonce() -> None:
    token = make_consent_token(SETTINGS, invitation_id=7, nonce="abc")
    link = read_consent_token(SETTINGS, token)
    assert (link.invitation_id, link.nonce) == (7, "abc")


@pytest.mark.parametrize(
    "token",
    [
        "",
        "nonsense",
        serializer_for(SETTINGS, salt="cpc-observers/api-token").dumps([7, "abc"]),
        serializer_for(SETTINGS, salt="cpc-observers/family-consent-link").dumps({"id": 7}),
        serializer_for(SETTINGS, salt="cpc-observers/family-consent-link").dumps(["7", 1]),
    ],
)
def test_altered_foreign_and_malformed_tokens_are_not_valid(token: str) -> None:
    with pytest.raises(BadLink) as raised:
        read_consent_token(SETTINGS, token)
    assert raised.value.problem is LinkProblem.NOT_VALID


def test_a_tampered_signature_is_not_valid() -> None:
    token = make_consent_token(SETTINGS, invitation_id=7, nonce="abc")
    tampered = token[:-2] + ("AA" if token[-2:] != "AA" else "BB")
    with pytest.raises(BadLink):
        read_consent_token(SETTINGS, tampered)


def test_previous_keys_are_accepted_only_while_listed() -> None:
    old = Settings(secret_key="o" * 40)
    token = make_consent_token(old, invitation_id=7, nonce="abc")
    rotated = Settings(secret_key="n" * 40, previous_secret_keys=["o" * 40])
    assert read_consent_token(rotated, token).invitation_id == 7
    with pytest.raises(BadLink):
        read_consent_token(Settings(secret_key="n" * 40), token)
