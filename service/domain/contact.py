"""How a family member is reached: by email, by text message, by letter, or in person.

Whatever the channel, the person gets their own link (a text message or a letter carries the
short one) unless they are asked in person. Each channel needs its own details; the rule for
which, and for a UK postal address, lives here.
"""

import re
from enum import StrEnum

from service.domain.errors import InvalidInput

MAX_ADDRESS_LINES = 5
# A window envelope shows about 40 characters a line at the size a letter is printed.
MAX_ADDRESS_LINE_LENGTH = 45
# The Royal Mail's shapes: A9 9AA, A99 9AA, A9A 9AA, AA9 9AA, AA99 9AA, AA9A 9AA (and GIR 0AA).
_POSTCODE = re.compile(r"^(GIR ?0AA|[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2})$")


class ContactChannel(StrEnum):
    """How a family member is sent their link, or that they are asked in person."""

    EMAIL = "email"
    SMS = "sms"
    LETTER = "letter"
    IN_PERSON = "in_person"


def channel_from_email_flag(contact_by_email: bool) -> ContactChannel:
    """The channel the older `contact_by_email` flag means: email, or in person."""
    return ContactChannel.EMAIL if contact_by_email else ContactChannel.IN_PERSON


def checked_postcode(value: str | None) -> str | None:
    """A UK postcode written the Royal Mail's way ("SW1A 1AA"), None for none, or
    InvalidInput."""
    squashed = re.sub(r"\s+", "", (value or "").upper())
    if not squashed:
        return None
    if not _POSTCODE.match(squashed):
        raise InvalidInput("Enter a real UK postcode, like SW1A 1AA.", field="postcode")
    return f"{squashed[:-3]} {squashed[-3:]}"


def checked_address_lines(value: str | None) -> str | None:
    """The address lines above the postcode, one a line, tidied; None for none, or
    InvalidInput when they would not fit a window envelope."""
    lines = [" ".join(line.split()) for line in (value or "").splitlines()]
    lines = [line for line in lines if line]
    if not lines:
        return None
    if len(lines) > MAX_ADDRESS_LINES:
        raise InvalidInput(
            f"Enter the address in {MAX_ADDRESS_LINES} lines or fewer, above the postcode.",
            field="address_lines",
        )
    if any(len(line) > MAX_ADDRESS_LINE_LENGTH for line in lines):
        raise InvalidInput(
            f"Keep each line of the address to {MAX_ADDRESS_LINE_LENGTH} characters or fewer.",
            field="address_lines",
        )
    return "\n".join(lines)


def check_contact_details(
    channel: ContactChannel,
    *,
    email: str | None,
    mobile_number: str | None,
    address_lines: str | None,
    postcode: str | None,
) -> None:
    """Refuse a channel without the details it needs to reach the person."""
    if channel is ContactChannel.EMAIL and not email:
        raise InvalidInput(
            "Enter an email address, or choose another way to reach this person.", field="email"
        )
    if channel is ContactChannel.SMS and not mobile_number:
        raise InvalidInput(
            "Enter a UK mobile number, or choose another way to reach this person.",
            field="mobile_number",
        )
    if channel is ContactChannel.LETTER and not (address_lines and postcode):
        field = "address_lines" if not address_lines else "postcode"
        raise InvalidInput(
            "Enter the postal address and postcode, or choose another way to reach this person.",
            field=field,
        )
