"""A family member's answer, through their link or recorded by QA, and what follows."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from notifications.emails import EmailTemplate
from service.audit import append_audit
from service.domain.allowed_now import check_can_answer
from service.domain.answers import check_answer_before_deadline
from service.domain.audit_actions import AuditAction
from service.domain.communication import (
    CommunicationNeed,
    check_support_given,
    needs_from_storage,
    stored_needs,
    support_in_words,
)
from service.domain.consent import Answer, Channel, Wording, check_invitation_live
from service.domain.errors import DetailsChanged, InvalidInput, NotFound
from service.domain.states import Actor, RequestStatus
from service.languages import Language, parse_language
from service.links import consent_url
from service.settings import Settings
from service.store.ids import saved_id
from service.store.loading import load_staff
from service.store.locks import LockedInvitation, lock_invitation
from service.store.tables import (
    Conference,
    ConsentAnswer,
    ConsentInvitation,
    FamilyMember,
)
from service.usecases.steps.consent_outcome import decide_if_complete
from service.usecases.steps.deadlines import answers_needed_by
from service.usecases.steps.family_mail import conference_when, send_family_email
from service.usecases.steps.information_text import InformationText, compose_information_text

MAX_COMMENT_LENGTH = 2000


@dataclass(frozen=True)
class Support:
    """The support a person had when they answered in person or by phone."""

    used: frozenset[CommunicationNeed]
    interpreter_language: str | None

    def words(self) -> str:
        """As the record says it: "with an interpreter (Polish)"."""
        return support_in_words(self.used, self.interpreter_language)


def parse_answer(value: str | None) -> Answer:
    """The answer chosen on a form, or InvalidInput asking for one."""
    try:
        return Answer((value or "").strip().lower())
    except ValueError:
        raise InvalidInput("Choose yes or no.", field="decision") from None


@dataclass(frozen=True)
class LinkAnswer:
    """What a family member's answer page sends back."""

    invitation_id: int
    nonce: str
    # The fingerprint of the information the page showed: the answer is taken only if the
    # information composed now is the same, or the person is shown the new details first.
    text_sha256_seen: str
    decision: str | None
    comment: str | None = None
    # The language of the words the person read: the answer is checked against, and records,
    # the information in that language.
    language: Language = Language.ENGLISH


async def answer_through_link(
    session: AsyncSession, *, settings: Settings, now: datetime, given: LinkAnswer
) -> RequestStatus:
    """A family member's own answer through their link; commits.

    NotFound when the link was replaced, DetailsChanged when what they read is out of date.
    """
    held = await lock_invitation(session, given.invitation_id)
    # Read after the lock: a link replaced a moment ago no longer counts.
    if held.invitation.nonce != given.nonce:
        raise NotFound("There is no such invitation.")
    text = await _information_now(session, settings, held, given.language)
    if text.sha256 != given.text_sha256_seen:
        raise DetailsChanged("The details of the meeting changed. Please read them again.")
    answer = parse_answer(given.decision)
    return await _record(
        session,
        settings=settings,
        now=now,
        held=held,
        answer=answer,
        channel=Channel.LINK,
        text=text,
        comment=given.comment,
        recorded_by_id=None,
    )


async def answer_given_to_qa(
    session: AsyncSession,
    *,
    settings: Settings,
    now: datetime,
    qa_user_id: int,
    request_id: int,
    invitation_id: int,
    answer: Answer,
    channel: Channel,
    comment: str | None,
    support_used: frozenset[CommunicationNeed] = frozenset(),
) -> RequestStatus:
    """An answer a family member gave QA in person or by phone, after hearing the text in their
    language, with the support they need; commits."""
    if channel is Channel.LINK:
        raise InvalidInput("Choose how the answer was given.", field="channel")
    try:
        held = await lock_invitation(session, invitation_id)
    except NotFound:
        held = None
    if held is None or held.request.id != request_id:
        raise InvalidInput(
            "Choose the person whose answer you are recording", field="invitation_id"
        )
    member = await session.get(FamilyMember, held.invitation.family_member_id)
    assert member is not None  # the invitation's foreign key
    check_support_given(
        needs_from_storage(member.communication_needs),
        support_used,
        interpreter_language=member.interpreter_language,
    )
    language = parse_language(member.preferred_language) or Language.ENGLISH
    text = await _information_now(session, settings, held, language)
    return await _record(
        session,
        settings=settings,
        now=now,
        held=held,
        answer=answer,
        channel=channel,
        text=text,
        comment=comment,
        recorded_by_id=qa_user_id,
        support=Support(support_used, member.interpreter_language),
    )


