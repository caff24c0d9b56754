"""What an actor may do to a request now: the transition table read together with the clock.

Each rule is written once, as a check that refuses with a plain reason. The use cases call the
checks; pages ask `allowed_now`, which is built from the same checks, so a page never offers a
button for an action that would then be refused.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from service.domain.errors import (
    ClosedBecause,
    ConsentClosed,
    DomainError,
    IllegalTransition,
    InvalidInput,
)
from service.domain.observers import check_acknowledged, check_promise_current
from service.domain.states import Actor, RequestEvent, RequestStatus
from service.domain.times import london_day
from service.domain.transitions import next_status

# The family answers while they are being asked, and may change their mind after all agreed.
ANSWERING_STATUSES: frozenset[RequestStatus] = frozenset(
    {RequestStatus.SEEKING_CONSENT, RequestStatus.CONFIRMED}
)


def check_before_conference(*, now: datetime, conference_start: datetime, action: str) -> None:
    """Refuse with IllegalTransition an action that is only possible before the conference."""
    if now >= conference_start:
        raise IllegalTransition(f"You cannot {action} after the conference has started.")


def check_can_answer(*, now: datetime, conference_start: datetime, status: RequestStatus) -> None:
    """Refuse with ConsentClosed an answer the request can no longer take."""
    if status not in ANSWERING_STATUSES:
        raise ConsentClosed(
            "This request is no longer active. You do not need to do anything.",
            because=ClosedBecause.NO_LONGER_ACTIVE,
        )
    if now >= conference_start:
        raise ConsentClosed(
            "The conference has started, so answers can no longer be given or changed here. "
            "If you do not want the observer there, tell the chair of the conference.",
            because=ClosedBecause.STARTED,
        )


def check_chair_check_day(*, now: datetime, conference_start: datetime) -> None:
    """Refuse with InvalidInput a chair's check recorded before the conference's day."""
    if london_day(now) < london_day(conference_start):
        raise InvalidInput("The chair's check can be recorded from the day of the conference.")


@dataclass(frozen=True)
class RequestNow:
    """The facts about a request that decide what may be done to it at this moment."""

    status: RequestStatus
    conference_start: datetime
    now: datetime
    # The confidentiality statement version the observer promised under, or None when they did
    # not promise or the page does not know: then approval is not offered.
    promised_version: str | None = None


def _passes(check: Callable[[], object]) -> bool:
    try:
        check()
    except DomainError:
        return False
    return True


def may_decide(facts: RequestNow) -> bool:
    """QA may approve or decline a request nobody has decided yet."""
    return _passes(lambda: next_status(facts.status, RequestEvent.APPROVE, Actor.QA))


def may_approve(facts: RequestNow) -> bool:
    """QA may approve an undecided request whose observer promised confidentiality under the
    statement in force now; an older promise waits for the trainee to confirm the current one."""
    promised = facts.promised_version
    return (
        may_decide(facts)
        and _passes(lambda: check_acknowledged(acknowledged=promised is not None))
        and _passes(lambda: check_promise_current(promised_version=promised or ""))
    )


def may_withdraw(facts: RequestNow, actor: Actor) -> bool:
    """The trainee, QA or an administrator may withdraw an open request before the start."""
    return _passes(lambda: next_status(facts.status, RequestEvent.WITHDRAW, actor)) and _passes(
        lambda: check_before_conference(
            now=facts.now, conference_start=facts.conference_start, action="withdraw"
        )
    )


def may_take_answers(facts: RequestNow) -> bool:
    """The family may answer, or change their answer, until the conference starts."""
    return _passes(
        lambda: check_can_answer(
            now=facts.now, conference_start=facts.conference_start, status=facts.status
        )
    )


def may_record_chair_check(facts: RequestNow) -> bool:
    """QA records the chair's check for a confirmed observation, from the conference's day."""
    return _passes(
        lambda: next_status(facts.status, RequestEvent.CHAIR_CONFIRMED_OBSERVED, Actor.QA)
    ) and _passes(
        lambda: check_chair_check_day(now=facts.now, conference_start=facts.conference_start)
    )


def chair_check_due(facts: RequestNow) -> bool:
    """QA owes the chair's check: the conference has started and the request is still going
    ahead, which only recording the check changes."""
    return facts.now >= facts.conference_start and may_record_chair_check(facts)


@dataclass(frozen=True)
class AllowedNow:
    """Which actions a page offers an actor for one request."""

    # Approving needs the observer's current promise as well; declining does not.
    approve: bool
    decide: bool
    withdraw: bool
    record_answer: bool
    chair_check: bool

    def names(self) -> list[str]:
        """The actions by the names the API gives them, in the order a request meets them."""
        offered = {
            "approve": self.approve,
            "decline": self.decide,
            "record_answer": self.record_answer,
            "withdraw": self.withdraw,
            "chair_check": self.chair_check,
        }
        return [name for name, allowed in offered.items() if allowed]


def allowed_now(facts: RequestNow, actor: Actor, *, someone_is_asked: bool) -> AllowedNow:
    """Everything this actor may do to the request now, for a page to offer."""
    qa = actor is Actor.QA
    return AllowedNow(
        approve=qa and may_approve(facts),
        decide=qa and may_decide(facts),
        withdraw=may_withdraw(facts, actor),
        record_answer=qa and someone_is_asked and may_take_answers(facts),
        chair_check=qa and may_record_chair_check(facts),
    )
