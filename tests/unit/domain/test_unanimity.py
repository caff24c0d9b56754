"""Unanimity: the observation goes ahead only when everyone asked says yes."""

from datetime import UTC, datetime, timedelta

import pytest

from service.domain.allowed_now import check_can_answer
from service.domain.consent import Answer, ConsentOutcome, consent_outcome, event_for_outcome
from service.domain.errors import ConsentClosed
from service.domain.states import RequestEvent, RequestStatus

YES, NO = Answer.YES, Answer.NO
ASKED = [1, 2, 3]


@pytest.mark.parametrize("refuser", ASKED)
def test_one_refusal_stops_the_observation(refuser: int) -> None:
    answers = {member: YES for member in ASKED} | {refuser: NO}
    assert consent_outcome(asked_member_ids=ASKED, answers=answers) is (
        ConsentOutcome.SOMEONE_REFUSED
    )


def test_one_refusal_stops_it_even_before_the_others_answer() -> None:
    assert consent_outcome(asked_member_ids=ASKED, answers={2: NO}) is (
        ConsentOutcome.SOMEONE_REFUSED
    )


def test_everyone_saying_yes_lets_it_go_ahead() -> None:
    answers = dict.fromkeys(ASKED, YES)
    assert consent_outcome(asked_member_ids=ASKED, answers=answers) is (
        ConsentOutcome.EVERYONE_AGREED
    )


def test_silence_is_not_consent() -> None:
    assert consent_outcome(asked_member_ids=ASKED, answers={1: YES, 2: YES}) is (
        ConsentOutcome.WAITING
    )


def test_nobody_asked_is_not_everyone_agreeing() -> None:
    assert consent_outcome(asked_member_ids=[], answers={1: YES}) is ConsentOutcome.WAITING


def test_answers_from_people_not_asked_do_not_count() -> None:
    answers = {1: YES, 2: YES, 3: YES, 9: NO}
    assert consent_outcome(asked_member_ids=ASKED, answers=answers) is (
        ConsentOutcome.EVERYONE_AGREED
    )


@pytest.mark.parametrize(
    ("status", "outcome", "event"),
    [
        (
            RequestStatus.SEEKING_CONSENT,
            ConsentOutcome.EVERYONE_AGREED,
            RequestEvent.EVERYONE_AGREED,
        ),
        (
            RequestStatus.SEEKING_CONSENT,
            ConsentOutcome.SOMEONE_REFUSED,
            RequestEvent.SOMEONE_REFUSED,
        ),
        (RequestStatus.CONFIRMED, ConsentOutcome.SOMEONE_REFUSED, RequestEvent.SOMEONE_REFUSED),
        (RequestStatus.CONFIRMED, ConsentOutcome.EVERYONE_AGREED, None),
        (RequestStatus.SEEKING_CONSENT, ConsentOutcome.WAITING, None),
        (RequestStatus.CONFIRMED, ConsentOutcome.WAITING, None),
        (RequestStatus.SUBMITTED, ConsentOutcome.SOMEONE_REFUSED, None),
        (RequestStatus.NOT_GOING_AHEAD, ConsentOutcome.EVERYONE_AGREED, None),
        (RequestStatus.LAPSED, ConsentOutcome.EVERYONE_AGREED, None),
        (RequestStatus.WITHDRAWN, ConsentOutcome.SOMEONE_REFUSED, None),
    ],
)
def test_the_answers_move_the_request_only_while_it_is_with_the_family(
    status: RequestStatus, outcome: ConsentOutcome, event: RequestEvent | None
) -> None:
    assert event_for_outcome(status=status, outcome=outcome) is event


START = datetime(2026, 12, 14, 10, tzinfo=UTC)


@pytest.mark.parametrize("status", [RequestStatus.SEEKING_CONSENT, RequestStatus.CONFIRMED])
def test_a_family_member_can_answer_or_change_their_mind_until_the_start(
    status: RequestStatus,
) -> None:
    check_can_answer(now=START - timedelta(seconds=1), conference_start=START, status=status)


def test_answers_close_when_the_conference_starts() -> None:
    with pytest.raises(ConsentClosed, match="The conference has started"):
        check_can_answer(now=START, conference_start=START, status=RequestStatus.CONFIRMED)


@pytest.mark.parametrize(
    "status",
    [s for s in RequestStatus if s not in (RequestStatus.SEEKING_CONSENT, RequestStatus.CONFIRMED)],
)
def test_a_request_no_longer_with_the_family_takes_no_answers(status: RequestStatus) -> None:
    with pytest.raises(ConsentClosed, match=r"no longer active\. You do not need to do anything"):
        check_can_answer(now=START - timedelta(days=1), conference_start=START, status=status)
