"""Short codes: long enough to guess in no lifetime, in characters nobody misreads."""

import math

from service.links import (
    SHORT_CODE_ALPHABET,
    SHORT_CODE_LENGTH,
    grouped_short_code,
    short_code,
    short_code_matches,
    typed_short_code,
)
from service.settings import Settings

SETTINGS = Settings(secret_key="a-test-secret-key-of-enough-length-to-use")


def test_codes_carry_at_least_fifty_bits_without_look_alikes() -> None:
    assert SHORT_CODE_LENGTH * math.log2(len(SHORT_CODE_ALPHABET)) >= 50
    assert not set("01OIL") & set(SHORT_CODE_ALPHABET)
    assert len(set(SHORT_CODE_ALPHABET)) == len(SHORT_CODE_ALPHABET)


def test_a_code_belongs_to_its_nonce_and_the_service_key() -> None:
    code = short_code(SETTINGS, "nonce-one")
    assert len(code) == SHORT_CODE_LENGTH and set(code) <= set(SHORT_CODE_ALPHABET)
    assert code == short_code(SETTINGS, "nonce-one")
    assert code != short_code(SETTINGS, "nonce-two")
    other_key = Settings(secret_key="another-secret-key-of-enough-length-to-use")
    assert code != short_code(other_key, "nonce-one")
    assert short_code_matches(SETTINGS, code=code, nonce="nonce-one")
    assert not short_code_matches(SETTINGS, code=code, nonce="nonce-two")


def test_a_code_is_read_as_people_type_it() -> None:
    code = short_code(SETTINGS, "nonce-one")
    assert typed_short_code(f" {grouped_short_code(code).lower()} ") == code
    assert typed_short_code(code[:-1]) is None
    assert typed_short_code(code[:-1] + "0") is None
    assert grouped_short_code("ABCDEFGHJKMN") == "ABCD-EFGH-JKMN"
