"""QA approves a request: the family is asked, one invitation and one link per person."""

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from notifications.emails import EmailTemplate
from notifications.outbox import RecipientRole
from service.audit import append_audit
from service.domain.allowed_now import check_before_conference
from service.domain.audit_actions import AuditAction
from service.domain.consent import check_can_approve, require_someone_to_ask, who_is_asked
from service.domain.observers import (
    check_acknowledged,
    check_family_not_asked_again,
    check_promise_current,
)
from service.domain.states import Actor, RequestEvent
from service.domain.times import format_moment
from service.settings import Settings
from service.store.loading import load_staff
from service.store.locks import lock_request
from service.store.tables import ObservationRequest
from service.usecases.steps.asking import (
    AskingContext,
    ask_family_member,
    current_family,
    family_facts,
)
from service.usecases.steps.deadlines import answers_needed_by
from service.usecases.steps.mail import send_email, staff_request_url
from service.usecases.steps.moves import move_request


async def approve_request(
    session: AsyncSession, *, settings: Settings, now: datetime, qa_user_id: int, request_id: int
) -> ObservationRequest:
    """Approve: an invitation per person asked, an email to each who may be emailed; commits."""
    held = await lock_request(session, request_id)
    request, conference = held.request, held.conference
    check_acknowledged(acknowledged=request.confidentiality_acknowledged)
    check_promise_current(promised_version=request.confidentiality_statement_version)
    check_before_conference(now=now, conference_start=conference.starts_at, action="approve")
    check_family_not_asked_again(family_said_no=conference.family_said_no_at is not None)
    deadline = answers_needed_by(settings, conference)
    check_can_approve(now=now, deadline=deadline)
    # Read under the conference's lock: nobody can be added while the family is being listed.
    members = await current_family(session, conference_id=held.locked.conference_id)
    decisions = who_is_asked([family_facts(member, settings) for member in members])
    require_someone_to_ask(decisions)
    await move_request(
        session,
        settings=settings,
        request=request,
        event=RequestEvent.APPROVE,
        actor=Actor.QA,
        actor_id=qa_user_id,
        now=now,
    )
    trainee = await load_staff(session, request.trainee_id)
    context = AskingContext(
        settings=settings,
        now=now,
        qa_user_id=qa_user_id,
        request=request,
        conference=conference,
        observer=trainee,
        deadline=deadline,
    )
    by_id = {member.id: member for member in members}
    for decision in decisions:
        member = by_id[decision.member_id]
        if decision.asked:
            await ask_family_member(session, context=context, member=member, decision=decision)
            continue
        await append_audit(
            session,
            now=now,
            actor_kind=Actor.QA.value,
            actor_id=qa_user_id,
            action=AuditAction.FAMILY_MEMBER_NOT_ASKED,
            request_id=request.id,
            conference_id=conference.id,
            details={"family_member_id": member.id, "reason": decision.reason},
        )
    await send_email(
        session,
        settings=settings,
        now=now,
        template=EmailTemplate.TRAINEE_REQUEST_DECIDED,
        recipient_role=RecipientRole.TRAINEE,
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
