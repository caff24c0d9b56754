"""The family's consent: who is asked, by when, in which words, and what their answers mean."""

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from functools import lru_cache

from service.domain.errors import ClosedBecause, ConsentClosed, IllegalTransition, NoOneToAsk
from service.domain.states import RequestEvent, RequestStatus
from service.domain.times import format_moment, london_day, london_time
from service.domain.working_days import (
    BankHolidayRegion,
    add_working_days,
    subtract_working_days,
)

DEADLINE_HOUR = 17
SUGGESTED_UNDERSTANDING_AGE = 12
ADULT_AGE = 18


class Answer(StrEnum):
    """What a family member said."""

    YES = "yes"
    NO = "no"


class ConsentOutcome(StrEnum):
    """Where the family's answers, taken together, leave the request."""

    EVERYONE_AGREED = "everyone_agreed"
    SOMEONE_REFUSED = "someone_refused"
    WAITING = "waiting"


class Wording(StrEnum):
    """Which version of the information text a family member reads."""

    ADULT = "adult"
    YOUNG_PERSON = "young_person"
    # For adults QA records as needing Easy Read: short sentences with a picture beside each.
    EASY_READ = "easy_read"


class Channel(StrEnum):
    """How an answer reached the Service."""

    LINK = "link"
    IN_PERSON = "in_person"
    PHONE = "phone"


@dataclass(frozen=True)
class FamilyMemberFacts:
    """What QA recorded about a family member that decides whether and how they are asked."""

    member_id: int
    is_child: bool
    has_parental_responsibility: bool
    sufficient_understanding: bool | None
    date_of_birth: date | None
    contact_by_email: bool
    # An interpreter, a BSL interpreter or an advocate must be with them when they are asked.
    needs_support_in_person: bool = False


@dataclass(frozen=True)
class AskDecision:
    """Whether a family member is asked, why, and whether someone must ask them in person."""

    member_id: int
    asked: bool
    reason: str
    ask_in_person: bool


# Asked for every page, answer and list line about a conference; the same start always gives
# the same deadline, and counting working days back is the costly part.
@lru_cache(maxsize=4096)
def consent_deadline(
    *, conference_start: datetime, deadline_working_days: int, region: BankHolidayRegion
) -> datetime:
    """17:00 London, `deadline_working_days` working days before the conference (UTC)."""
    day = subtract_working_days(london_day(conference_start), deadline_working_days, region=region)
    return min(london_time(day, DEADLINE_HOUR), conference_start)


def latest_start_with_answers_due_on(
    day: date, *, deadline_working_days: int, region: BankHolidayRegion
) -> date:
    """The last day a conference can start and have its family's answers due on `day`: the
    answers are due that many working days before the start, so it starts no later than that
    many working days after. Lets a query read only the conferences whose answers may be due."""
    return add_working_days(day, deadline_working_days, region=region)


def _decide(member: FamilyMemberFacts) -> tuple[bool, str]:
    # Parental responsibility decides first: a parent under 18 is still a parent (para 2.6.5).
    if member.has_parental_responsibility:
        return True, "has parental responsibility"
    if not member.is_child:
        return False, "an adult without parental responsibility"
    if member.sufficient_understanding is True:
        return True, "judged to have sufficient understanding to decide"
    if member.sufficient_understanding is False:
        return False, "not judged to have sufficient understanding to decide"
    return False, "nobody has yet judged whether they have sufficient understanding to decide"


def who_is_asked(members: Sequence[FamilyMemberFacts]) -> list[AskDecision]:
    """For each family member, in order: asked or not, and the reason in plain words."""
    decisions = []
    for member in members:
        asked, reason = _decide(member)
        decisions.append(
            AskDecision(
                member_id=member.member_id,
                asked=asked,
                reason=reason,
                ask_in_person=asked
                and (not member.contact_by_email or member.needs_support_in_person),
            )
        )
    return decisions


def require_someone_to_ask(decisions: Sequence[AskDecision]) -> None:
    """Refuse with NoOneToAsk when nobody in the family would be asked."""
    if not any(decision.asked for decision in decisions):
        raise NoOneToAsk(
            "Nobody in the family is listed to be asked, so the request cannot go to the family. "
            "Add the adults with parental responsibility, and any child judged to have "
            "sufficient understanding to decide, then approve the request again."
        )


def age_on(*, date_of_birth: date, day: date) -> int:
    """Whole years of age on `day` (negative before birth; 29 February birthdays on 1 March)."""
    before_birthday = (day.month, day.day) < (date_of_birth.month, date_of_birth.day)
    return day.year - date_of_birth.year - before_birthday


def suggest_sufficient_understanding(*, date_of_birth: date | None, day: date) -> bool:
    """The form's starting suggestion, from age 12; QA's judgement decides, never age alone."""
    if date_of_birth is None:
        return False
    return age_on(date_of_birth=date_of_birth, day=day) >= SUGGESTED_UNDERSTANDING_AGE


def wording_for(
    *, is_child: bool, date_of_birth: date | None, day: date, easy_read: bool = False
) -> Wording:
    """Young person's wording for anyone under 18 on `day`, or a child of unknown age; for an
    adult, Easy Read where QA recorded that they need it, else the adult wording."""
    adult = Wording.EASY_READ if easy_read else Wording.ADULT
    if date_of_birth is None:
        return Wording.YOUNG_PERSON if is_child else adult
    if age_on(date_of_birth=date_of_birth, day=day) < ADULT_AGE:
        return Wording.YOUNG_PERSON
    return adult


def consent_outcome(
    *, asked_member_ids: Collection[int], answers: Mapping[int, Answer]
) -> ConsentOutcome:
    """Unanimity: one no from anyone asked stops it; everyone asked saying yes lets it go ahead."""
    given = [answers.get(member_id) for member_id in asked_member_ids]
    if Answer.NO in given:
        return ConsentOutcome.SOMEONE_REFUSED
    # Silence is never consent, and nobody asked is not everyone agreeing.
    if given and all(answer is Answer.YES for answer in given):
        return ConsentOutcome.EVERYONE_AGREED
    return ConsentOutcome.WAITING


def event_for_outcome(*, status: RequestStatus, outcome: ConsentOutcome) -> RequestEvent | None:
    """The event the family's answers cause in this state, or None when nothing changes."""
    if outcome is ConsentOutcome.EVERYONE_AGREED and status is RequestStatus.SEEKING_CONSENT:
        return RequestEvent.EVERYONE_AGREED
    if outcome is ConsentOutcome.SOMEONE_REFUSED and status in (
        RequestStatus.SEEKING_CONSENT,
        RequestStatus.CONFIRMED,
    ):
        return RequestEvent.SOMEONE_REFUSED
    return None


def check_invitation_live(*, ended: bool) -> None:
    """Refuse with ConsentClosed an answer from someone who no longer needs to be asked."""
    if ended:
        raise ConsentClosed(
            "This request is no longer active. You do not need to do anything.",
            because=ClosedBecause.NO_LONGER_ACTIVE,
        )


def check_can_approve(*, now: datetime, deadline: datetime) -> None:
    """Refuse with IllegalTransition an approval that leaves the family no time to answer."""
    if now >= deadline:
        raise IllegalTransition(
            "It is too late to ask the family: their answers were needed by "
            f"{format_moment(deadline)}."
        )
