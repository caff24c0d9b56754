"""Calendar invites (RFC 5545/5546): REQUEST books or moves an observation, CANCEL stops it."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, Timezone, TimezoneDaylight, TimezoneStandard, vCalAddress

LONDON = ZoneInfo("Europe/London")
PRODID = "-//cpc-observers//Observation invites//EN"


class CalendarMethod(StrEnum):
    """What an invite asks of the calendar: add or update the event, or take it away."""

    REQUEST = "REQUEST"
    CANCEL = "CANCEL"


@dataclass(frozen=True)
class CalendarInvite:
    """The iCalendar text of one invite, with the fields needed to send and check it."""

    method: str
    ics: str
    uid: str
    sequence: int


def _london_timezone() -> Timezone:
    # The UK rule as recurrence rules (last Sunday of March and of October), as calendar
    # clients write it themselves: short, and right for any year the rule holds.
    timezone = Timezone()
    timezone.add("tzid", "Europe/London")
    summer = TimezoneDaylight()
    summer.add("dtstart", datetime(1970, 3, 29, 1, 0))
    summer.add("rrule", {"freq": "yearly", "bymonth": 3, "byday": "-1su"})
    summer.add("tzoffsetfrom", datetime(2000, 1, 1, tzinfo=UTC).utcoffset())
    summer.add("tzoffsetto", LONDON.utcoffset(datetime(2000, 7, 1)))
    summer.add("tzname", "BST")
    winter = TimezoneStandard()
    winter.add("dtstart", datetime(1970, 10, 25, 2, 0))
    winter.add("rrule", {"freq": "yearly", "bymonth": 10, "byday": "-1su"})
    winter.add("tzoffsetfrom", LONDON.utcoffset(datetime(2000, 7, 1)))
    winter.add("tzoffsetto", datetime(2000, 1, 1, tzinfo=UTC).utcoffset())
    winter.add("tzname", "GMT")
    timezone.add_component(summer)
    timezone.add_component(winter)
    return timezone


def _address(email: str, name: str, **params: str) -> vCalAddress:
    address = vCalAddress(f"mailto:{email}")
    address.params["CN"] = name
    for key, value in params.items():
        address.params[key] = value
    return address


def build_invite(
    *,
    method: CalendarMethod,
    uid: str,
    sequence: int,
    starts_at: datetime,
    ends_at: datetime,
    summary: str,
    description: str,
    location: str,
    organizer_email: str,
    organizer_name: str,
    attendees: Sequence[tuple[str, str]],
    stamp: datetime,
) -> CalendarInvite:
    """Build a REQUEST or CANCEL for one event; the caller passes no family names."""
    if starts_at.tzinfo is None or ends_at.tzinfo is None or stamp.tzinfo is None:
        raise ValueError("Calendar times must carry a timezone.")
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", method)
    calendar.add_component(_london_timezone())
    event = Event()
    event.add("uid", uid)
    event.add("sequence", sequence)
    event.add("dtstamp", stamp.astimezone(UTC))
    # Local London time with its TZID, so a 10:00 conference shows at 10:00 whatever the season.
    event.add("dtstart", starts_at.astimezone(LONDON))
    event.add("dtend", ends_at.astimezone(LONDON))
    event.add("summary", summary)
    event.add("description", description)
    event.add("location", location)
    event.add("organizer", _address(organizer_email, organizer_name))
    for email, name in attendees:
        event.add(
            "attendee",
            _address(email, name, ROLE="REQ-PARTICIPANT", PARTSTAT="NEEDS-ACTION", RSVP="FALSE"),
        )
    event.add("class", "PRIVATE")
    event.add("status", "CONFIRMED" if method == CalendarMethod.REQUEST else "CANCELLED")
    event.add("transp", "OPAQUE")
    calendar.add_component(event)
    return CalendarInvite(
        method=method, ics=calendar.to_ical().decode("utf-8"), uid=uid, sequence=sequence
    )
