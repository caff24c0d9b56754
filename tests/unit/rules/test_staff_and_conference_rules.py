"""Rules for staff accounts, conferences, late answers and the reminder."""

from datetime import UTC, date, datetime

import pytest

from service.domain.answers import check_answer_before_deadline
from service.domain.conferences import check_duration, check_family_member, parse_kind
from service.domain.consent import Answer
from service.domain.contact import ContactChannel, check_contact_details
from service.domain.errors import ConsentClosed, InvalidConferenceTime, InvalidInput
from service.domain.observers import check_conference_time
from service.domain.reminders import reminder_due, reminder_time
from service.domain.staff import (
    StaffRole,
    check_password,
    email_domain_allowed,
    normalise_email,
    parse_role,
)
from service.domain.states import RequestStatus
from service.domain.working_days import BankHolidayRegion

EW = BankHolidayRegion.ENGLAND_AND_WALES


def test_roles_are_read_whatever_their_case() -> None:
    assert parse_role(" QA ") is StaffRole.QA


def test_an_unknown_role_names_the_choices() -> None:
    with pytest.raises(InvalidInput, match="Choose one of: trainee, qa, admin"):
        parse_role("boss")


@pytest.mark.parametrize("bad", ["", "no-at-sign", "a@b", "two@@signs.example", "sp ace@x.example"])
def test_things_that_are_not_email_addresses_are_refused(bad: str) -> None:
    with pytest.raises(InvalidInput):
        normalise_email(bad)


def test_email_addresses_are_kept_in_lower_case() -> None:
    assert normalise_email(" Pat@Council.Example ") == "pat@council.example"


def test_short_passwords_are_refused() -> None:
    with pytest.raises(InvalidInput, match="at least 12"):
        check_password("short")


def test_trainees_register_only_from_listed_domains() -> None:
    assert email_domain_allowed("a@council.example", ["council.example"])
    assert not email_domain_allowed("a@evil.example", ["council.example"])
    assert not email_domain_allowed("a@council.example.evil", ["council.example"])


def test_conference_kinds_and_lengths() -> None:
    assert parse_kind("review").value == "review"
    with pytest.raises(InvalidInput):
        parse_kind("annual")
    with pytest.raises(InvalidInput):
        check_duration(5)
    check_duration(90)


def test_each_way_of_reaching_someone_needs_its_details() -> None:
    none = {"email": None, "mobile_number": None, "address_lines": None, "postcode": None}
    for channel, field in (
        (ContactChannel.EMAIL, "email"),
        (ContactChannel.SMS, "mobile_number"),
        (ContactChannel.LETTER, "address_lines"),
    ):
        with pytest.raises(InvalidInput, match="choose another way") as refused:
            check_contact_details(channel, **none)
        assert refused.value.field == field
    with pytest.raises(InvalidInput) as no_postcode:
        check_contact_details(ContactChannel.LETTER, **(none | {"address_lines": "1 High St"}))
    assert no_postcode.value.field == "postcode"
    check_contact_details(ContactChannel.IN_PERSON, **none)


def test_a_judgement_of_understanding_names_who_made_it() -> None:
    with pytest.raises(InvalidInput, match="who judged"):
        check_family_member(
            is_child=True,
            date_of_birth=date(2013, 1, 1),
            today=date(2026, 11, 23),
            sufficient_understanding=True,
            understanding_judged_by=" ",
        )


def test_a_birth_date_in_the_future_is_refused() -> None:
    with pytest.raises(InvalidInput, match="in the past"):
        check_family_member(
            is_child=True,
            date_of_birth=date(2027, 1, 1),
            today=date(2026, 11, 23),
            sufficient_understanding=None,
            understanding_judged_by=None,
        )


DEADLINE = datetime(2026, 12, 4, 17, 0, tzinfo=UTC)


def test_a_late_yes_cannot_complete_the_agreement() -> None:
    with pytest.raises(ConsentClosed):
        check_answer_before_deadline(
            now=DEADLINE, deadline=DEADLINE, status=RequestStatus.SEEKING_CONSENT, answer=Answer.YES
        )


