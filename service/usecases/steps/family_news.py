"""Shared step: telling the people being asked that the conference has moved."""

from datetime import datetime
from functools import partial

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from notifications.emails import EmailTemplate
from service.audit import append_audit
from service.domain.audit_actions import AuditAction
from service.domain.contact import ContactChannel
from service.domain.states import Actor
from service.languages import Language, moment_in
from service.links import consent_url
from service.settings import Settings
from service.store.ids import saved_id
from service.store.loading import load_staff
from service.store.tables import Conference, ConsentInvitation, FamilyMember, ObservationRequest
from service.usecases.steps.family_letters import LetterTemplate
from service.usecases.steps.family_links import can_be_sent_a_link, post_family_letter
from service.usecases.steps.family_mail import (
    conference_when,
    family_languages,
    send_family_email,
)
from service.usecases.steps.family_texts import send_moved_text


async def tell_family_conference_moved(
    session: AsyncSession,
    *,
    settings: Settings,
    now: datetime,
    request: ObservationRequest,
    conference: Conference,
    deadline: datetime,
) -> int:
    """Email each person still asked the new date and time with their same link; returns how many.

    Their answer stands. People asked in person are told by QA, who sees them on the request.
    """
    rows = await session.execute(
        select(ConsentInvitation, FamilyMember)
        .join(FamilyMember, col(FamilyMember.id) == col(ConsentInvitation.family_member_id))
        .where(
            col(ConsentInvitation.request_id) == request.id,
            col(ConsentInvitation.ended_at).is_(None),
            col(ConsentInvitation.ask_in_person).is_(False),
        )
        .order_by(col(ConsentInvitation.id))
    )
    told = 0
    for invitation, member in rows:
        if not can_be_sent_a_link(settings, member):
            continue
        if ContactChannel(member.contact_channel) is ContactChannel.LETTER:
            # The letter again, as it now stands: the new date, and the answer date with it.
            await post_family_letter(
                session,
                settings=settings,
                now=now,
                template=LetterTemplate.MOVED,
                invitation=invitation,
                member=member,
                request=request,
                conference=conference,
                observer=await load_staff(session, request.trainee_id),
            )
            await _told(session, now=now, request=request, invitation=invitation, member=member)
            told += 1
            continue
        if ContactChannel(member.contact_channel) is ContactChannel.SMS:
            await send_moved_text(
                session,
                settings=settings,
                now=now,
                invitation=invitation,
                member=member,
                request=request,
                conference=conference,
                deadline=deadline,
            )
            await _told(session, now=now, request=request, invitation=invitation, member=member)
            told += 1
            continue
        link = consent_url(settings, invitation_id=saved_id(invitation), nonce=invitation.nonce)
        await send_family_email(
            session,
            settings=settings,
            now=now,
            template=EmailTemplate.FAMILY_CONFERENCE_MOVED,
            member=member,
            request_id=saved_id(request),
            languages=family_languages(settings, member),
            context=partial(
                _moved_words,
                name=member.name,
                conference=conference,
                answer=invitation.current_answer,
                deadline=deadline,
                link=link,
            ),
        )
        await _told(session, now=now, request=request, invitation=invitation, member=member)
        told += 1
    return told


def _moved_words(
    language: Language,
    *,
    name: str,
    conference: Conference,
    answer: str | None,
    deadline: datetime,
    link: str,
) -> dict[str, object]:
    return {
        "recipient_name": name,
        "conference_when": conference_when(language, conference.starts_at),
        "venue": conference.venue,
        "answer": answer,
        "answer_by": moment_in(language, deadline),
        "consent_url": link,
    }


async def _told(
    session: AsyncSession,
    *,
    now: datetime,
    request: ObservationRequest,
    invitation: ConsentInvitation,
    member: FamilyMember,
) -> None:
    await append_audit(
        session,
        now=now,
        actor_kind=Actor.SYSTEM.value,
        actor_id=None,
        action=AuditAction.FAMILY_TOLD_OF_MOVE,
        request_id=request.id,
        conference_id=request.conference_id,
        details={"invitation_id": saved_id(invitation), "family_member_id": member.id},
    )
