"""Domain errors, each carrying a plain-English message a person can act on."""

from datetime import datetime
from enum import StrEnum


class DomainError(Exception):
    """A rule of the service was not met; `message` says which, in plain words.

    `field` names the input the message is about, when it is about one, so a form can show
    the message beside it.
    """

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class IllegalTransition(DomainError):
    """The request is not in a state where this action can happen."""


class RequestTooLate(DomainError):
    """The request arrived inside the notice window."""


class ConferenceAlreadyTaken(DomainError):
    """The conference already has as many open observer requests as it allows."""


class AlreadyAsked(DomainError):
    """The trainee already has a request for this conference that is not finished."""


class AcknowledgementMissing(DomainError):
    """The observer has not acknowledged the confidentiality statement."""


class PromiseOutOfDate(AcknowledgementMissing):
    """The observer's promise was to an earlier confidentiality statement, not the current one."""


class InvalidConferenceTime(DomainError):
    """A conference time is missing its timezone or lies in the past."""


class ClosedBecause(StrEnum):
    """Why answers can no longer be given: a family page words each reason in its language."""

    NO_LONGER_ACTIVE = "no_longer_active"
    STARTED = "started"
    DEADLINE_PASSED = "deadline_passed"


class ConsentClosed(DomainError):
    """Answers can no longer be given or changed for this request."""

    def __init__(
        self, message: str, *, because: ClosedBecause, deadline: datetime | None = None
    ) -> None:
        super().__init__(message)
        self.because = because
        self.deadline = deadline


class NotFound(DomainError):
    """The thing asked for does not exist, or is not the asker's to see."""


class NotAllowed(DomainError):
    """The person asking may not do this."""


class InvalidInput(DomainError):
    """A value given to the service does not make sense."""


class ConcurrentChange(IllegalTransition):
    """Someone else changed the request at the same moment, and their change won."""


class NoOneToAsk(DomainError):
    """Nobody in the family is listed to be asked for consent."""


class ClosedToObservers(DomainError):
    """Someone in the family said no, so the conference takes no more observer requests."""


class ShortNoticeUnconfirmed(IllegalTransition):
    """A move would leave the family no time to answer, and QA has not confirmed it."""


class DetailsChanged(DomainError):
    """What a family member was shown changed while their page was open."""
