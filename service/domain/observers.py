"""Rules about the observer: one at a time, the confidentiality promise, and timing."""

import re
from datetime import datetime, timedelta

from service.domain.confidentiality import CONFIDENTIALITY_STATEMENT_VERSION
from service.domain.errors import (
    AcknowledgementMissing,
    ClosedToObservers,
    ConferenceAlreadyTaken,
    IllegalTransition,
    InvalidConferenceTime,
    InvalidInput,
    PromiseOutOfDate,
)
from service.domain.states import RequestStatus
from service.domain.times import format_moment, require_aware


def check_observer_capacity(*, open_requests_for_conference: int, max_observers: int) -> None:
    """Refuse with ConferenceAlreadyTaken when the conference has all the observers it allows."""
    if open_requests_for_conference < max_observers:
        return
    if max_observers == 1:
        raise ConferenceAlreadyTaken(
            "Another trainee has already asked to observe this conference. "
            "Only one observer can attend."
        )
    raise ConferenceAlreadyTaken(
        "Other trainees have already asked to observe this conference. "
        f"Only {max_observers} observers can attend."
    )


def check_acknowledged(*, acknowledged: bool) -> None:
    """Refuse with AcknowledgementMissing unless the observer accepted the confidentiality text."""
    if not acknowledged:
        raise AcknowledgementMissing(
            "The observer must confirm that they will keep everything about the conference "
            "confidential, by accepting the confidentiality statement, before the request can "
            "go ahead."
        )


def promise_is_current(*, promised_version: str) -> bool:
    """True when the observer's promise was to the confidentiality statement in force now."""
    return promised_version == CONFIDENTIALITY_STATEMENT_VERSION


def check_promise_current(*, promised_version: str) -> None:
    """Refuse with PromiseOutOfDate a promise made to an earlier confidentiality statement."""
    if not promise_is_current(promised_version=promised_version):
        raise PromiseOutOfDate(
            f"The trainee promised to keep the conference confidential under version "
            f"{promised_version} of the confidentiality statement, and it is now version "
            f"{CONFIDENTIALITY_STATEMENT_VERSION}. The request can be approved once they confirm "
            "the current statement: their request page asks them to."
        )


def asked_to_promise_again(*, status: RequestStatus, promised_version: str) -> bool:
    """True when the trainee is asked to confirm the current statement: their request waits for
    QA's decision, and approving it needs a promise to the statement in force now."""
    return status is RequestStatus.SUBMITTED and not promise_is_current(
        promised_version=promised_version
    )


def check_promise_renewable(*, status: RequestStatus, promised_version: str) -> bool:
    """Whether a new promise changes anything: False when the current statement is already
    promised; IllegalTransition once QA has decided, when a new promise would change nothing."""
    if asked_to_promise_again(status=status, promised_version=promised_version):
        return True
    if status is RequestStatus.SUBMITTED:
        return False  # already the current statement: a second click changes nothing
    raise IllegalTransition(
        "The confidentiality statement can be confirmed again only while the request waits "
        "for a decision."
    )


# Conferences are booked weeks ahead, not years: a date further out is almost always a typo.
MAX_SCHEDULING_AHEAD = timedelta(days=2 * 366)


def check_conference_time(*, starts_at: datetime, now: datetime) -> datetime:
    """The start time in UTC, or InvalidConferenceTime when it has no timezone or has passed."""
    start = require_aware(starts_at, what="conference start time")
    if start <= now:
        raise InvalidConferenceTime(
            f"The conference start time must be in the future: {format_moment(start)} "
            "has already passed."
        )
    if start - now > MAX_SCHEDULING_AHEAD:
        raise InvalidConferenceTime(
            "The conference start time must be within two years from now. Check the year."
        )
    return start


def check_family_has_not_said_no(*, family_said_no: bool) -> None:
    """A no is final: refuse a trainee's request about a conference whose family said no."""
    # The trainee is not told why: that the family said no is the family's business.
    if family_said_no:
        raise ClosedToObservers(
            "This conference is no longer open to observers. Choose another conference."
        )


def check_family_not_asked_again(*, family_said_no: bool) -> None:
    """A no is final: refuse to put another request to a family who said no."""
    if family_said_no:
        raise IllegalTransition(
            "Someone in the family has said no to an observer at this conference, so the "
            "family cannot be asked again."
        )


# A scheme, "www.", or a name ending in a common top-level domain (including an email address).
_WEB_ADDRESS = re.compile(
    r"(?i)(?:\b[a-z][a-z0-9+.-]*://|\bwww\.|"
    r"\b[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:com|org|net|uk|gov|nhs|io|co|info|biz|me|ly|app|xyz|"
    r"link|site|online|ru|cn|tk)\b)"
)


def check_no_web_address(text: str, *, field: str, what: str) -> None:
    """Refuse a web or email address in words a family will read: only QA sends them links."""
    if _WEB_ADDRESS.search(text):
        raise InvalidInput(
            f"Remove the web or email address from {what}. The family reads this, and the only "
            "links they should ever follow come from the QA Service.",
            field=field,
        )
