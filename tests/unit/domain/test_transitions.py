"""The workflow table of DESIGN.md section 2: what it allows, and everything it refuses."""

from itertools import product

import pytest

from service.domain.errors import IllegalTransition
from service.domain.states import OPEN_STATUSES, Actor, RequestEvent, RequestStatus, is_finished
from service.domain.transitions import TRANSITIONS, describe_status, next_status

ALLOWED = sorted(TRANSITIONS.items())
REFUSED = [key for key in product(RequestStatus, RequestEvent, Actor) if key not in TRANSITIONS]


@pytest.mark.parametrize(("key", "expected"), ALLOWED, ids=lambda v: str(v))
def test_every_move_in_the_table_is_allowed(
    key: tuple[RequestStatus, RequestEvent, Actor], expected: RequestStatus
) -> None:
    assert next_status(*key) is expected


@pytest.mark.parametrize("key", REFUSED, ids=lambda key: "-".join(key))
def test_every_move_not_in_the_table_is_refused(
    key: tuple[RequestStatus, RequestEvent, Actor],
) -> None:
    status = key[0]
    with pytest.raises(IllegalTransition, match=describe_status(status)):
        next_status(*key)


def test_nothing_moves_a_finished_request() -> None:
    assert all(not is_finished(status) for status, _, _ in TRANSITIONS)


def test_the_family_never_moves_a_request_directly() -> None:
    assert {actor for _, _, actor in TRANSITIONS} == {
        Actor.TRAINEE,
        Actor.QA,
        Actor.ADMIN,
        Actor.SYSTEM,
    }


def test_an_administrator_can_only_withdraw() -> None:
    assert {event for _, event, actor in TRANSITIONS if actor is Actor.ADMIN} == {
        RequestEvent.WITHDRAW
    }


def test_a_no_elsewhere_ends_every_open_request_for_the_conference() -> None:
    for status in OPEN_STATUSES:
        assert (
            next_status(status, RequestEvent.FAMILY_SAID_NO_ELSEWHERE, Actor.SYSTEM)
            is RequestStatus.NOT_GOING_AHEAD
        )


def test_a_new_person_to_ask_takes_a_confirmed_observation_back_to_the_family() -> None:
    assert (
        next_status(RequestStatus.CONFIRMED, RequestEvent.NEW_PERSON_TO_ASK, Actor.QA)
        is RequestStatus.SEEKING_CONSENT
    )


def test_an_open_request_can_always_be_withdrawn_or_cancelled() -> None:
    for status in OPEN_STATUSES:
        assert next_status(status, RequestEvent.WITHDRAW, Actor.TRAINEE) is RequestStatus.WITHDRAWN
        assert next_status(status, RequestEvent.WITHDRAW, Actor.QA) is RequestStatus.WITHDRAWN
        assert (
            next_status(status, RequestEvent.CONFERENCE_CANCELLED, Actor.QA)
            is RequestStatus.CANCELLED
        )


def test_a_confirmed_observation_stops_when_someone_changes_to_no() -> None:
    assert (
        next_status(RequestStatus.CONFIRMED, RequestEvent.SOMEONE_REFUSED, Actor.SYSTEM)
        is RequestStatus.NOT_GOING_AHEAD
    )


def test_a_trainee_cannot_approve_their_own_request() -> None:
    with pytest.raises(IllegalTransition, match="waiting for a decision"):
        next_status(RequestStatus.SUBMITTED, RequestEvent.APPROVE, Actor.TRAINEE)


def test_the_table_covers_the_whole_product_once() -> None:
    assert len(ALLOWED) + len(REFUSED) == len(RequestStatus) * len(RequestEvent) * len(Actor)
