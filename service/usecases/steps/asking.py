"""Shared step: asking one family member about one request, by email link or in person."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from service.audit import append_audit
from service.domain.audit_actions import AuditAction
from service.domain.communication import (
    CommunicationNeed,
    needs_from_storage,
    support_in_person,
    support_in_words,
)
from service.domain.consent import AskDecision, FamilyMemberFacts, wording_for
from service.domain.states import Actor
from service.domain.times import london_day
from service.settings import Settings
from service.store.ids import saved_id
from service.store.tables import (
    Conference,
    ConsentInvitation,
    FamilyMember,
    ObservationRequest,
    StaffUser,
)
from service.usecases.steps.family_links import can_be_sent_a_link, send_family_link
from service.usecases.steps.family_mail import LinkEmail
from service.usecases.steps.new_links import give_new_links


def needs_easy_read(member: FamilyMember) -> bool:
    """Whether QA recorded that this person reads Easy Read."""
    return CommunicationNeed.EASY_READ in needs_from_storage(member.communication_needs)


def family_facts(member: FamilyMember, settings: Settings) -> FamilyMemberFacts:
    """What the domain needs to know to decide whether and how a person is asked."""
    return FamilyMemberFacts(
        member_id=saved_id(member),
        is_child=member.is_child,
        has_parental_responsibility=member.has_parental_responsibility,
        sufficient_understanding=member.sufficient_understanding,
        date_of_birth=member.date_of_birth,
        contact_by_email=can_be_sent_a_link(settings, member),
        needs_support_in_person=bool(
            support_in_person(needs_from_storage(member.communication_needs))
        ),
    )


def asked_in_person(settings: Settings, member: FamilyMember) -> bool:
    """Whether QA would ask this person themselves: no channel here can carry their link, or
    they need someone with them."""
    facts = family_facts(member, settings)
    return not facts.contact_by_email or facts.needs_support_in_person


async def current_family(session: AsyncSession, *, conference_id: int) -> list[FamilyMember]:
    """The family members QA listed for a conference, less those removed, in the order added."""
    rows = await session.scalars(
        select(FamilyMember)
        .where(
            col(FamilyMember.conference_id) == conference_id,
            col(FamilyMember.removed_at).is_(None),
        )
        .order_by(col(FamilyMember.id))
        .execution_options(populate_existing=True)
    )
    return list(rows)


@dataclass(frozen=True)
class AskingContext:
    """The request a family member is asked about, and what their email needs to say."""

    settings: Settings
    now: datetime
    qa_user_id: int
    request: ObservationRequest
    conference: Conference
    observer: StaffUser
    deadline: datetime


async def ask_family_member(
    session: AsyncSession,
    *,
    context: AskingContext,
    member: FamilyMember,
    decision: AskDecision,
    invitation: ConsentInvitation | None = None,
) -> ConsentInvitation:
    """Make (or reopen) a person's invitation with a fresh link, record it, email it if allowed."""
    request, conference, now = context.request, context.conference, context.now
    wording = wording_for(
        is_child=member.is_child,
        date_of_birth=member.date_of_birth,
        day=london_day(now),
        easy_read=needs_easy_read(member),
    )
    support = support_in_words(
        needs_from_storage(member.communication_needs), member.interpreter_language
    )
    if invitation is None:
        invitation = ConsentInvitation(
            request_id=saved_id(request),
            family_member_id=saved_id(member),
            nonce="",
            wording=wording.value,
            ask_in_person=decision.ask_in_person,
            created_at=now,
        )
        give_new_links(context.settings, invitation)
        session.add(invitation)
    else:
        # Asked again after their invitation ended: a new link, and earlier answers no longer
        # count, so they are asked afresh.
        give_new_links(context.settings, invitation)
        invitation.wording = wording.value
        invitation.ask_in_person = decision.ask_in_person
        invitation.current_answer = None
        invitation.answered_at = None
        invitation.ended_at = None
        invitation.ended_reason = None
    await session.flush()
    await append_audit(
        session,
        now=now,
        actor_kind=Actor.QA.value,
        actor_id=context.qa_user_id,
        action=AuditAction.FAMILY_MEMBER_TO_ASK_IN_PERSON
        if decision.ask_in_person
        else AuditAction.INVITATION_SENT,
        request_id=request.id,
        conference_id=conference.id,
        details={
            "invitation_id": invitation.id,
            "family_member_id": member.id,
            "reason": decision.reason,
            "wording": wording.value,
            # Why in person: the support they need ("with their advocate"), when that is why.
            **({"support": support} if decision.ask_in_person and support else {}),
        },
    )
    if not decision.ask_in_person:
        await send_family_link(
            session,
            settings=context.settings,
            now=now,
            purpose=LinkEmail.INVITATION,
            invitation=invitation,
            member=member,
            request=request,
            conference=conference,
            observer=context.observer,
            deadline=context.deadline,
        )
    return invitation
