"""Reading a conferences CSV file, and the London clock changes its times must respect."""

from datetime import UTC, datetime

import pytest

from service.domain.conference_exchange import (
    ConferenceDetails,
    check_external_id,
    compare_details,
    reference_from_external_id,
)
from service.domain.conference_rows import ImportRefused, read_conference_rows
from service.domain.errors import InvalidInput
from service.domain.times import ClockChange, clock_change_at

HEADER = b"open_to_observers,venue,duration_minutes,starts_at,kind,external_id\r\n"


@pytest.mark.parametrize(
    ("wall_clock", "change"),
    [
        (datetime(2027, 3, 28, 0, 59), None),
        (datetime(2027, 3, 28, 1, 0), ClockChange.FORWARD),
        (datetime(2027, 3, 28, 1, 59), ClockChange.FORWARD),
        (datetime(2027, 3, 28, 2, 0), None),
        (datetime(2027, 10, 31, 0, 59), None),
        (datetime(2027, 10, 31, 1, 0), ClockChange.BACK),
        (datetime(2027, 10, 31, 1, 59), ClockChange.BACK),
        (datetime(2027, 10, 31, 2, 0), None),
    ],
)
def test_the_clocks_skip_an_hour_in_march_and_repeat_one_in_october(
    wall_clock: datetime, change: ClockChange | None
) -> None:
    assert clock_change_at(wall_clock) is change


def test_columns_come_in_any_order_and_london_time_is_read_as_such() -> None:
    rows = read_conference_rows(HEADER + b"no,Room 1,60,2027-07-01 09:30,Review,A-1\r\n")
    assert [(r.row, r.external_id) for r in rows] == [(2, "A-1")]
    details = rows[0].details
    assert details.starts_at.astimezone(UTC) == datetime(2027, 7, 1, 8, 30, tzinfo=UTC)
    assert (details.kind, details.open_to_observers, details.venue) == ("review", False, "Room 1")


def test_every_problem_is_named_by_row_and_column() -> None:
    data = HEADER + b"maybe,+44 Room,9,soon,x,bad id\r\nyes,Room,60,2027-01-01 10:00,initial,A\r\n"
    with pytest.raises(ImportRefused) as refused:
        read_conference_rows(data)
    where = [(p.row, p.column) for p in refused.value.problems]
    assert where == [
        (2, "open_to_observers"),
        (2, "venue"),
        (2, "duration_minutes"),
        (2, "starts_at"),
        (2, "kind"),
        (2, "external_id"),
    ]
    assert refused.value.problems[1].sentence() == (
        "Row 2, venue: The venue starts with +, which a spreadsheet would run as a formula. "
        "Write the venue without it."
    )


@pytest.mark.parametrize("value", ["", "a b", "x" * 101, "naïve", "id,2", "=1+1"])
def test_a_meeting_id_is_letters_digits_and_a_few_marks(value: str) -> None:
    with pytest.raises(InvalidInput):
        check_external_id(value)


def test_a_meeting_id_longer_than_a_reference_cannot_be_one() -> None:
    assert reference_from_external_id("LL/2027:42") == "LL/2027:42"
    with pytest.raises(InvalidInput, match="Give a reference"):
        reference_from_external_id("x" * 51)


def test_the_same_moment_in_another_offset_is_no_change() -> None:
    recorded = ConferenceDetails(
        "initial", datetime(2027, 6, 1, 9, tzinfo=UTC), 60, "Room", True, "R"
    )
    sent = ConferenceDetails(
        "initial", datetime.fromisoformat("2027-06-01T10:00+01:00"), 60, " Room ", True
    )
    assert compare_details(recorded, sent).nothing
    moved = compare_details(
        recorded, ConferenceDetails("review", recorded.starts_at, 60, "Hall", True)
    )
    assert moved.moved and moved.details == {"kind": ("initial", "review")}
