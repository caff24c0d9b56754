"""The workflow of DESIGN.md section 2 as one table: (state, event, actor) -> new state."""

from service.domain.errors import IllegalTransition
from service.domain.states import Actor, RequestEvent, RequestStatus

S = RequestStatus
E = RequestEvent
A = Actor

TRANSITIONS: dict[tuple[RequestStatus, RequestEvent, Actor], RequestStatus] = {
    (S.SUBMITTED, E.APPROVE, A.QA): S.SEEKING_CONSENT,
    (S.SUBMITTED, E.DECLINE, A.QA): S.DECLINED,
    (S.SEEKING_CONSENT, E.EVERYONE_AGREED, A.SYSTEM): S.CONFIRMED,
    (S.SEEKING_CONSENT, E.SOMEONE_REFUSED, A.SYSTEM): S.NOT_GOING_AHEAD,
    (S.CONFIRMED, E.SOMEONE_REFUSED, A.SYSTEM): S.NOT_GOING_AHEAD,
    (S.SEEKING_CONSENT, E.DEADLINE_PASSED, A.SYSTEM): S.LAPSED,
    # A request QA never looked at cannot be put to the family once the deadline has gone.
    (S.SUBMITTED, E.DEADLINE_PASSED, A.SYSTEM): S.LAPSED,
    (S.CONFIRMED, E.CHAIR_CONFIRMED_OBSERVED, A.QA): S.COMPLETED,
    (S.CONFIRMED, E.CHAIR_FAMILY_WITHDREW, A.QA): S.NOT_GOING_AHEAD,
    # Unanimity again: a person QA adds or newly judges must agree too.
    (S.CONFIRMED, E.NEW_PERSON_TO_ASK, A.QA): S.SEEKING_CONSENT,
}
for _open in (S.SUBMITTED, S.SEEKING_CONSENT, S.CONFIRMED):
    TRANSITIONS[(_open, E.WITHDRAW, A.TRAINEE)] = S.WITHDRAWN
    TRANSITIONS[(_open, E.WITHDRAW, A.QA)] = S.WITHDRAWN
    # An administrator stopping a trainee's sign-in withdraws what they asked for.
    TRANSITIONS[(_open, E.WITHDRAW, A.ADMIN)] = S.WITHDRAWN
    TRANSITIONS[(_open, E.CONFERENCE_CANCELLED, A.QA)] = S.CANCELLED
    # A no is final for the conference: nobody in that family is asked about it again.
    TRANSITIONS[(_open, E.FAMILY_SAID_NO_ELSEWHERE, A.SYSTEM)] = S.NOT_GOING_AHEAD

# One table for every status's words, so QA and the trainee call the same thing by the same
# name: (its label in lists and tags, the same in a sentence after "the request is").
_STATUS_WORDS: dict[RequestStatus, tuple[str, str]] = {
    S.SUBMITTED: ("Waiting for a decision", "waiting for a decision"),
    S.DECLINED: ("Declined", "declined"),
    S.SEEKING_CONSENT: ("Asking the family", "waiting for the family's answers"),
    S.CONFIRMED: ("Going ahead", "going ahead"),
    S.NOT_GOING_AHEAD: ("Not going ahead", "not going ahead"),
    S.LAPSED: ("Lapsed: not everyone answered", "closed because not everyone answered in time"),
    S.WITHDRAWN: ("Withdrawn", "withdrawn"),
    S.CANCELLED: ("Conference cancelled", "cancelled because the conference was cancelled"),
    S.COMPLETED: ("Observed", "observed"),
}


def status_label(status: RequestStatus) -> str:
    """The status as lists and tags show it, the same for QA and the trainee."""
    return _STATUS_WORDS[status][0]


def describe_status(status: RequestStatus) -> str:
    """The status in the plain words staff read in a sentence ("the request is ...")."""
    return _STATUS_WORDS[status][1]


def next_status(status: RequestStatus, event: RequestEvent, actor: Actor) -> RequestStatus:
    """The state a request moves to, or IllegalTransition with a plain reason."""
    try:
        return TRANSITIONS[(status, event, actor)]
    except KeyError:
        raise IllegalTransition(
            f"This cannot be done now: the request is {describe_status(status)}."
        ) from None
