"""Contact details for the ways a family member is reached: UK mobiles written one way, UK
postcodes the Royal Mail's way, and addresses that fit a window envelope."""

import pytest

from service.domain.contact import checked_address_lines, checked_postcode
from service.domain.errors import InvalidInput
from service.phone_numbers import shown_mobile_number, uk_mobile_number


@pytest.mark.parametrize(
    "typed", ["07900 900123", "+44 7900 900123", "0044 7900 900123", "(07900) 900-123"]
)
def test_a_uk_mobile_is_kept_in_one_form(typed: str) -> None:
    assert uk_mobile_number(typed) == "+447900900123"
    assert shown_mobile_number("+447900900123") == "07900 900123"


@pytest.mark.parametrize(
    "typed", ["020 7946 0000", "0800 123 4567", "+33 6 12 34 56 78", "07700", "phone me", "7" * 30]
)
def test_anything_but_a_uk_mobile_is_refused_plainly(typed: str) -> None:
    with pytest.raises(InvalidInput, match="UK mobile number") as refused:
        uk_mobile_number(typed)
    assert refused.value.field == "mobile_number"


def test_no_number_is_none() -> None:
    assert uk_mobile_number("  ") is None and uk_mobile_number(None) is None


@pytest.mark.parametrize(
    ("typed", "kept"),
    [("sw1a1aa", "SW1A 1AA"), (" M1 1AE ", "M1 1AE"), ("cf10 3nq", "CF10 3NQ"), ("", None)],
)
def test_postcodes_are_written_the_royal_mails_way(typed: str, kept: str | None) -> None:
    assert checked_postcode(typed) == kept


@pytest.mark.parametrize("typed", ["12345", "SW1A", "ABC 123", "SW1A 1AAA"])
def test_a_postcode_that_cannot_be_real_is_refused(typed: str) -> None:
    with pytest.raises(InvalidInput, match="real UK postcode"):
        checked_postcode(typed)


def test_an_address_is_tidied_and_must_fit_a_window_envelope() -> None:
    assert checked_address_lines("  Flat 2 \n\n 10   High Street\nCardiff  ") == (
        "Flat 2\n10 High Street\nCardiff"
    )
    assert checked_address_lines(" \n ") is None
    with pytest.raises(InvalidInput, match="5 lines or fewer"):
        checked_address_lines("\n".join(["a"] * 6))
    with pytest.raises(InvalidInput, match="45 characters or fewer"):
        checked_address_lines("x" * 46)
