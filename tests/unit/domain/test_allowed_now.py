"""What each actor may do now: the table and the clock, asked by pages and use cases alike."""

from datetime import UTC, datetime, timedelta

import pytest

from service.domain.allowed_now import (
    AllowedNow,
    RequestNow,
    allowed_now,
    may_record_chair_check,
    may_take_answers,
    may_withdraw,
)
from service.domain.confidentiality import CONFIDENTIALITY_STATEMENT_VERSION
from service.domain.states import OPEN_STATUSES, Actor, RequestStatus

# 10:00 in London on the Sunday the clocks go back (GMT again from 02:00).
START = datetime(2026, 10, 25, 10, tzinfo=UTC)


def facts(status: RequestStatus, now: datetime) -> RequestNow:
    return RequestNow(
        status=status,
        conference_start=START,
        now=now,
        promised_version=CONFIDENTIALITY_STATEMENT_VERSION,
    )


@pytest.mark.parametrize("status", sorted(OPEN_STATUSES))
@pytest.mark.parametrize("actor", [Actor.TRAINEE, Actor.QA, Actor.ADMIN])
def test_an_open_request_may_be_withdrawn_until_the_start_and_not_after(
    status: RequestStatus, actor: Actor
) -> None:
    assert may_withdraw(facts(status, START - timedelta(seconds=1)), actor)
    assert not may_withdraw(facts(status, START), actor)


@pytest.mark.parametrize("status", sorted(set(RequestStatus) - OPEN_STATUSES))
def test_a_finished_request_is_never_offered_withdraw(status: RequestStatus) -> None:
    assert not may_withdraw(facts(status, START - timedelta(days=3)), Actor.TRAINEE)


def test_the_family_and_the_service_never_withdraw() -> None:
    before = facts(RequestStatus.SUBMITTED, START - timedelta(days=3))
    assert not may_withdraw(before, Actor.FAMILY)
    assert not may_withdraw(before, Actor.SYSTEM)


def test_answers_are_taken_while_asking_or_confirmed_and_before_the_start() -> None:
    before = START - timedelta(minutes=1)
    assert may_take_answers(facts(RequestStatus.SEEKING_CONSENT, before))
    assert may_take_answers(facts(RequestStatus.CONFIRMED, before))
    assert not may_take_answers(facts(RequestStatus.CONFIRMED, START))
    assert not may_take_answers(facts(RequestStatus.SUBMITTED, before))


def test_the_chair_check_opens_at_midnight_in_london_on_the_day() -> None:
    # 23:59 on Saturday in London is still the day before, whatever UTC says.
    saturday_night = datetime(2026, 10, 24, 22, 59, tzinfo=UTC)
    sunday_start = datetime(2026, 10, 24, 23, 0, tzinfo=UTC)
    assert not may_record_chair_check(facts(RequestStatus.CONFIRMED, saturday_night))
    assert may_record_chair_check(facts(RequestStatus.CONFIRMED, sunday_start))
    assert not may_record_chair_check(facts(RequestStatus.SEEKING_CONSENT, sunday_start))


def test_the_page_offers_qa_only_what_the_table_and_the_clock_allow() -> None:
    early = START - timedelta(days=3)
    submitted = allowed_now(facts(RequestStatus.SUBMITTED, early), Actor.QA, someone_is_asked=False)
    assert (submitted.decide, submitted.withdraw, submitted.record_answer) == (True, True, False)
    asking = allowed_now(
        facts(RequestStatus.SEEKING_CONSENT, early), Actor.QA, someone_is_asked=True
    )
    assert (asking.decide, asking.record_answer, asking.chair_check) == (False, True, False)
    on_the_day = allowed_now(facts(RequestStatus.CONFIRMED, START), Actor.QA, someone_is_asked=True)
    assert (on_the_day.withdraw, on_the_day.record_answer, on_the_day.chair_check) == (
        False,
        False,
        True,
    )


def test_a_trainee_is_offered_nothing_but_withdraw() -> None:
    early = START - timedelta(days=3)
    offered = allowed_now(
        facts(RequestStatus.CONFIRMED, early), Actor.TRAINEE, someone_is_asked=True
    )
    assert offered.withdraw
    assert not (offered.decide or offered.record_answer or offered.chair_check)


def test_approve_is_offered_only_for_a_promise_under_the_current_statement() -> None:
    early = START - timedelta(days=3)

    def offered(promised: str | None) -> AllowedNow:
        now = RequestNow(RequestStatus.SUBMITTED, START, early, promised_version=promised)
        return allowed_now(now, Actor.QA, someone_is_asked=False)

    current = offered(CONFIDENTIALITY_STATEMENT_VERSION)
    assert (current.approve, current.decide) == (True, True)
    assert current.names()[:2] == ["approve", "decline"]
    for older_or_none in ("0", None):
        waiting = offered(older_or_none)
        # Declining needs no promise: only approving waits for the trainee to confirm.
        assert (waiting.approve, waiting.decide) == (False, True)
        assert "approve" not in waiting.names()
        assert "decline" in waiting.names()
