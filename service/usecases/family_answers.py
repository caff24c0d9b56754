"""A family member's answer, through their link or recorded by QA, and what follows."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from service.audit import append_audit
from service.domain.answers import check_answer_before_deadline
from service.domain.consent import (
    Answer,
    Channel,
    check_can_answer,
    check_invitation_live,
)
from service.domain.errors import InvalidInput, NotFound
from service.domain.states import Actor, RequestStatus
from service.domain.times import format_moment
from service.links import consent_url
from service.settings import Settings
from service.store.locks import lock_invitation
from service.store.tables import (
    Conference,
    ConsentAnswer,
    ConsentInvitation,
    FamilyMember,
)
from service.usecases.consent_outcome import decide_if_complete
from service.usecases.deadlines import answers_needed_by
from service.usecases.mail import send_email

MAX_COMMENT_LENGTH = 2000


@dataclass(frozen=True)
class TextShown:
    """The information text a person answered, identified by version and SHA-256."""

    version: str
    sha256: str
    language: str = "en"


def parse_answer(value: str | None) -> Answer:
    """The answer chosen on a form, or InvalidInput asking for one."""
    try:
        return Answer((value or "").strip().lower())
    except ValueError:
        raise InvalidInput("Choose yes or no.") from None


async def record_answer(
    session: AsyncSession,
    *,
    settings: Settings,
    now: datetime,
    invitation_id: int,
    answer: Answer,
    channel: Channel,
    text_shown: TextShown,
    comment: str | None = None,
    recorded_by_id: int | None = None,
    expected_nonce: str | None = None,
) -> RequestStatus:
    """Record one answer (a change of mind is a new row) and move the request if that decides it."""
    held = await lock_invitation(session, invitation_id)
    invitation, request, conference = held.invitation, held.request, held.conference
    # Read after the lock: a link replaced a moment ago no longer counts.
    if expected_nonce is not None and invitation.nonce != expected_nonce:
        raise NotFound("There is no such invitation.")
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
            language=text_shown.language,
            text_version=text_shown.version,
            text_sha256=text_shown.sha256,
            comment=comment,
            recorded_by_id=recorded_by_id,
            recorded_at=now,
        )
    )
    invitation.current_answer = answer.value
    invitation.answered_at = now
    await session.flush()
    await append_audit(
        session,
        now=now,
        actor_kind=Actor.FAMILY.value if recorded_by_id is None else Actor.QA.value,
        actor_id=recorded_by_id,
        action="answer_changed" if previous else "answer_given",
        request_id=request.id,
        conference_id=conference.id,
        details={
            "invitation_id": invitation_id,
            "answer": answer.value,
            "previous_answer": previous,
            "channel": channel.value,
            "text_version": text_shown.version,
            "text_sha256": text_shown.sha256,
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
) -> None:
    member = await session.get(FamilyMember, invitation.family_member_id)
    if member is None or not member.email or not member.contact_by_email:
        return
    assert invitation.id is not None
    await send_email(
        session,
        settings=settings,
        now=now,
        template="family_answer_receipt",
        recipient_role="family",
        to_address=member.email,
        request_id=invitation.request_id,
        context={
            "recipient_name": member.name,
            "answer": answer.value,
            "conference_when": format_moment(conference.starts_at),
            "consent_url": consent_url(
                settings, invitation_id=invitation.id, nonce=invitation.nonce
            ),
        },
    )
