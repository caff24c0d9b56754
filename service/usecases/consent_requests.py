"""QA approves a request: the family is asked, one invitation and one link per person."""

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from service.audit import append_audit
from service.domain.consent import (
    FamilyMemberFacts,
    check_can_approve,
    require_someone_to_ask,
    who_is_asked,
    wording_for,
)
from service.domain.observers import check_acknowledged, check_before_conference
from service.domain.states import Actor, RequestEvent
from service.domain.times import format_moment, london_day
from service.links import new_nonce
from service.settings import Settings
from service.store.loading import load_conference, load_request_for_update, load_staff
from service.store.tables import ConsentInvitation, FamilyMember, ObservationRequest
from service.usecases.deadlines import answers_needed_by
from service.usecases.mail import send_email, send_family_link, staff_request_url
from service.usecases.moves import move_request


def _facts(member: FamilyMember) -> FamilyMemberFacts:
    assert member.id is not None
    return FamilyMemberFacts(
        member_id=member.id,
        is_child=member.is_child,
        has_parental_responsibility=member.has_parental_responsibility,
        sufficient_understanding=member.sufficient_understanding,
        date_of_birth=member.date_of_birth,
        contact_by_email=member.contact_by_email,
    )


async def approve_request(
    session: AsyncSession, *, settings: Settings, now: datetime, qa_user_id: int, request_id: int
) -> ObservationRequest:
    """Approve: an invitation per person asked, an email to each who may be emailed; commits."""
    request = await load_request_for_update(session, request_id)
    conference = await load_conference(session, request.conference_id)
    check_acknowledged(acknowledged=request.confidentiality_acknowledged)
    check_before_conference(now=now, conference_start=conference.starts_at, action="approve")
    deadline = answers_needed_by(settings, conference)
    check_can_approve(now=now, deadline=deadline)
    members = list(
        await session.scalars(
            select(FamilyMember)
            .where(col(FamilyMember.conference_id) == conference.id)
            .order_by(col(FamilyMember.id))
        )
    )
    decisions = who_is_asked([_facts(member) for member in members])
    require_someone_to_ask(decisions)
    await move_request(
        session,
        request=request,
        event=RequestEvent.APPROVE,
        actor=Actor.QA,
        actor_id=qa_user_id,
        now=now,
    )
    trainee = await load_staff(session, request.trainee_id)
    by_id = {member.id: member for member in members}
    for decision in decisions:
        member = by_id[decision.member_id]
        if not decision.asked:
            await append_audit(
                session,
                now=now,
                actor_kind=Actor.QA.value,
                actor_id=qa_user_id,
                action="family_member_not_asked",
                request_id=request.id,
                conference_id=conference.id,
                details={"family_member_id": member.id, "reason": decision.reason},
            )
            continue
        wording = wording_for(
            is_child=member.is_child, date_of_birth=member.date_of_birth, day=london_day(now)
        )
        invitation = ConsentInvitation(
            request_id=request_id,
            family_member_id=decision.member_id,
            nonce=new_nonce(),
            wording=wording.value,
            ask_in_person=decision.ask_in_person,
            created_at=now,
        )
        session.add(invitation)
        await session.flush()
        assert invitation.id is not None
        await append_audit(
            session,
            now=now,
            actor_kind=Actor.QA.value,
            actor_id=qa_user_id,
            action="family_member_to_ask_in_person"
            if decision.ask_in_person
            else "invitation_sent",
            request_id=request.id,
            conference_id=conference.id,
            details={
                "invitation_id": invitation.id,
                "family_member_id": member.id,
                "reason": decision.reason,
                "wording": wording.value,
            },
        )
        if decision.ask_in_person or not member.email:
            continue
        await send_family_link(
            session,
            settings=settings,
            now=now,
            purpose="invitation",
            invitation=invitation,
            member=member,
            request=request,
            conference=conference,
            observer=trainee,
            deadline=deadline,
        )
    await send_email(
        session,
        settings=settings,
        now=now,
        template="trainee_request_decided",
        recipient_role="trainee",
        to_address=trainee.email,
        request_id=request_id,
        context={
            "decision": "approved",
            "reason": "",
            "observer_name": trainee.name,
            "conference_reference": conference.reference,
            "conference_when": format_moment(conference.starts_at),
            "venue": conference.venue,
            "request_url": staff_request_url(settings, audience="trainee", request_id=request_id),
        },
    )
    await session.commit()
    return request
