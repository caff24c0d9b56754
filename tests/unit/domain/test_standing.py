"""The top of QA's request page: where the request stands and the one next step, which is
always a step the page offers."""

from datetime import UTC, datetime, timedelta

import pytest

from service.domain.allowed_now import RequestNow, allowed_now
from service.domain.confidentiality import CONFIDENTIALITY_STATEMENT_VERSION
from service.domain.standing import FamilyCounts, Standing, standing
from service.domain.states import Actor, RequestStatus

START = datetime(2027, 3, 29, 9, 30, tzinfo=UTC)  # the Monday after the clocks go forward
EARLY = START - timedelta(days=5)
NOBODY = FamilyCounts(asked=0, said_yes=0, said_no=0, undelivered=0)


def _standing(
    status: RequestStatus,
    *,
    now: datetime = EARLY,
    family: FamilyCounts = NOBODY,
    promised: str | None = CONFIDENTIALITY_STATEMENT_VERSION,
) -> Standing:
    facts = RequestNow(status, START, now, promised_version=promised)
    offered = allowed_now(facts, Actor.QA, someone_is_asked=family.asked > 0)
    return standing(status, offered, family)


def test_a_new_request_asks_for_a_decision() -> None:
    new = _standing(RequestStatus.SUBMITTED)
    assert new.where.startswith("Waiting for your decision")
    assert (new.next_step, new.next_anchor) == ("Approve to ask the family, or decline.", "approve")


def test_an_older_promise_says_why_approval_waits() -> None:
    waiting = _standing(RequestStatus.SUBMITTED, promised="0")
    assert "confirms the confidentiality statement" in waiting.next_step


def test_while_asking_it_counts_the_answers_in_plain_words() -> None:
    family = FamilyCounts(asked=3, said_yes=1, said_no=0, undelivered=0)
    asking = _standing(RequestStatus.SEEKING_CONSENT, family=family)
    assert asking.where == "Asking the family. 3 people asked: 1 said yes, 2 not answered yet."
    assert asking.next_anchor == "record-answer"


def test_an_undelivered_message_makes_asking_in_person_the_next_step() -> None:
    family = FamilyCounts(asked=2, said_yes=0, said_no=0, undelivered=1)
    asking = _standing(RequestStatus.SEEKING_CONSENT, family=family)
    assert asking.next_step.startswith("A message to 1 person could not be delivered")
    assert asking.next_anchor == "record-answer"


def test_going_ahead_points_to_the_chair_check_only_from_the_day() -> None:
    family = FamilyCounts(asked=1, said_yes=1, said_no=0, undelivered=0)
    before = _standing(RequestStatus.CONFIRMED, family=family)
    assert before.next_anchor is None
    assert before.next_step.startswith("On the day of the conference")
    on_the_day = _standing(RequestStatus.CONFIRMED, now=START, family=family)
    assert (on_the_day.next_step, on_the_day.next_anchor) == (
        "Record the chair's check.",
        "chair-check",
    )


@pytest.mark.parametrize(
    "status",
    [
        RequestStatus.DECLINED,
        RequestStatus.NOT_GOING_AHEAD,
        RequestStatus.LAPSED,
        RequestStatus.WITHDRAWN,
        RequestStatus.CANCELLED,
        RequestStatus.COMPLETED,
    ],
)
def test_a_finished_request_has_nothing_left_to_do(status: RequestStatus) -> None:
    finished = _standing(status)
    assert (finished.next_step, finished.next_anchor) == ("Nothing more to do.", None)


@pytest.mark.parametrize("status", list(RequestStatus))
def test_every_next_step_is_one_the_page_offers(status: RequestStatus) -> None:
    family = FamilyCounts(asked=2, said_yes=1, said_no=0, undelivered=1)
    for now in (EARLY, START):
        facts = RequestNow(status, START, now, promised_version=CONFIDENTIALITY_STATEMENT_VERSION)
        offered = allowed_now(facts, Actor.QA, someone_is_asked=True)
        anchor = standing(status, offered, family).next_anchor
        by_anchor = {
            None: True,
            "approve": offered.decide,
            "record-answer": offered.record_answer,
            "chair-check": offered.chair_check,
        }
        assert by_anchor[anchor], (status, now, anchor)
