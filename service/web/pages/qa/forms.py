"""The QA forms: their fields, their messages, and dates and times typed in UK local time."""

from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Annotated, Literal

from pydantic import BaseModel, Field
from starlette.datastructures import FormData

from service.domain.conferences import MAX_DURATION_MINUTES, MIN_DURATION_MINUTES
from service.domain.times import LONDON, ClockChange, clock_change_at
from service.web.http.fields import EmailText, LongText, RecordId, Reference, ShortText, Venue
from service.web.http.forms import FieldError

YesNo = Literal["yes", "no"]


@dataclass
class Parsed:
    """A date, time or moment read from a form, or the errors that stopped it."""

    value: datetime | date | None = None
    errors: list[FieldError] = field(default_factory=list)


def _text(form: FormData, name: str) -> str:
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""


def _number(text: str, digits: int) -> int | None:
    return int(text) if text.isascii() and text.isdigit() and len(text) <= digits else None


def parse_date(form: FormData, prefix: str, *, what: str, required: bool = True) -> Parsed:
    """A day/month/year date input, with the GOV.UK messages for each way it can be wrong."""
    parts = {part: _text(form, f"{prefix}-{part}") for part in ("day", "month", "year")}
    field_for = {part: f"{prefix}_{part}" for part in parts}
    if not any(parts.values()):
        if not required:
            return Parsed()
        return Parsed(errors=[FieldError(field_for["day"], f"Enter {what}")])
    missing = [part for part, text in parts.items() if not text]
    if missing:
        message = f"{what.capitalize()} must include a {' and a '.join(missing)}"
        return Parsed(errors=[FieldError(field_for[missing[0]], message)])
    if len(parts["year"]) != 4:
        return Parsed(errors=[FieldError(field_for["year"], "Year must include 4 numbers")])
    day, month, year = (_number(parts[p], n) for p, n in (("day", 2), ("month", 2), ("year", 4)))
    try:
        if day is None or month is None or year is None:
            raise ValueError
        return Parsed(value=date(year, month, day))
    except ValueError:
        return Parsed(
            errors=[FieldError(field_for["day"], f"{what.capitalize()} must be a real date")]
        )


def parse_time(form: FormData, prefix: str) -> tuple[time | None, list[FieldError]]:
    """An hour and minute input on the 24-hour clock."""
    hour_text, minute_text = _text(form, f"{prefix}-hour"), _text(form, f"{prefix}-minute")
    if not hour_text and not minute_text:
        return None, [FieldError(f"{prefix}_hour", "Enter the time the conference starts")]
    if not hour_text:
        return None, [FieldError(f"{prefix}_hour", "The time must include an hour")]
    if not minute_text:
        return None, [FieldError(f"{prefix}_minute", "The time must include a minute")]
    hour, minute = _number(hour_text, 2), _number(minute_text, 2)
    if hour is None or minute is None or hour > 23 or minute > 59:
        message = "Enter a real time on the 24-hour clock, for example 14 and 30 for 2:30pm"
        wrong = "hour" if hour is None or hour > 23 else "minute"
        return None, [FieldError(f"{prefix}_{wrong}", message)]
    return time(hour, minute), []


def london_moment(day: date, clock: time) -> Parsed:
    """The instant a UK wall-clock time names, refusing times the clocks skip or repeat."""
    naive = datetime.combine(day, clock)
    change = clock_change_at(naive)
    if change is None:
        return Parsed(value=naive.replace(tzinfo=LONDON))
    shown = f"{clock.hour:02d}:{clock.minute:02d}"
    if change is ClockChange.BACK:
        message = (
            f"The clocks go back that night, so {shown} happens twice. "
            "Choose a time outside 01:00 to 02:00"
        )
    else:
        message = (
            f"The clocks go forward that night, so there is no {shown}. "
            "Choose a time outside 01:00 to 02:00"
        )
    return Parsed(errors=[FieldError("time_hour", message)])


def parse_start(form: FormData) -> Parsed:
    """The conference's start from its date and time inputs, as an aware datetime."""
    day = parse_date(form, "date", what="the date of the conference")
    clock, time_errors = parse_time(form, "time")
    errors = day.errors + time_errors
    if errors or not isinstance(day.value, date) or clock is None:
        return Parsed(errors=errors)
    return london_moment(day.value, clock)


class ConferenceForm(BaseModel):
    reference: Reference
    kind: Literal["initial", "review"]
    duration_minutes: int = Field(ge=MIN_DURATION_MINUTES, le=MAX_DURATION_MINUTES)
    venue: Venue
    open_to_observers: YesNo


CONFERENCE_MESSAGES = {
    "reference": "Enter the conference reference, up to 50 characters",
    "kind": "Choose whether this is an initial or a review conference",
    "duration_minutes": (
        "Enter the length in minutes, a whole number from "
        f"{MIN_DURATION_MINUTES} to {MAX_DURATION_MINUTES}"
    ),
    "venue": "Enter where the conference will be held, up to 300 characters",
    "open_to_observers": "Choose whether a trainee may ask to observe this conference",
}
CONFERENCE_FIELDS = [
    "reference",
    "kind",
    "date_day",
    "date_month",
    "date_year",
    "time_hour",
    "time_minute",
    "duration_minutes",
    "venue",
    "open_to_observers",
]
CONFERENCE_INPUTS = [
    "reference",
    "kind",
    "date-day",
    "date-month",
    "date-year",
    "time-hour",
    "time-minute",
    "duration_minutes",
    "venue",
    "open_to_observers",
]


