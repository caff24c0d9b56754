"""QA's work list: what needs a decision or an action now, each with the one action it needs.

The store gathers the facts; these rules say which of them are work, and put the oldest first,
so what has waited longest is done first.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from service.domain.allowed_now import RequestNow, chair_check_due
from service.domain.states import RequestStatus
from service.domain.times import london_day


class WorkKind(StrEnum):
    """The kinds of work, each with its one action."""

    DECIDE = "decide"  # approve or decline
    ASK_IN_PERSON = "ask_in_person"  # a message to the family could not be delivered
    ANSWERS_DUE = "answers_due"  # the family's answers are needed today
    CHAIR_CHECK = "chair_check"  # the conference has started: record the chair's check
    FAMILY_LIST = "family_list"  # a trainee asked, but nobody in the family is listed yet


@dataclass(frozen=True)
class WorkItem:
    """One thing QA needs to do, about one request (or, for the family list, one conference)."""

    kind: WorkKind
    since: datetime  # how long it has waited: oldest first
    reference: str
    request_id: int | None = None
    conference_id: int | None = None


@dataclass(frozen=True)
class GoingAhead:
    """A request still going ahead or still asking the family, with when its answers are due."""

    request_id: int
    status: RequestStatus
    reference: str
    conference_start: datetime
    answers_needed_by: datetime
    since: datetime  # when it last changed


def due_from(going: Iterable[GoingAhead], *, now: datetime) -> list[WorkItem]:
    """Chair's checks due, and answers needed today, among requests under way."""
    work = []
    for request in going:
        facts = RequestNow(request.status, request.conference_start, now)
        if chair_check_due(facts):
            work.append(WorkItem(WorkKind.CHAIR_CHECK, request.conference_start,
                                 request.reference, request_id=request.request_id))  # fmt: skip
        elif request.status is RequestStatus.SEEKING_CONSENT and london_day(
            request.answers_needed_by
        ) == london_day(now):
            work.append(WorkItem(WorkKind.ANSWERS_DUE, request.since, request.reference,
                                 request_id=request.request_id))  # fmt: skip
    return work


def oldest_first(items: Iterable[WorkItem]) -> list[WorkItem]:
    """The work in the order it should be done: what has waited longest first."""
    return sorted(items, key=lambda item: (item.since, item.reference))
