"""Whether a trainee may ask to observe a conference now, and if not, why: said on the list and
the ask page before any form is filled in, in the order a request itself would be refused."""

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from service.domain.errors import AlreadyAsked
from service.domain.notice import latest_request_day
from service.domain.times import london_day
from service.domain.working_days import BankHolidayRegion


class NotOpen(StrEnum):
    """Why a conference is not open to this trainee's request."""

    ASKED_BY_YOU = "asked_by_you"
    TOO_SOON = "too_soon"
    TAKEN = "taken"


@dataclass(frozen=True)
class AskingNow:
    """What a trainee can see about asking to observe one conference."""

    # The last London day a request is in time: "requests close on ...".
    last_day: date
    not_open: NotOpen | None

    @property
    def is_open(self) -> bool:
        """Whether the trainee can ask now."""
        return self.not_open is None


def asking_now(
    *,
    now: datetime,
    conference_start: datetime,
    min_notice_working_days: int,
    region: BankHolidayRegion,
    asked_by_you: bool,
    open_requests: int,
    max_observers: int,
) -> AskingNow:
    """Whether this trainee may ask about this conference now. Their own open request comes
    first, so nobody is told another trainee asked when it was them; then the notice; then
    whether the conference has all the observers it allows."""
    last_day = latest_request_day(
        conference_start=conference_start,
        min_notice_working_days=min_notice_working_days,
        region=region,
    )
    not_open = None
    if asked_by_you:
        not_open = NotOpen.ASKED_BY_YOU
    # As `check_request_in_time` refuses: once the conference started, or after the last day.
    elif now >= conference_start or london_day(now) > last_day:
        not_open = NotOpen.TOO_SOON
    elif open_requests >= max_observers:
        not_open = NotOpen.TAKEN
    return AskingNow(last_day=last_day, not_open=not_open)


def check_not_asked_already(*, asked_by_you: bool) -> None:
    """Refuse with AlreadyAsked a second request from a trainee whose first is still open."""
    if asked_by_you:
        raise AlreadyAsked(
            "You have already asked to observe this conference. "
            "You can see how your request is going on your home page."
        )
