"""One-time codes and recovery codes."""

from datetime import UTC, datetime, timedelta

import pyotp

from service.one_time_codes import (
    matching_step,
    new_recovery_codes,
    new_secret,
    normalised_recovery_code,
    open_secret,
    seal_secret,
)
from service.settings import Settings

NOW = datetime(2026, 10, 25, 1, 30, tzinfo=UTC)  # the night the clocks go back


def test_a_code_is_good_for_its_step_and_the_one_before_only() -> None:
    secret = new_secret()
    totp = pyotp.TOTP(secret)
    step = totp.timecode(NOW)
    assert matching_step(secret, totp.at(NOW), now=NOW) == step
    assert matching_step(secret, totp.at(NOW - timedelta(seconds=30)), now=NOW) == step - 1
    assert matching_step(secret, totp.at(NOW + timedelta(seconds=30)), now=NOW) is None
    assert matching_step(secret, totp.at(NOW - timedelta(seconds=90)), now=NOW) is None
    assert matching_step(secret, " ".join(totp.at(NOW)), now=NOW) == step  # spaces allowed
    for typed in ("", "12345", "1234567", "abcdef", "１２３４５６"):
        assert matching_step(secret, typed, now=NOW) is None


def test_the_secret_is_sealed_and_opens_with_an_earlier_key_after_rotation() -> None:
    old_key, new_key = "k" * 20 + "old-key-material", "n" * 20 + "new-key-material"
    secret = new_secret()
    sealed = seal_secret(Settings(secret_key=old_key), secret)
    assert secret not in sealed
    rotated = Settings(secret_key=new_key, previous_secret_keys=[old_key])
    assert open_secret(rotated, sealed) == secret
    assert open_secret(Settings(secret_key=new_key), sealed) is None
    assert open_secret(rotated, "not base64 at all!") is None


def test_recovery_codes_are_distinct_and_typed_loosely() -> None:
    codes = new_recovery_codes()
    assert len(set(codes)) == 10
    assert all(len(code) == 11 and code[5] == "-" for code in codes)
    assert not set("".join(codes)) & set("01ILO")
    code = codes[0]
    assert normalised_recovery_code(code) == code.replace("-", "")
    assert normalised_recovery_code(code.lower().replace("-", " ")) == code.replace("-", "")
    for not_one in ("", "123456", code + "A", code.replace(code[0], "0"), "ÀBCDE-FGHJK"):
        assert normalised_recovery_code(not_one) is None
