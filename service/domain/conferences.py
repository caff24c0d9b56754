"""Rules for conferences and the family members QA lists for them."""

from datetime import date, datetime
from enum import StrEnum

from service.domain.errors import InvalidInput, ShortNoticeUnconfirmed
from service.domain.times import format_moment


class ConferenceKind(StrEnum):
    """Initial conference, or a review of an existing plan."""

    INITIAL = "initial"
    REVIEW = "review"


class ChairCheck(StrEnum):
    """What the chair found when asking the family again on the day."""

    OBSERVED = "observed"
    FAMILY_WITHDREW = "family_withdrew"


MIN_DURATION_MINUTES = 15
MAX_DURATION_MINUTES = 8 * 60


def parse_kind(value: str) -> ConferenceKind:
    """The conference kind named by `value`, or InvalidInput."""
    try:
        return ConferenceKind(value)
    except ValueError:
        raise InvalidInput(
            "Choose whether this is an initial or a review conference.", field="kind"
        ) from None


def check_duration(minutes: int) -> None:
    """A conference lasts between 15 minutes and a working day."""
    if not MIN_DURATION_MINUTES <= minutes <= MAX_DURATION_MINUTES:
        raise InvalidInput(
            f"The length must be between {MIN_DURATION_MINUTES} and {MAX_DURATION_MINUTES} "
            "minutes.",
            field="duration_minutes",
        )


def check_family_member(
    *,
    is_child: bool,
    date_of_birth: date | None,
    today: date,
    sufficient_understanding: bool | None,
    understanding_judged_by: str | None,
) -> None:
    """Refuse a family member record that could not be acted on safely (how they are reached
    is checked by `service.domain.contact`)."""
    if date_of_birth is not None and date_of_birth > today:
        raise InvalidInput("The date of birth must be in the past.", field="date_of_birth")
    if is_child and sufficient_understanding and not (understanding_judged_by or "").strip():
        raise InvalidInput(
            "Say who judged that the child has sufficient understanding to decide.",
            field="understanding_judged_by",
        )


def check_short_notice(
    *, now: datetime, new_deadline: datetime, waiting: int, confirmed: bool
) -> bool:
    """True when a move leaves no time to answer and QA confirmed it; refused unconfirmed.

    `waiting` counts the requests still waiting for QA or for the family's answers: those are
    the ones that close, under the deadline rule, when the answers were needed already.
    """
    if now < new_deadline or waiting == 0:
        return False
    if confirmed:
        return True
    requests = "request" if waiting == 1 else f"{waiting} requests"
    raise ShortNoticeUnconfirmed(
        "At the new time, the family's answers would have been needed by "
        f"{format_moment(new_deadline)}, which has passed. Nobody could answer now, so the "
        f"{requests} still waiting for answers would close and the observer would not attend. "
        "Confirm the short notice to move the conference anyway.",
        field="starts_at",
    )
