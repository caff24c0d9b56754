"""What QA records about a family member, checked and tidied before it is stored."""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import TypeVar, cast

from service.domain.communication import (
    checked_interpreter_language,
    parse_needs,
    stored_needs,
)
from service.domain.conferences import check_family_member
from service.domain.contact import (
    ContactChannel,
    channel_from_email_flag,
    check_contact_details,
    checked_address_lines,
    checked_postcode,
)
from service.domain.errors import InvalidInput
from service.domain.staff import normalise_email
from service.domain.times import london_day
from service.languages import Language, parse_language
from service.phone_numbers import uk_mobile_number
from service.store.tables import FamilyMember

T = TypeVar("T")


@dataclass(frozen=True)
class FamilyMemberDetails:
    """Everything QA records about a family member, as entered."""

    name: str
    relationship: str
    email: str | None
    is_child: bool
    date_of_birth: date | None
    has_parental_responsibility: bool
    sufficient_understanding: bool | None
    understanding_judged_by: str | None
    contact_by_email: bool
    # The language they want to use, when known.
    preferred_language: Language | None = None
    # Any of easy_read, large_print, interpreter, bsl, advocate, comma-separated; with an
    # interpreter, the language they speak.
    communication_needs: str = ""
    interpreter_language: str | None = None
    # How they are reached; when not given, `contact_by_email` says: email, or in person.
    contact_channel: ContactChannel | None = None
    mobile_number: str | None = None
    address_lines: str | None = None
    postcode: str | None = None


def checked_details(details: FamilyMemberDetails, *, now: datetime) -> FamilyMemberDetails:
    """The column values for these details, tidied, or InvalidInput naming the first problem."""
    if not details.name.strip():
        raise InvalidInput("Enter the person's name.", field="name")
    if not details.relationship.strip():
        raise InvalidInput("Enter the person's relationship to the child.", field="relationship")
    email = details.email
    address = normalise_email(email) if email and email.strip() else None
    check_family_member(
        is_child=details.is_child,
        date_of_birth=details.date_of_birth,
        today=london_day(now),
        sufficient_understanding=details.sufficient_understanding,
        understanding_judged_by=details.understanding_judged_by,
    )
    channel = (
        ContactChannel(details.contact_channel)
        if details.contact_channel
        else channel_from_email_flag(details.contact_by_email)
    )
    mobile = uk_mobile_number(details.mobile_number)
    lines = checked_address_lines(details.address_lines)
    postcode = checked_postcode(details.postcode)
    check_contact_details(
        channel, email=address, mobile_number=mobile, address_lines=lines, postcode=postcode
    )
    needs = parse_needs(part for part in details.communication_needs.split(",") if part.strip())
    return FamilyMemberDetails(
        name=details.name.strip(),
        relationship=details.relationship.strip(),
        email=address,
        is_child=details.is_child,
        date_of_birth=details.date_of_birth,
        has_parental_responsibility=details.has_parental_responsibility,
        sufficient_understanding=details.sufficient_understanding if details.is_child else None,
        understanding_judged_by=(details.understanding_judged_by or "").strip() or None,
        contact_by_email=channel is ContactChannel.EMAIL,
        preferred_language=_language(details.preferred_language),
        communication_needs=stored_needs(needs),
        interpreter_language=checked_interpreter_language(needs, details.interpreter_language),
        contact_channel=channel,
        mobile_number=mobile,
        address_lines=lines,
        postcode=postcode,
    )


def _given(changes: Mapping[str, object], name: str, current: T, kinds: tuple[type, ...]) -> T:
    """The new value of one field when it is given and of the right type, else the current one."""
    if name not in changes:
        return current
    value = changes[name]
    if not isinstance(value, kinds):
        raise InvalidInput(f"The field '{name}' has a value of the wrong kind.", field=name)
    return cast(T, value)


