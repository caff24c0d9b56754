"""Text messages to a family member: their short link, in their language, through the outbox.

A text can be read by anyone holding the phone, so it is neutral: it names no child, no
observer and no kind of meeting, only the QA Service, the date and the short link. It fits in
two text message fragments in each language (every character is in the GSM alphabet, so a
fragment holds 153 characters when joined).
"""

from datetime import datetime
from enum import StrEnum

from sqlalchemy.ext.asyncio import AsyncSession

from notifications.outbox import RecipientRole, enqueue_text
from service.languages import Language, Words
from service.links import short_answer_url
from service.settings import Settings
from service.store.ids import saved_id
from service.store.tables import Conference, ConsentInvitation, FamilyMember, ObservationRequest
from service.usecases.steps.family_mail import LinkEmail, family_languages


class TextTemplate(StrEnum):
    """The text messages the service sends, named in the outbox and on the record."""

    INVITATION = "family_text_invitation"
    REMINDER = "family_text_reminder"
    MOVED = "family_text_moved"


_TEMPLATES = {
    LinkEmail.INVITATION: TextTemplate.INVITATION,
    LinkEmail.REMINDER: TextTemplate.REMINDER,
}


def family_text(
    settings: Settings,
    *,
    purpose: LinkEmail,
    language: Language,
    conference_start: datetime,
    deadline: datetime,
    link: str,
) -> str:
    """One text message in one language."""
    say = Words(language)
    values = {
        "service": settings.qa_service_name,
        "when": say.moment(conference_start, on=True),
        "answer_by": say.moment(deadline),
        "link": link,
    }
    if purpose is LinkEmail.REMINDER:
        return say(
            "%(service)s: a reminder. Please answer our question about the meeting on %(when)s "
            "by %(answer_by)s: %(link)s",
            **values,
        )
    return say(
        "%(service)s: please answer a question about the meeting on %(when)s. Answer by "
        "%(answer_by)s: %(link)s",
        **values,
    )


def texts_together(
    settings: Settings,
    *,
    purpose: LinkEmail,
    languages: tuple[Language, ...],
    conference_start: datetime,
    deadline: datetime,
    link: str,
) -> str:
    """The text in each language in turn (Welsh first where both go), one line each."""
    return "\n".join(
        family_text(
            settings,
            purpose=purpose,
            language=language,
            conference_start=conference_start,
            deadline=deadline,
            link=link,
        )
        for language in languages
    )


async def send_family_text(
    session: AsyncSession,
    *,
    settings: Settings,
    now: datetime,
    purpose: LinkEmail,
    invitation: ConsentInvitation,
    member: FamilyMember,
    request: ObservationRequest,
    conference: Conference,
    deadline: datetime,
) -> None:
    """Text a family member their short link, as an invitation or the one reminder."""
    assert member.mobile_number
    await enqueue_text(
        session,
        now=now,
        template=_TEMPLATES[purpose],
        recipient_role=RecipientRole.FAMILY,
        to_number=member.mobile_number,
        text=texts_together(
            settings,
            purpose=purpose,
            languages=family_languages(settings, member),
            conference_start=conference.starts_at,
            deadline=deadline,
            link=short_answer_url(settings, invitation.nonce),
        ),
        request_id=saved_id(request),
    )


def moved_text(
    settings: Settings,
    *,
    language: Language,
    conference_start: datetime,
    deadline: datetime,
    link: str,
) -> str:
    """The text telling a person the meeting moved, in one language; their answer stands."""
    say = Words(language)
    return say(
        "%(service)s: the meeting is now on %(when)s. To answer, or change your answer, by "
        "%(answer_by)s: %(link)s",
        service=settings.qa_service_name,
        when=say.moment(conference_start, on=True),
        answer_by=say.moment(deadline),
        link=link,
    )


async def send_moved_text(
    session: AsyncSession,
    *,
    settings: Settings,
    now: datetime,
    invitation: ConsentInvitation,
    member: FamilyMember,
    request: ObservationRequest,
    conference: Conference,
    deadline: datetime,
) -> None:
    """Text a person reached by text that the meeting moved, with their same short link."""
    assert member.mobile_number
    link = short_answer_url(settings, invitation.nonce)
    await enqueue_text(
        session,
        now=now,
        template=TextTemplate.MOVED,
        recipient_role=RecipientRole.FAMILY,
        to_number=member.mobile_number,
        text="\n".join(
            moved_text(
                settings,
                language=language,
                conference_start=conference.starts_at,
                deadline=deadline,
                link=link,
            )
            for language in family_languages(settings, member)
        ),
        request_id=saved_id(request),
    )
