"""What correcting the family means for each person's invitation while the family is asked."""

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from service.domain.errors import IllegalTransition
from service.domain.times import format_moment


class InvitationStep(StrEnum):
    """What happens to one person's invitation after QA corrects the family."""

    KEEP = "keep"  # nothing changes for them
    ASK = "ask"  # they must be asked and are not yet: ask them now
    END = "end"  # they no longer need to be asked: their link stops, their answer stops counting
    NEW_LINK = "new_link"  # a new address: the old link stops and a new one goes there
    ASK_IN_PERSON = "ask_in_person"  # not to be emailed now: the link stops, QA asks in person


@dataclass(frozen=True)
class Invited:
    """How a person is being asked today, if they are."""

    in_person: bool


def invitation_step(
    *, invited: Invited | None, must_be_asked: bool, in_person: bool, email_changed: bool
) -> InvitationStep:
    """The step for one person, from how they are asked now and what QA recorded."""
    if not must_be_asked:
        return InvitationStep.END if invited else InvitationStep.KEEP
    if invited is None:
        return InvitationStep.ASK
    if in_person:
        return InvitationStep.KEEP if invited.in_person else InvitationStep.ASK_IN_PERSON
    if invited.in_person or email_changed:
        return InvitationStep.NEW_LINK
    return InvitationStep.KEEP


def check_family_can_change(*, now: datetime, conference_start: datetime) -> None:
    """The family's details can be corrected until the conference starts."""
    if now >= conference_start:
        raise IllegalTransition(
            "The conference has started, so the family's details can no longer be changed."
        )


def check_time_to_ask(*, now: datetime, deadline: datetime) -> None:
    """A person who must be asked can only be added while there is time for them to answer."""
    if now >= deadline:
        raise IllegalTransition(
            "This person would have to be asked, but the family's answers were needed by "
            f"{format_moment(deadline)}, so there is no time left for them to answer. Withdraw "
            "the request first, or leave the family as it is."
        )


def check_someone_still_asked(*, still_asked: int) -> None:
    """A correction cannot leave a request being put to nobody."""
    if still_asked == 0:
        raise IllegalTransition(
            "After this change nobody in the family would be asked about the observer. "
            "Withdraw the request instead."
        )