async def _information_now(
    session: AsyncSession,
    settings: Settings,
    held: LockedInvitation,
    language: Language = Language.ENGLISH,
) -> InformationText:
    """The information this person is shown, or read out, at this moment."""
    return compose_information_text(
        settings,
        wording=Wording(held.invitation.wording),
        request=held.request,
        conference=held.conference,
        observer=await load_staff(session, held.request.trainee_id),
        language=language,
    )


async def _record(
    session: AsyncSession,
    *,
    settings: Settings,
    now: datetime,
    held: LockedInvitation,
    answer: Answer,
    channel: Channel,
    text: InformationText,
    comment: str | None,
    recorded_by_id: int | None,
    support: "Support | None" = None,
) -> RequestStatus:
    """Record one answer (a change of mind is a new row) and move the request if that decides it."""
    invitation, request, conference = held.invitation, held.request, held.conference
    invitation_id = saved_id(invitation)
    status = RequestStatus(request.status)
    check_invitation_live(ended=invitation.ended_at is not None)
    check_can_answer(now=now, conference_start=conference.starts_at, status=status)
    deadline = answers_needed_by(settings, conference)
    check_answer_before_deadline(now=now, deadline=deadline, status=status, answer=answer)
    comment = (comment or "").strip()[:MAX_COMMENT_LENGTH] or None
    previous = invitation.current_answer
    session.add(
        ConsentAnswer(
            invitation_id=invitation_id,
            answer=answer.value,
            channel=channel.value,
            language=text.language,
            text_version=text.version,
            text_sha256=text.sha256,
            comment=comment,
            support_used=stored_needs(support.used) or None if support else None,
            recorded_by_id=recorded_by_id,
            recorded_at=now,
        )
    )
    invitation.current_answer = answer.value
    invitation.answered_at = now
    await append_audit(
        session,
        now=now,
        actor_kind=Actor.FAMILY.value if recorded_by_id is None else Actor.QA.value,
        actor_id=recorded_by_id,
        action=AuditAction.ANSWER_CHANGED if previous else AuditAction.ANSWER_GIVEN,
        request_id=request.id,
        conference_id=conference.id,
        details={
            "invitation_id": invitation_id,
            "answer": answer.value,
            "previous_answer": previous,
            "channel": channel.value,
            "text_version": text.version,
            "text_sha256": text.sha256,
            **({"support": support.words()} if support and support.used else {}),
        },
    )
    # The request stays locked (and loaded) until the commit below, so the steps that follow
    # work on it as it is rather than reading it again.
    await _send_receipt(
        session,
        settings=settings,
        now=now,
        invitation=invitation,
        conference=conference,
        answer=answer,
        language=text.language,
    )
    status = await decide_if_complete(
        session, settings=settings, now=now, locked=held.locked, request=request
    )
    await session.commit()
    return status


async def _send_receipt(
    session: AsyncSession,
    *,
    settings: Settings,
    now: datetime,
    invitation: ConsentInvitation,
    conference: Conference,
    answer: Answer,
    language: str,
) -> None:
    member = await session.get(FamilyMember, invitation.family_member_id)
    if member is None or not member.email or not member.contact_by_email:
        return
    link = consent_url(settings, invitation_id=saved_id(invitation), nonce=invitation.nonce)
    await send_family_email(
        session,
        settings=settings,
        now=now,
        template=EmailTemplate.FAMILY_ANSWER_RECEIPT,
        member=member,
        request_id=invitation.request_id,
        # The receipt comes in the language the person read and answered in.
        languages=(Language(language),),
        context=lambda language: {
            "recipient_name": member.name,
            "answer": answer.value,
            "conference_when": conference_when(language, conference.starts_at),
            "consent_url": link,
        },
    )
