"""Sending a family member a new link: the new nonce voids every link sent before."""

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from service.audit import append_audit
from service.domain.allowed_now import check_can_answer
from service.domain.audit_actions import AuditAction
from service.domain.consent import check_invitation_live
from service.domain.errors import InvalidInput
from service.domain.states import Actor, RequestStatus
from service.settings import Settings
from service.store.loading import load_staff
from service.store.locks import lock_invitation
from service.store.tables import ConsentInvitation, FamilyMember
from service.usecases.steps.deadlines import answers_needed_by
from service.usecases.steps.family_links import can_be_sent_a_link, send_family_link
from service.usecases.steps.family_mail import LinkEmail
from service.usecases.steps.new_links import give_new_links


async def reissue_link(
    session: AsyncSession, *, settings: Settings, now: datetime, qa_user_id: int, invitation_id: int
) -> ConsentInvitation:
    """Give an invitation a new nonce and email the new link; every older link stops. Commits."""
    held = await lock_invitation(session, invitation_id)
    invitation, request, conference = held.invitation, held.request, held.conference
    check_invitation_live(ended=invitation.ended_at is not None)
    check_can_answer(
        now=now, conference_start=conference.starts_at, status=RequestStatus(request.status)
    )
    member = await session.get(FamilyMember, invitation.family_member_id)
    if member is None or invitation.ask_in_person or not can_be_sent_a_link(settings, member):
        raise InvalidInput("This person is asked in person, so there is no link to send.")
    give_new_links(settings, invitation)
    observer = await load_staff(session, request.trainee_id)
    await append_audit(
        session,
        now=now,
        actor_kind=Actor.QA.value,
        actor_id=qa_user_id,
        action=AuditAction.LINK_REISSUED,
        request_id=request.id,
        conference_id=conference.id,
        details={"invitation_id": invitation_id, "family_member_id": member.id},
    )
    await send_family_link(
        session,
        settings=settings,
        now=now,
        purpose=LinkEmail.INVITATION,
        invitation=invitation,
        member=member,
        request=request,
        conference=conference,
        observer=observer,
        deadline=answers_needed_by(settings, conference),
    )
    await session.commit()
    return invitation
