"""QA prints a family member's letter, to post or to hand over, and the record says who did."""

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from service.audit import append_audit
from service.domain.allowed_now import check_can_answer
from service.domain.audit_actions import AuditAction
from service.domain.consent import check_invitation_live
from service.domain.errors import DomainError, InvalidInput, NotFound
from service.domain.states import Actor, RequestStatus
from service.settings import Settings
from service.store.loading import load_staff
from service.store.locks import lock_invitation
from service.store.tables import FamilyMember
from service.usecases.steps.family_letters import FamilyLetter, compose_family_letter


async def print_family_letter(
    session: AsyncSession,
    *,
    settings: Settings,
    now: datetime,
    qa_user_id: int,
    request_id: int,
    invitation_id: int,
) -> FamilyLetter:
    """The letter asking one person, with their link as it stands; the record notes it was
    printed, and by whom. Only while they can still answer. Commits."""
    held = await lock_invitation(session, invitation_id)
    invitation, request, conference = held.invitation, held.request, held.conference
    if request.id != request_id:
        raise NotFound("There is no such invitation on this request.")
    try:
        check_invitation_live(ended=invitation.ended_at is not None)
        check_can_answer(
            now=now, conference_start=conference.starts_at, status=RequestStatus(request.status)
        )
    except DomainError:
        raise InvalidInput(
            "A letter can be printed only for someone still being asked, before the "
            "conference starts.",
            field="invitation_id",
        ) from None
    member = await session.get(FamilyMember, invitation.family_member_id)
    if member is None:
        raise NotFound("There is no such family member.")
    letter = compose_family_letter(
        settings,
        now=now,
        member=member,
        invitation=invitation,
        request=request,
        conference=conference,
        observer=await load_staff(session, request.trainee_id),
    )
    await append_audit(
        session,
        now=now,
        actor_kind=Actor.QA.value,
        actor_id=qa_user_id,
        action=AuditAction.LETTER_PRINTED,
        request_id=request.id,
        conference_id=conference.id,
        details={
            "invitation_id": invitation_id,
            "family_member_id": member.id,
            "languages": [language.value for language in letter.languages],
        },
    )
    await session.commit()
    return letter
