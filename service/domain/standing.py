"""Where a request stands and the one thing QA does next: the top of QA's request page.

Worked out from the same facts the page's actions are offered by (`allowed_now`), so the next
step it names is always one the page offers, and finished requests say there is nothing left.
"""

from dataclasses import dataclass

from service.domain.allowed_now import AllowedNow
from service.domain.states import RequestStatus


@dataclass(frozen=True)
class FamilyCounts:
    """How the people asked about a request have answered so far."""

    asked: int
    said_yes: int
    said_no: int
    undelivered: int  # people whose link could not be delivered to them

    @property
    def waiting(self) -> int:
        """People asked who have not answered."""
        return self.asked - self.said_yes - self.said_no


@dataclass(frozen=True)
class Standing:
    """One sentence on where the request stands, and the next step with where it is done."""

    where: str
    next_step: str
    # The part of the page where the next step is taken; None when it is done elsewhere or
    # there is nothing to do.
    next_anchor: str | None = None


_FINISHED: dict[RequestStatus, str] = {
    RequestStatus.DECLINED: "Declined. The trainee has been told, with your reason.",
    RequestStatus.NOT_GOING_AHEAD: "Not going ahead: someone in the family said no, "
    "or the conference closed to observers.",
    RequestStatus.LAPSED: "Lapsed: not everyone answered by the time answers were needed.",
    RequestStatus.WITHDRAWN: "Withdrawn. Everyone who needed to know has been told.",
    RequestStatus.CANCELLED: "The conference was cancelled, so this request ended.",
    RequestStatus.COMPLETED: "Observed: the chair confirmed the trainee observed.",
}


def _people(count: int) -> str:
    return "1 person" if count == 1 else f"{count} people"


def _family_answers(family: FamilyCounts) -> str:
    parts = [f"{family.said_yes} said yes"]
    if family.said_no:
        parts.append(f"{family.said_no} said no")
    parts.append(f"{family.waiting} not answered yet")
    return f"{_people(family.asked)} asked: " + ", ".join(parts) + "."


def standing(status: RequestStatus, allowed: AllowedNow, family: FamilyCounts) -> Standing:
    """Where the request stands now and what QA does next."""
    if status in _FINISHED:
        return Standing(_FINISHED[status], "Nothing more to do.")
    if status is RequestStatus.SUBMITTED:
        where = "Waiting for your decision. Nobody in the family has been asked yet."
        if allowed.approve:
            return Standing(where, "Approve to ask the family, or decline.", "approve")
        return Standing(
            where,
            "Decline, or wait until the trainee confirms the confidentiality statement.",
            "approve",
        )
    if status is RequestStatus.SEEKING_CONSENT:
        where = "Asking the family. " + _family_answers(family)
        if family.undelivered and allowed.record_answer:
            return Standing(
                where,
                f"A message to {_people(family.undelivered)} could not be delivered: "
                "ask them in person and record their answer.",
                "record-answer",
            )
        return Standing(
            where,
            "Wait for the family's answers. Record any answer given to you in person or by phone.",
            "record-answer" if allowed.record_answer else None,
        )
    # Going ahead: everyone said yes, and anyone may still change their mind until it starts.
    where = "Going ahead: everyone asked said yes. They can change their mind until it starts."
    if allowed.chair_check:
        return Standing(where, "Record the chair's check.", "chair-check")
    return Standing(where, "On the day of the conference, record the chair's check.")
