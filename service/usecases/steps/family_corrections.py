"""Shared step: after QA corrects the family, each request being put to them follows suit.

For every request the family is being asked about, the corrected person is asked if they now
must be, stops being asked if they no longer must be (their link stops; what they answered stays
in the record), gets a new link at a new address, or is moved to being asked in person.
"""

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from notifications.calendar import CalendarMethod
from service.audit import append_audit
from service.domain.audit_actions import AuditAction
from service.domain.consent import AskDecision, Wording, who_is_asked
from service.domain.family_changes import (
    InvitationStep,
    Invited,
    check_someone_still_asked,
    check_time_to_ask,
    invitation_step,
)
from service.domain.states import Actor, RequestEvent, RequestStatus
from service.settings import Settings
from service.store.loading import load_staff
from service.store.locks import LockedConference
from service.store.tables import ConsentInvitation, FamilyMember, ObservationRequest
from service.usecases.steps.asking import (
    AskingContext,
    ask_family_member,
    family_facts,
    needs_easy_read,
)
from service.usecases.steps.consent_outcome import decide_if_complete, live_invitations
from service.usecases.steps.deadlines import answers_needed_by
from service.usecases.steps.family_links import send_family_link
from service.usecases.steps.family_mail import LinkEmail
from service.usecases.steps.mail import send_calendar
from service.usecases.steps.moves import move_request
from service.usecases.steps.new_links import give_new_links

_BEING_ASKED = (RequestStatus.SEEKING_CONSENT, RequestStatus.CONFIRMED)


async def _invitation_of(
    session: AsyncSession, *, request_id: int | None, member_id: int | None
) -> ConsentInvitation | None:
    invitation: ConsentInvitation | None = await session.scalar(
        select(ConsentInvitation)
        .where(
            col(ConsentInvitation.request_id) == request_id,
            col(ConsentInvitation.family_member_id) == member_id,
        )
        .execution_options(populate_existing=True)
    )
    return invitation


async def bring_requests_up_to_date(
    session: AsyncSession,
    *,
    settings: Settings,
    now: datetime,
    qa_user_id: int,
    locked: LockedConference,
    member: FamilyMember,
    email_changed: bool,
) -> None:
    """Apply a correction of `member` to every request being put to the family (no commit)."""
    decision = who_is_asked([family_facts(member, settings)])[0]
    must_be_asked = decision.asked and member.removed_at is None
    for request in locked.requests:
        if RequestStatus(request.status) not in _BEING_ASKED:
            continue
        invitation = await _invitation_of(session, request_id=request.id, member_id=member.id)
        live = invitation is not None and invitation.ended_at is None
        if invitation is not None and live:
            _words_follow_easy_read(invitation, member)
        step = invitation_step(
            invited=Invited(in_person=invitation.ask_in_person) if invitation and live else None,
            must_be_asked=must_be_asked,
            in_person=decision.ask_in_person,
            email_changed=email_changed,
        )
        if step is InvitationStep.KEEP:
            continue
        context = AskingContext(
            settings=settings,
            now=now,
            qa_user_id=qa_user_id,
            request=request,
            conference=locked.conference,
            observer=await load_staff(session, request.trainee_id),
            deadline=answers_needed_by(settings, locked.conference),
        )
        if step is InvitationStep.ASK:
            await _ask_someone_new(session, context, member, decision, invitation, locked)
        elif step is InvitationStep.END:
            assert invitation is not None
            await _stop_asking(session, context, member, invitation, locked)
        else:
            assert invitation is not None
            await _new_link_or_in_person(session, context, member, invitation, step)


def _words_follow_easy_read(invitation: ConsentInvitation, member: FamilyMember) -> None:
    # An adult being asked reads Easy Read from the moment QA records that they need it (and
    # the adult words if QA takes it away); a young person keeps the words for their age. A
    # page already open notices the change and asks them to read again before answering.
    if invitation.wording != Wording.YOUNG_PERSON:
        invitation.wording = (Wording.EASY_READ if needs_easy_read(member) else Wording.ADULT).value


async def _ask_someone_new(
    session: AsyncSession,
    context: AskingContext,
    member: FamilyMember,
    decision: AskDecision,
    invitation: ConsentInvitation | None,
    locked: LockedConference,
) -> None:
    request = context.request
    check_time_to_ask(now=context.now, deadline=context.deadline)
    if request.status == RequestStatus.CONFIRMED:
        # Unanimity: the observation waits again until the new person has agreed too.
        await move_request(
            session,
            settings=context.settings,
            request=request,
            event=RequestEvent.NEW_PERSON_TO_ASK,
            actor=Actor.QA,
            actor_id=context.qa_user_id,
            now=context.now,
            details={"family_member_id": member.id},
            calendar_sequence=request.calendar_sequence + 1,
        )
        await send_calendar(
            session,
            settings=context.settings,
            now=context.now,
            method=CalendarMethod.CANCEL,
            request=request,
            conference=locked.conference,
            observer=context.observer,
        )
    await ask_family_member(
        session, context=context, member=member, decision=decision, invitation=invitation
    )


async def _stop_asking(
    session: AsyncSession,
    context: AskingContext,
    member: FamilyMember,
    invitation: ConsentInvitation,
    locked: LockedConference,
) -> None:
    request: ObservationRequest = context.request
    others = [i for i in await live_invitations(session, request_id=request.id) if i != invitation]
    check_someone_still_asked(still_asked=len(others))
    invitation.ended_at = context.now
    invitation.ended_reason = "removed" if member.removed_at else "no_longer_asked"
    # A new nonce too, so every link already sent stops at once.
    give_new_links(context.settings, invitation)
    await session.flush()
    await append_audit(
        session,
        now=context.now,
        actor_kind=Actor.QA.value,
        actor_id=context.qa_user_id,
        action=AuditAction.INVITATION_ENDED,
        request_id=request.id,
        conference_id=locked.conference_id,
        details={
            "invitation_id": invitation.id,
            "family_member_id": member.id,
            "reason": invitation.ended_reason,
            "answer_kept": invitation.current_answer,
        },
    )
    await decide_if_complete(
        session, settings=context.settings, now=context.now, locked=locked, request=request
    )


async def _new_link_or_in_person(
    session: AsyncSession,
    context: AskingContext,
    member: FamilyMember,
    invitation: ConsentInvitation,
    step: InvitationStep,
) -> None:
    give_new_links(context.settings, invitation)
    invitation.ask_in_person = step is InvitationStep.ASK_IN_PERSON
    await session.flush()
    reason = "email changed" if step is InvitationStep.NEW_LINK else "not to be emailed"
    await append_audit(
        session,
        now=context.now,
        actor_kind=Actor.QA.value,
        actor_id=context.qa_user_id,
        action=AuditAction.LINK_REISSUED
        if step is InvitationStep.NEW_LINK
        else AuditAction.FAMILY_MEMBER_TO_ASK_IN_PERSON,
        request_id=context.request.id,
        conference_id=context.conference.id,
        details={
            "invitation_id": invitation.id,
            "family_member_id": member.id,
            "reason": reason,
            "wording": invitation.wording,
        },
    )
    if step is InvitationStep.NEW_LINK:
        await send_family_link(
            session,
            settings=context.settings,
            now=context.now,
            purpose=LinkEmail.INVITATION,
            invitation=invitation,
            member=member,
            request=context.request,
            conference=context.conference,
            observer=context.observer,
            deadline=context.deadline,
        )
