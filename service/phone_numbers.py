"""UK mobile numbers, checked and written one way (E.164, "+447900900123") with phonenumbers."""

import phonenumbers
from phonenumbers import NumberParseException, PhoneNumberType

from service.domain.errors import InvalidInput

# The United Kingdom and the Crown Dependencies share +44 mobile numbers.
_UK_REGIONS = frozenset({"GB", "GG", "JE", "IM"})
_MOBILE_TYPES = frozenset({PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE_OR_MOBILE})


def uk_mobile_number(value: str | None) -> str | None:
    """The number as +44..., None for none, or InvalidInput when it is not a UK mobile."""
    text = (value or "").strip()
    if not text:
        return None
    try:
        number = phonenumbers.parse(text, "GB")
    except NumberParseException:
        number = None
    if (
        number is None
        or not phonenumbers.is_valid_number(number)
        or phonenumbers.region_code_for_number(number) not in _UK_REGIONS
        or phonenumbers.number_type(number) not in _MOBILE_TYPES
    ):
        raise InvalidInput("Enter a UK mobile number, like 07900 900123.", field="mobile_number")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def shown_mobile_number(value: str) -> str:
    """A stored number as people write it ("07900 900123")."""
    return phonenumbers.format_number(
        phonenumbers.parse(value, "GB"), phonenumbers.PhoneNumberFormat.NATIONAL
    )
