"""The workflow table of DESIGN.md section 2: what it allows, and everything it refuses.

The table is written out here by hand, row by row from DESIGN.md, and compared with the one the
service runs: a row added, lost or pointing elsewhere fails, which a test built from the
service's own table could never notice.
"""

from itertools import product

import pytest

from service.domain.errors import IllegalTransition
from service.domain.states import OPEN_STATUSES, Actor, RequestEvent, RequestStatus, is_finished
from service.domain.transitions import TRANSITIONS, describe_status, next_status

S, E, A = RequestStatus, RequestEvent, Actor

# (state, event, who) -> new state, in the order DESIGN.md section 2 tells the workflow.
DESIGN_TABLE: dict[tuple[RequestStatus, RequestEvent, Actor], RequestStatus] = {
    # submitted --approve--> seeking_consent; --decline--> declined
    (S.SUBMITTED, E.APPROVE, A.QA): S.SEEKING_CONSENT,
    (S.SUBMITTED, E.DECLINE, A.QA): S.DECLINED,
    # seeking_consent --all agreed--> confirmed; --anyone said no--> not_going_ahead
    (S.SEEKING_CONSENT, E.EVERYONE_AGREED, A.SYSTEM): S.CONFIRMED,
    (S.SEEKING_CONSENT, E.SOMEONE_REFUSED, A.SYSTEM): S.NOT_GOING_AHEAD,
    # --deadline passed with someone not yet answered--> lapsed (and a request never decided)
    (S.SEEKING_CONSENT, E.DEADLINE_PASSED, A.SYSTEM): S.LAPSED,
    (S.SUBMITTED, E.DEADLINE_PASSED, A.SYSTEM): S.LAPSED,
    # confirmed --anyone changes to no before the start--> not_going_ahead
    (S.CONFIRMED, E.SOMEONE_REFUSED, A.SYSTEM): S.NOT_GOING_AHEAD,
    # the chair's check finishes a confirmed request
    (S.CONFIRMED, E.CHAIR_CONFIRMED_OBSERVED, A.QA): S.COMPLETED,
    (S.CONFIRMED, E.CHAIR_FAMILY_WITHDREW, A.QA): S.NOT_GOING_AHEAD,
    # corrections: a person who now must be asked takes it back to the family
    (S.CONFIRMED, E.NEW_PERSON_TO_ASK, A.QA): S.SEEKING_CONSENT,
    # any state before the conference: withdrawn (observer, QA, or an administrator stopping
    # the observer's sign-in), cancelled (conference cancelled), and a no elsewhere is final
    (S.SUBMITTED, E.WITHDRAW, A.TRAINEE): S.WITHDRAWN,
    (S.SUBMITTED, E.WITHDRAW, A.QA): S.WITHDRAWN,
    (S.SUBMITTED, E.WITHDRAW, A.ADMIN): S.WITHDRAWN,
    (S.SUBMITTED, E.CONFERENCE_CANCELLED, A.QA): S.CANCELLED,
    (S.SUBMITTED, E.FAMILY_SAID_NO_ELSEWHERE, A.SYSTEM): S.NOT_GOING_AHEAD,
    (S.SEEKING_CONSENT, E.WITHDRAW, A.TRAINEE): S.WITHDRAWN,
    (S.SEEKING_CONSENT, E.WITHDRAW, A.QA): S.WITHDRAWN,
    (S.SEEKING_CONSENT, E.WITHDRAW, A.ADMIN): S.WITHDRAWN,
    (S.SEEKING_CONSENT, E.CONFERENCE_CANCELLED, A.QA): S.CANCELLED,
    (S.SEEKING_CONSENT, E.FAMILY_SAID_NO_ELSEWHERE, A.SYSTEM): S.NOT_GOING_AHEAD,
    (S.CONFIRMED, E.WITHDRAW, A.TRAINEE): S.WITHDRAWN,
    (S.CONFIRMED, E.WITHDRAW, A.QA): S.WITHDRAWN,
    (S.CONFIRMED, E.WITHDRAW, A.ADMIN): S.WITHDRAWN,
    (S.CONFIRMED, E.CONFERENCE_CANCELLED, A.QA): S.CANCELLED,
    (S.CONFIRMED, E.FAMILY_SAID_NO_ELSEWHERE, A.SYSTEM): S.NOT_GOING_AHEAD,
}
REFUSED = [key for key in product(S, E, A) if key not in DESIGN_TABLE]


def test_the_service_runs_exactly_the_table_of_the_design() -> None:
    missing = {key: DESIGN_TABLE[key] for key in DESIGN_TABLE.keys() - TRANSITIONS.keys()}
    extra = {key: TRANSITIONS[key] for key in TRANSITIONS.keys() - DESIGN_TABLE.keys()}
    elsewhere = {
        key: (TRANSITIONS[key], DESIGN_TABLE[key])
        for key in DESIGN_TABLE.keys() & TRANSITIONS.keys()
        if TRANSITIONS[key] is not DESIGN_TABLE[key]
    }
    assert (missing, extra, elsewhere) == ({}, {}, {})


@pytest.mark.parametrize(("key", "expected"), sorted(DESIGN_TABLE.items()), ids=str)
def test_every_move_in_the_design_is_allowed(
    key: tuple[RequestStatus, RequestEvent, Actor], expected: RequestStatus
) -> None:
    assert next_status(*key) is expected


@pytest.mark.parametrize("key", REFUSED, ids=lambda key: "-".join(key))
def test_every_move_not_in_the_design_is_refused(
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
    assert len(DESIGN_TABLE) + len(REFUSED) == len(RequestStatus) * len(RequestEvent) * len(Actor)
