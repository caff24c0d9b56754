"""What QA's request pages show: rows of the list, the family's answers, the allowed actions."""

from dataclasses import dataclass, fields
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from notifications.outbox import DeliveryStatus, letter_recipient
from service.domain.allowed_now import AllowedNow, RequestNow, allowed_now, chair_check_due
from service.domain.consent import Answer, who_is_asked
from service.domain.errors import NotFound
from service.domain.standing import FamilyCounts, Standing, standing
from service.domain.states import FINISHED_STATUSES, Actor, RequestStatus
from service.pdf import pdf_available
from service.record.load import record_for_row
from service.record.timeline import TimelineItem, build_timeline
from service.record.timeline_emails import delivery, latest_link_email
from service.settings import Settings
from service.store.ids import saved_id
from service.store.record_queries import EmailState
from service.store.tables import FamilyMember
from service.store.undelivered_mail import requests_with_undelivered_family_mail
from service.store.views import (
    PAGE_SIZE,
    FamilyRow,
    RequestLine,
    RequestRow,
    family_for_request,
    request_lines_page,
    request_row,
)
from service.usecases.steps.asking import family_facts
from service.usecases.steps.deadlines import answers_needed_by, answers_needed_for_start
from service.web.pages.qa.common import status_tag

FILTERS: dict[str, tuple[str, list[str] | None]] = {
    "submitted": ("Waiting for your decision", [RequestStatus.SUBMITTED.value]),
    "seeking_consent": ("Asking the family", [RequestStatus.SEEKING_CONSENT.value]),
    "confirmed": ("Going ahead", [RequestStatus.CONFIRMED.value]),
    "finished": ("Finished", sorted(s.value for s in FINISHED_STATUSES)),
    "all": ("All requests", None),
}
DONE = {
    "approved": "You approved the request. The family is being asked.",
    "declined": "The request has been declined. The trainee has been told why.",
    "withdrawn": "The request has been withdrawn.",
    "answer_recorded": "The answer has been recorded.",
    "chair_check_recorded": "The chair's check has been recorded.",
}
_ANSWER_WORDS = {"yes": "Yes", "no": "No"}


@dataclass(frozen=True)
class RequestListRow:
    """One line of the requests table."""

    id: int
    reference: str
    starts_at: datetime
    deadline: datetime
    observer: str
    tag: dict[str, str]
    # A family email that could not be delivered: someone must ask in person.
    undelivered: bool
    # The conference has started and QA has still to record what the chair found.
    chair_check_due: bool


def list_row(
    settings: Settings, line: RequestLine, *, now: datetime, undelivered: bool = False
) -> RequestListRow:
    """One line of the requests table; `undelivered` flags a family email that did not go."""
    return RequestListRow(
        id=line.id,
        reference=line.reference,
        starts_at=line.starts_at,
        deadline=answers_needed_for_start(settings, line.starts_at),
        observer=line.trainee_name,
        tag=status_tag(line.status),
        undelivered=undelivered,
        chair_check_due=chair_check_due(
            RequestNow(RequestStatus(line.status), line.starts_at, now)
        ),
    )


async def conference_requests(
    session: AsyncSession, settings: Settings, conference_id: int, *, now: datetime
) -> list[RequestListRow]:
    """Every request to observe one conference, newest first, as lines of QA's list."""
    lines = await request_lines_page(
        session, statuses=None, before_id=None, limit=PAGE_SIZE, conference_id=conference_id
    )
    undelivered = await requests_with_undelivered_family_mail(
        session, request_ids=[line.id for line in lines]
    )
    return [list_row(settings, line, now=now, undelivered=line.id in undelivered) for line in lines]


@dataclass(frozen=True)
class FamilyLine:
    """One family member on the request page: asked or not, their answer, how to reach them."""

    member: FamilyMember
    invitation_id: int | None
    asked: bool
    answer: str | None
    in_person: bool
    reason: str
    delivery: str | None = None
    undelivered: bool = False
    given: Answer | None = None  # the answer itself, where `answer` is its words


def _delivery_words(member: FamilyMember, emails: list[EmailState]) -> tuple[str | None, bool]:
    """How the person's latest link email fared, and whether it could not be delivered."""
    email = latest_link_email(
        emails, member.email, member.mobile_number, letter_recipient(saved_id(member))
    )
    if email is None:
        return None, False
    words = delivery(email, person=member.name)
    return words.sentence, email.status == DeliveryStatus.PERMANENT_FAILURE.value


