"""One cell of a conferences CSV file: its value, or a plain sentence saying what is wrong."""

import re
import unicodedata
from collections.abc import Callable
from datetime import datetime

from service.domain.conference_exchange import check_external_id
from service.domain.conferences import MAX_DURATION_MINUTES, MIN_DURATION_MINUTES
from service.domain.errors import InvalidInput
from service.domain.times import LONDON, ClockChange, clock_change_at

VENUE_MAX_LENGTH = 300
_LOCAL_TIME = re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}")
# A cell starting with one of these is run as a formula by a spreadsheet that opens the file.
_FORMULA_STARTS = ("=", "+", "-", "@")
_YES_NO = {"yes": True, "true": True, "no": False, "false": False}
_FORMATS = "Write it as 2027-02-28 10:00 (London time) or 2027-02-28T10:00+00:00."


def shown(value: str, limit: int = 40) -> str:
    """A value quoted back to the person: shortened, with invisible characters made visible."""
    visible = "".join("?" if unicodedata.category(c).startswith("C") else c for c in value)
    return visible if len(visible) <= limit else visible[:limit] + "…"


def _read_kind(value: str) -> str:
    if value.lower() in ("initial", "review"):
        return value.lower()
    if not value:
        raise InvalidInput("Write initial or review.")
    raise InvalidInput(f"{shown(value)} is not a kind of conference. Write initial or review.")


def _read_start(value: str) -> datetime:
    if not value:
        raise InvalidInput(f"Give the date and time the conference starts. {_FORMATS}")
    if _LOCAL_TIME.fullmatch(value):
        try:
            wall_clock = datetime.strptime(value, "%Y-%m-%d %H:%M")
        except ValueError:
            raise InvalidInput(f"{shown(value)} is not a real date and time. {_FORMATS}") from None
        change = clock_change_at(wall_clock)
        if change is ClockChange.FORWARD:
            raise InvalidInput(
                f"There is no {value} in London: the clocks go forward an hour that night. "
                "Check the time."
            )
        if change is ClockChange.BACK:
            written = wall_clock.strftime("%Y-%m-%dT%H:%M")
            raise InvalidInput(
                f"{value} happens twice in London: the clocks go back an hour that night. "
                f"Write it with its offset: {written}+01:00 for the first, {written}+00:00 "
                "for the second."
            )
        return wall_clock.replace(tzinfo=LONDON)
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise InvalidInput(f"{shown(value)} is not a date and time. {_FORMATS}") from None
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise InvalidInput(
            f"{shown(value)} has no offset from UTC. Write it as 2027-02-28T10:00+00:00, or as "
            "London time with a space and no T: 2027-02-28 10:00."
        )
    if not 1900 <= moment.year <= 9000:
        raise InvalidInput(f"{shown(value)} is not a date the service can use.")
    return moment


def _read_duration(value: str) -> int:
    if not (value.isascii() and value.isdigit() and len(value) <= 6):
        raise InvalidInput(
            f"{shown(value) or 'An empty value'} is not a whole number of minutes. "
            "Write the length in minutes, for example 90."
        )
    minutes = int(value)
    if not MIN_DURATION_MINUTES <= minutes <= MAX_DURATION_MINUTES:
        raise InvalidInput(
            f"{minutes} minutes is not between {MIN_DURATION_MINUTES} and "
            f"{MAX_DURATION_MINUTES} minutes."
        )
    return minutes


def _read_venue(value: str) -> str:
    if not value:
        raise InvalidInput("Write where the conference will be held.")
    if len(value) > VENUE_MAX_LENGTH:
        raise InvalidInput(
            f"The venue is {len(value)} characters long; it can have at most {VENUE_MAX_LENGTH}."
        )
    if value.startswith(_FORMULA_STARTS):
        raise InvalidInput(
            f"The venue starts with {value[0]}, which a spreadsheet would run as a formula. "
            "Write the venue without it."
        )
    if any(unicodedata.category(c) in ("Cc", "Cf", "Co", "Cs") for c in value):
        raise InvalidInput(
            "The venue holds a line break or a character that cannot be seen. "
            "Write it on one line, in plain text."
        )
    return value


def _read_yes_no(value: str) -> bool:
    answer = _YES_NO.get(value.lower())
    if answer is None:
        raise InvalidInput(f"{shown(value) or 'An empty value'} is not yes or no. Write yes or no.")
    return answer


READERS: dict[str, Callable[[str], object]] = {
    "external_id": check_external_id,
    "kind": _read_kind,
    "starts_at": _read_start,
    "duration_minutes": _read_duration,
    "venue": _read_venue,
    "open_to_observers": _read_yes_no,
}