class RescheduleForm(BaseModel):
    venue: Venue | None = None


RESCHEDULE_MESSAGES = {"venue": "Enter where the conference will be held, up to 300 characters"}
RESCHEDULE_INPUTS = ["date-day", "date-month", "date-year", "time-hour", "time-minute", "venue"]


class FamilyMemberForm(BaseModel):
    name: ShortText
    relationship: Annotated[ShortText, Field(max_length=100)]
    email: EmailText | None = None
    child_or_adult: Literal["child", "adult"]
    has_parental_responsibility: YesNo
    sufficient_understanding: Literal["yes", "no", "not_judged"] | None = None
    understanding_judged_by: ShortText | None = None
    do_not_email: Literal["yes"] | None = None
    preferred_language: Literal["en", "cy", "unknown"] | None = None
    communication_needs: Annotated[
        list[Literal["easy_read", "large_print", "interpreter", "bsl", "advocate"]],
        Field(max_length=5),
    ] = []
    interpreter_language: ShortText | None = None
    contact_channel: Literal["email", "sms", "letter", "in_person"] | None = None
    mobile_number: ShortText | None = None
    address_lines: Annotated[str, Field(max_length=300)] | None = None
    postcode: Annotated[str, Field(max_length=10)] | None = None


FAMILY_MESSAGES = {
    "name": "Enter the person's full name",
    "relationship": "Enter their relationship to the child, up to 100 characters",
    "email": "Enter an email address in the correct format, like name@example.com",
    "child_or_adult": "Choose whether this person is a child or an adult",
    "has_parental_responsibility": "Choose whether this person has parental responsibility",
    "sufficient_understanding": "Choose whether the child has sufficient understanding to decide",
    "understanding_judged_by": "Enter the name and role of who made this judgement",
    "do_not_email": "Tick the box only if this person must not be emailed",
    "preferred_language": "Choose English, Welsh, or not known",
    "communication_needs": "Choose from the support listed",
    "interpreter_language": "Enter the language the interpreter speaks, up to 200 characters",
    "contact_channel": "Choose how they should get their link",
    "mobile_number": "Enter a UK mobile number, like 07900 900123",
    "address_lines": "Enter the address in 300 characters or fewer",
    "postcode": "Enter a real UK postcode, like SW1A 1AA",
}
FAMILY_FIELDS = [
    "name",
    "relationship",
    "email",
    "child_or_adult",
    "date_of_birth_day",
    "date_of_birth_month",
    "date_of_birth_year",
    "has_parental_responsibility",
    "sufficient_understanding",
    "understanding_judged_by",
    "do_not_email",
    "preferred_language",
    "communication_needs",
    "interpreter_language",
    "contact_channel",
    "mobile_number",
    "address_lines",
    "postcode",
]
FAMILY_INPUTS = [
    "name",
    "relationship",
    "email",
    "child_or_adult",
    "date_of_birth-day",
    "date_of_birth-month",
    "date_of_birth-year",
    "has_parental_responsibility",
    "sufficient_understanding",
    "understanding_judged_by",
    "do_not_email",
    "preferred_language",
    "communication_needs",
    "interpreter_language",
    "contact_channel",
    "mobile_number",
    "address_lines",
    "postcode",
]


def understanding(form: FamilyMemberForm) -> bool | None:
    """The sufficient-understanding judgement for a child; None when not judged or an adult."""
    if form.child_or_adult != "child" or form.sufficient_understanding == "not_judged":
        return None
    return form.sufficient_understanding == "yes"


def missing_child_judgement(form: FamilyMemberForm) -> list[FieldError]:
    """A child's record needs an answer about understanding, even if it is 'not yet judged'."""
    if form.child_or_adult == "child" and form.sufficient_understanding is None:
        return [FieldError("sufficient_understanding", FAMILY_MESSAGES["sufficient_understanding"])]
    return []


class DeclineForm(BaseModel):
    reason: LongText


class AnswerForm(BaseModel):
    invitation_id: RecordId
    answer: YesNo
    channel: Literal["in_person", "phone"]
    comment: Annotated[LongText, Field(max_length=2000)] | None = None
    support_used: Annotated[
        list[Literal["interpreter", "bsl", "advocate"]], Field(max_length=3)
    ] = []


class ChairCheckForm(BaseModel):
    outcome: Literal["observed", "family_withdrew"]


ACTION_MESSAGES = {
    "reason": "Give a reason for declining, up to 4,000 characters. The trainee will see it",
    "invitation_id": "Choose the person whose answer you are recording",
    "answer": "Choose whether they said yes or no",
    "channel": "Choose whether they answered in person or by phone",
    "comment": "The comment must be 2,000 characters or fewer",
    "support_used": "Choose from the support listed",
    "outcome": "Choose what happened when the chair asked the family",
}