def family_counts(invited: list[FamilyLine]) -> FamilyCounts:
    """How the people asked have answered, for the summary at the top of the page."""
    return FamilyCounts(
        asked=len(invited),
        said_yes=sum(line.given is Answer.YES for line in invited),
        said_no=sum(line.given is Answer.NO for line in invited),
        undelivered=sum(line.undelivered for line in invited),
    )


def family_lines(
    settings: Settings, family: list[FamilyRow], emails: list[EmailState]
) -> list[FamilyLine]:
    """Each person: asked (with their answer) or not (with the reason), and who to ask in person."""
    decisions = {
        d.member_id: d for d in who_is_asked([family_facts(f.member, settings) for f in family])
    }
    lines = []
    for row in family:
        decision = decisions.get(saved_id(row.member))
        invitation = row.invitation
        if invitation is not None and invitation.ended_at is not None:
            lines.append(_no_longer_asked(row))
            continue
        in_person = (
            invitation.ask_in_person if invitation else bool(decision and decision.ask_in_person)
        )
        sentence, undelivered = (
            _delivery_words(row.member, emails) if invitation and not in_person else (None, False)
        )
        lines.append(
            FamilyLine(
                member=row.member,
                invitation_id=saved_id(invitation) if invitation else None,
                asked=invitation is not None or (decision is not None and decision.asked),
                answer=_ANSWER_WORDS.get(invitation.current_answer or "", "Not answered yet")
                if invitation
                else None,
                in_person=in_person,
                reason=decision.reason if decision else "",
                delivery=sentence,
                undelivered=undelivered,
                given=Answer(invitation.current_answer)
                if invitation and invitation.current_answer
                else None,
            )
        )
    return lines


_ENDED_WORDS = {
    "removed": "removed from the family list",
    "no_longer_asked": "their details changed, so they no longer need to be asked",
}


def _no_longer_asked(row: FamilyRow) -> FamilyLine:
    """A person asked once who no longer is: their answer stays in the record, not here."""
    assert row.invitation is not None
    why = _ENDED_WORDS.get(row.invitation.ended_reason or "", "no longer asked")
    return FamilyLine(
        member=row.member,
        invitation_id=None,
        asked=False,
        answer=None,
        in_person=False,
        reason=f"no longer asked: {why}",
    )


@dataclass(frozen=True)
class RequestPage:
    """Everything QA's page about one request shows."""

    page_title: str
    row: RequestRow
    tag: dict[str, str]
    deadline: datetime
    family: list[FamilyLine]
    invited: list[FamilyLine]
    allowed: AllowedNow
    standing: Standing
    timeline: list[TimelineItem]
    entry_ids: set[int | None]
    pdf_copies: bool

    @property
    def newest_entry_id(self) -> int | None:
        """The latest audit entry in this request's record, which the chain check must reach."""
        return max((i for i in self.entry_ids if i is not None), default=None)

    def context(self) -> dict[str, object]:
        """The page's values by name, for its template."""
        return {field.name: getattr(self, field.name) for field in fields(self)}


async def request_view(
    session: AsyncSession, *, settings: Settings, now: datetime, request_id: int
) -> RequestPage:
    """Everything the request page shows, or NotFound."""
    row = await request_row(session, request_id=request_id)
    if row is None:
        raise NotFound("There is no such request.")
    family = await family_for_request(
        session, conference_id=saved_id(row.conference), request_id=request_id
    )
    record = await record_for_row(session, settings=settings, row=row, family=family)
    lines = family_lines(settings, family, record.emails)
    invited = [line for line in lines if line.invitation_id is not None]
    allowed = allowed_now(row.facts_at(now), Actor.QA, someone_is_asked=bool(invited))
    return RequestPage(
        page_title=f"Request to observe conference {row.conference.reference}",
        row=row,
        tag=status_tag(row.request.status),
        deadline=answers_needed_by(settings, row.conference),
        family=lines,
        invited=invited,
        allowed=allowed,
        standing=standing(RequestStatus(row.request.status), allowed, family_counts(invited)),
        timeline=build_timeline(record, now=now),
        entry_ids={entry.id for entry in record.entries},
        pdf_copies=pdf_available(),
    )
