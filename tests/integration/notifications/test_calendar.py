"""Invites parse back, keep their UID with a rising SEQUENCE, and land at the right UTC instant."""

from datetime import UTC, date, datetime, time, timedelta
from typing import cast
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar, Event, vCalAddress

from notifications.calendar import CalendarInvite, build_invite

LONDON = ZoneInfo("Europe/London")
UID = "observation-42@cpc.test"


def _invite(
    method: str = "REQUEST",
    *,
    sequence: int = 0,
    starts_at: datetime = datetime(2026, 12, 7, 10, 0, tzinfo=LONDON),
) -> CalendarInvite:
    return build_invite(
        method="CANCEL" if method == "CANCEL" else "REQUEST",
        uid=UID,
        sequence=sequence,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=2),
        summary="Observer at conference CP-2026-042",
        description="Tom Trainee observes conference CP-2026-042.",
        location="Room 2, Civic Centre",
        organizer_email="qa@council.example",
        organizer_name="Safeguarding Quality Assurance Service",
        attendees=[
            ("qa@council.example", "Safeguarding Quality Assurance Service"),
            ("tom.trainee@council.example", "Tom Trainee"),
        ],
        stamp=datetime(2026, 11, 23, 10, 0, tzinfo=UTC),
    )


def _event(invite: CalendarInvite) -> tuple[Calendar, Event]:
    calendar = Calendar.from_ical(invite.ics)
    [event] = calendar.events
    return calendar, event


def test_a_request_parses_back_with_every_field_a_calendar_client_needs() -> None:
    calendar, event = _event(_invite())

    assert (calendar["METHOD"], calendar["VERSION"]) == ("REQUEST", "2.0")
    assert calendar["PRODID"]
    assert [timezone["TZID"] for timezone in calendar.timezones] == ["Europe/London"]
    assert (event["UID"], event["SEQUENCE"]) == (UID, 0)
    assert event.decoded("DTSTAMP") == datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
    assert event.get("DTSTART").params["TZID"] == "Europe/London"
    assert event.get("DTEND").params["TZID"] == "Europe/London"
    assert event["SUMMARY"] == "Observer at conference CP-2026-042"
    assert event["LOCATION"] == "Room 2, Civic Centre"
    assert (event["CLASS"], event["STATUS"], event["TRANSP"]) == ("PRIVATE", "CONFIRMED", "OPAQUE")
    assert event["ORGANIZER"] == "mailto:qa@council.example"
    organizer = cast(vCalAddress, event["ORGANIZER"])
    assert organizer.params["CN"] == "Safeguarding Quality Assurance Service"
    attendees = cast(list[vCalAddress], event["ATTENDEE"])
    assert [str(attendee) for attendee in attendees] == [
        "mailto:qa@council.example",
        "mailto:tom.trainee@council.example",
    ]
    for attendee in attendees:
        assert attendee.params["ROLE"] == "REQ-PARTICIPANT"
        assert attendee.params["PARTSTAT"] == "NEEDS-ACTION"
        assert attendee.params["RSVP"] == "FALSE"


def test_a_reschedule_then_a_cancel_keep_the_uid_and_raise_the_sequence() -> None:
    first = _invite(sequence=0)
    moved = _invite(sequence=1, starts_at=datetime(2026, 12, 9, 14, 0, tzinfo=LONDON))
    cancelled = _invite("CANCEL", sequence=2, starts_at=datetime(2026, 12, 9, 14, 0, tzinfo=LONDON))

    parsed = [_event(invite) for invite in (first, moved, cancelled)]

    assert [calendar["METHOD"] for calendar, _ in parsed] == ["REQUEST", "REQUEST", "CANCEL"]
    assert {event["UID"] for _, event in parsed} == {UID}
    assert [event["SEQUENCE"] for _, event in parsed] == [0, 1, 2]
    assert [event["STATUS"] for _, event in parsed] == ["CONFIRMED", "CONFIRMED", "CANCELLED"]
    assert parsed[1][1].decoded("DTSTART") == datetime(2026, 12, 9, 14, 0, tzinfo=LONDON)
    assert (cancelled.method, cancelled.uid, cancelled.sequence) == ("CANCEL", UID, 2)


# The days before, of and after both 2026 clock changes (29 March and 25 October).
@pytest.mark.parametrize(
    ("day", "utc_hour"),
    [
        (date(2026, 3, 28), 10),
        (date(2026, 3, 29), 9),
        (date(2026, 3, 30), 9),
        (date(2026, 10, 24), 9),
        (date(2026, 10, 25), 10),
        (date(2026, 10, 26), 10),
    ],
)
def test_a_ten_oclock_conference_lands_at_the_right_utc_instant(day: date, utc_hour: int) -> None:
    starts_at = datetime.combine(day, time(10, 0), tzinfo=LONDON)
    expected = datetime.combine(day, time(utc_hour, 0), tzinfo=UTC)

    calendar, event = _event(_invite(starts_at=starts_at))
    local = event.decoded("DTSTART")
    # Read the wall time through the VTIMEZONE we wrote, not the system's copy of the zone,
    # so a client with no tz database of its own gets the same instant.
    own_rules = calendar.timezones[0].to_tz(lookup_tzid=False)

    assert local.astimezone(UTC) == expected
    assert (local.hour, local.minute) == (10, 0)
    assert local.replace(tzinfo=own_rules).astimezone(UTC) == expected


def test_naive_times_are_refused() -> None:
    with pytest.raises(ValueError, match="timezone"):
        _invite(starts_at=datetime(2026, 12, 7, 10, 0))
