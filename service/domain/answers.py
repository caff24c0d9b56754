"""When a family member's answer can still count."""

from datetime import datetime

from service.domain.consent import Answer
from service.domain.errors import ClosedBecause, ConsentClosed
from service.domain.states import RequestStatus
from service.domain.times import format_moment


def check_answer_before_deadline(
    *, now: datetime, deadline: datetime, status: RequestStatus, answer: Answer
) -> None:
    """After the deadline a first agreement comes too late, but a no is always heard."""
    # Silence is never consent, so a yes that arrives after the deadline cannot complete the
    # agreement; a no can only stop the observation, which is always safe to honour.
    if status is RequestStatus.SEEKING_CONSENT and answer is Answer.YES and now >= deadline:
        raise ConsentClosed(
            f"Answers were needed by {format_moment(deadline)}, so the observer will not attend. "
            "You do not need to do anything else.",
            because=ClosedBecause.DEADLINE_PASSED,
            deadline=deadline,
        )