def merged_details(
    details: FamilyMemberDetails, changes: Mapping[str, object]
) -> FamilyMemberDetails:
    """The details with the changes given applied, each checked to be of its field's type."""
    optional_text, optional_flag = (str, type(None)), (bool, type(None))
    return FamilyMemberDetails(
        name=_given(changes, "name", details.name, (str,)),
        relationship=_given(changes, "relationship", details.relationship, (str,)),
        email=_given(changes, "email", details.email, optional_text),
        is_child=_given(changes, "is_child", details.is_child, (bool,)),
        date_of_birth=_given(changes, "date_of_birth", details.date_of_birth, (date, type(None))),
        has_parental_responsibility=_given(
            changes, "has_parental_responsibility", details.has_parental_responsibility, (bool,)
        ),
        sufficient_understanding=_given(
            changes, "sufficient_understanding", details.sufficient_understanding, optional_flag
        ),
        understanding_judged_by=_given(
            changes, "understanding_judged_by", details.understanding_judged_by, optional_text
        ),
        contact_by_email=_given(changes, "contact_by_email", details.contact_by_email, (bool,)),
        preferred_language=_language(
            _given(changes, "preferred_language", details.preferred_language, optional_text)
        ),
        communication_needs=_given(
            changes, "communication_needs", details.communication_needs, (str,)
        ),
        interpreter_language=_given(
            changes, "interpreter_language", details.interpreter_language, optional_text
        ),
        contact_channel=_channel(changes, details.contact_channel),
        mobile_number=_given(changes, "mobile_number", details.mobile_number, optional_text),
        address_lines=_given(changes, "address_lines", details.address_lines, optional_text),
        postcode=_given(changes, "postcode", details.postcode, optional_text),
    )


def _channel(changes: Mapping[str, object], current: ContactChannel | None) -> ContactChannel:
    """The channel after a correction: as given; else as the older `contact_by_email` flag
    says when only that is given; else unchanged."""
    given = changes.get("contact_channel")
    if given is not None:
        try:
            return ContactChannel(str(given))
        except ValueError:
            raise InvalidInput(
                "Choose email, text message, letter or in person.", field="contact_channel"
            ) from None
    flag = changes.get("contact_by_email")
    if isinstance(flag, bool):
        return channel_from_email_flag(flag)
    return current or ContactChannel.IN_PERSON


def _language(value: str | None) -> Language | None:
    if value is None:
        return None
    language = parse_language(value)
    if language is None:
        raise InvalidInput(
            "Choose English or Welsh, or leave the language unknown.", field="preferred_language"
        )
    return language


_NEVER_EMPTY = frozenset(
    {"name", "relationship", "is_child", "has_parental_responsibility", "contact_by_email"}
)


def known_changes(changes: Mapping[str, object]) -> Mapping[str, object]:
    """The changes, or InvalidInput for a field that does not exist or cannot be emptied."""
    for name, value in changes.items():
        if name not in FamilyMemberDetails.__dataclass_fields__:
            raise InvalidInput(f"The field '{name}' is not one a family member has.", field=name)
        if value is None and name in _NEVER_EMPTY:
            raise InvalidInput(f"The field '{name}' cannot be empty.", field=name)
    return changes


def details_of(member: FamilyMember) -> FamilyMemberDetails:
    """What QA recorded about a person, as the details a correction starts from."""
    return FamilyMemberDetails(
        name=member.name,
        relationship=member.relationship,
        email=member.email,
        is_child=member.is_child,
        date_of_birth=member.date_of_birth,
        has_parental_responsibility=member.has_parental_responsibility,
        sufficient_understanding=member.sufficient_understanding,
        understanding_judged_by=member.understanding_judged_by,
        contact_by_email=member.contact_by_email,
        preferred_language=parse_language(member.preferred_language),
        communication_needs=member.communication_needs,
        interpreter_language=member.interpreter_language,
        contact_channel=ContactChannel(member.contact_channel),
        mobile_number=member.mobile_number,
        address_lines=member.address_lines,
        postcode=member.postcode,
    )
