"""The states an observation request moves through, the events that move it, and who acts."""

from enum import StrEnum


class RequestStatus(StrEnum):
    """Where an observation request stands."""

    SUBMITTED = "submitted"
    DECLINED = "declined"
    SEEKING_CONSENT = "seeking_consent"
    CONFIRMED = "confirmed"
    NOT_GOING_AHEAD = "not_going_ahead"
    LAPSED = "lapsed"
    WITHDRAWN = "withdrawn"
    CANCELLED = "cancelled"
    COMPLETED = "completed"


class RequestEvent(StrEnum):
    """Something that happens to an observation request."""

    APPROVE = "approve"
    DECLINE = "decline"
    EVERYONE_AGREED = "everyone_agreed"
    SOMEONE_REFUSED = "someone_refused"
    DEADLINE_PASSED = "deadline_passed"
    WITHDRAW = "withdraw"
    CONFERENCE_CANCELLED = "conference_cancelled"
    CHAIR_CONFIRMED_OBSERVED = "chair_confirmed_observed"
    CHAIR_FAMILY_WITHDREW = "chair_family_withdrew"
    # Someone in the family said no about another request for the same conference.
    FAMILY_SAID_NO_ELSEWHERE = "family_said_no_elsewhere"
    # QA corrected the family: someone who must be asked has not been asked yet.
    NEW_PERSON_TO_ASK = "new_person_to_ask"


class Actor(StrEnum):
    """Who causes an event: a staff role, the family, or the service itself."""

    TRAINEE = "trainee"
    QA = "qa"
    ADMIN = "admin"
    FAMILY = "family"
    SYSTEM = "system"


OPEN_STATUSES: frozenset[RequestStatus] = frozenset(
    {RequestStatus.SUBMITTED, RequestStatus.SEEKING_CONSENT, RequestStatus.CONFIRMED}
)
FINISHED_STATUSES: frozenset[RequestStatus] = frozenset(set(RequestStatus) - OPEN_STATUSES)


def is_finished(status: RequestStatus) -> bool:
    """True when nothing more can happen to a request in this state."""
    return status in FINISHED_STATUSES