def test_a_late_no_is_always_heard() -> None:
    check_answer_before_deadline(
        now=DEADLINE, deadline=DEADLINE, status=RequestStatus.SEEKING_CONSENT, answer=Answer.NO
    )
    check_answer_before_deadline(
        now=DEADLINE, deadline=DEADLINE, status=RequestStatus.CONFIRMED, answer=Answer.NO
    )


def test_the_reminder_goes_at_ten_two_working_days_before_the_deadline() -> None:
    # Deadline Friday 4 December 2026 at 17:00 (GMT); two working days before is Wednesday.
    assert reminder_time(deadline=DEADLINE, working_days_before=2, region=EW) == datetime(
        2026, 12, 2, 10, 0, tzinfo=UTC
    )


def test_the_reminder_skips_a_weekend() -> None:
    monday_deadline = datetime(2026, 12, 7, 17, 0, tzinfo=UTC)
    assert reminder_time(deadline=monday_deadline, working_days_before=1, region=EW) == datetime(
        2026, 12, 4, 10, 0, tzinfo=UTC
    )


@pytest.mark.parametrize(
    ("answered", "sent", "expected"),
    [(False, 0, True), (True, 0, False), (False, 1, False)],
)
def test_one_reminder_and_never_after_an_answer(answered: bool, sent: int, expected: bool) -> None:
    assert (
        reminder_due(
            now=datetime(2026, 12, 2, 11, 0, tzinfo=UTC),
            deadline=DEADLINE,
            invited_at=datetime(2026, 11, 23, 10, 0, tzinfo=UTC),
            reminders_sent=sent,
            max_reminders=1,
            has_answered=answered,
            working_days_before=2,
            region=EW,
        )
        is expected
    )


@pytest.mark.parametrize(
    ("now", "sent", "expected"),
    [
        (datetime(2026, 12, 2, 10, 0, tzinfo=UTC), 0, True),  # Wednesday: the first
        (datetime(2026, 12, 2, 16, 0, tzinfo=UTC), 1, False),  # never two on one day
        (datetime(2026, 12, 3, 10, 0, tzinfo=UTC), 1, True),  # Thursday: the second
        (datetime(2026, 12, 4, 9, 59, tzinfo=UTC), 2, False),
        (datetime(2026, 12, 4, 10, 0, tzinfo=UTC), 2, True),  # Friday, the deadline's day
        (datetime(2026, 12, 4, 17, 0, tzinfo=UTC), 2, False),  # the deadline has passed
        (datetime(2026, 12, 4, 12, 0, tzinfo=UTC), 3, False),  # all three have gone
    ],
)
def test_further_reminders_go_a_working_day_apart(now: datetime, sent: int, expected: bool) -> None:
    assert (
        reminder_due(
            now=now,
            deadline=DEADLINE,
            invited_at=datetime(2026, 11, 23, 10, 0, tzinfo=UTC),
            reminders_sent=sent,
            max_reminders=3,
            has_answered=False,
            working_days_before=2,
            region=EW,
        )
        is expected
    )


def test_a_conference_years_ahead_is_refused_as_a_likely_typo() -> None:
    now = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
    with pytest.raises(InvalidConferenceTime, match="within two years"):
        check_conference_time(starts_at=datetime(2040, 1, 1, tzinfo=UTC), now=now)
    assert check_conference_time(starts_at=datetime(2027, 11, 1, tzinfo=UTC), now=now)


@pytest.mark.parametrize(
    "edge",
    [
        datetime.fromisoformat("0001-01-01T00:00:00+00:01"),
        datetime.fromisoformat("0001-01-01T00:00:00+00:00"),
        datetime.fromisoformat("9999-12-31T23:59:00-01:00"),
    ],
)
def test_times_at_the_edge_of_the_calendar_are_refused_plainly(edge: datetime) -> None:
    with pytest.raises(InvalidConferenceTime):
        check_conference_time(starts_at=edge, now=datetime(2026, 11, 23, 10, 0, tzinfo=UTC))
