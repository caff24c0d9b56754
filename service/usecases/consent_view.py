"""What a family member's link opens: their invitation and what they need to decide. Reads only."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from service.domain.consent import Answer, Wording
from service.domain.errors import NotFound
from service.domain.states import RequestStatus
from service.languages import Language, parse_language
from service.settings import Settings
from service.store.ids import saved_id
from service.store.tables import (
    Conference,
    ConsentInvitation,
    FamilyMember,
    ObservationRequest,
    StaffUser,
)
from service.usecases.steps.deadlines import answers_needed_by
from service.usecases.steps.information_text import InformationText, compose_information_text


@dataclass(frozen=True)
class ConsentView:
    """One person's invitation with the request, conference and observer it is about."""

    invitation: ConsentInvitation
    member: FamilyMember
    request: ObservationRequest
    conference: Conference
    observer: StaffUser
    deadline: datetime
    # The language the page is shown in, and the information composed in.
    language: Language
    information: InformationText

    @property
    def invitation_id(self) -> int:
        """The invitation's id: always set, since it was read from the database."""
        return saved_id(self.invitation)

    @property
    def wording(self) -> Wording:
        """The adult or the young person's wording, fixed when the invitation was made."""
        return Wording(self.invitation.wording)

    @property
    def status(self) -> RequestStatus:
        """Where the request stands."""
        return RequestStatus(self.request.status)

    @property
    def current_answer(self) -> Answer | None:
        """This person's latest answer, if they gave one."""
        return Answer(self.invitation.current_answer) if self.invitation.current_answer else None

    def has_started(self, now: datetime) -> bool:
        """True once the conference has begun: links stop working then."""
        return now >= self.conference.starts_at


# Built once: every visit and every answer runs it, and building costs more than running.
_INVITATION_WITH_ALL_IT_NAMES = (
    select(ConsentInvitation, FamilyMember, ObservationRequest, Conference, StaffUser)
    .join(FamilyMember, col(FamilyMember.id) == col(ConsentInvitation.family_member_id))
    .join(ObservationRequest, col(ObservationRequest.id) == col(ConsentInvitation.request_id))
    .join(Conference, col(Conference.id) == col(ObservationRequest.conference_id))
    .join(StaffUser, col(StaffUser.id) == col(ObservationRequest.trainee_id))
    .where(col(ConsentInvitation.id) == bindparam("id"))
)


async def load_consent_view(
    session: AsyncSession,
    *,
    settings: Settings,
    invitation_id: int,
    nonce: str,
    language: Language | None = None,
) -> ConsentView:
    """The invitation a link names, or NotFound when it does not exist or the link was replaced."""
    row = (await session.execute(_INVITATION_WITH_ALL_IT_NAMES, {"id": invitation_id})).first()
    if row is None or row[0].nonce != nonce:
        raise NotFound("This link does not work.")
    invitation, member, request, conference, observer = row
    # A language the person chose on the page wins; else the one QA recorded; else English.
    shown_in = language or parse_language(member.preferred_language) or Language.ENGLISH
    return ConsentView(
        invitation=invitation,
        member=member,
        request=request,
        conference=conference,
        observer=observer,
        deadline=answers_needed_by(settings, conference),
        language=shown_in,
        information=compose_information_text(
            settings,
            wording=Wording(invitation.wording),
            request=request,
            conference=conference,
            observer=observer,
            language=shown_in,
        ),
    )
