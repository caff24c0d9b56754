"""Emails to a family member, in the language they read (or in Welsh and English where it is
not yet known and the council offers Welsh), inside the caller's transaction."""

from collections.abc import Callable
from datetime import datetime
from enum import StrEnum

from sqlalchemy.ext.asyncio import AsyncSession

from notifications.emails import EmailTemplate, Passage
from notifications.outbox import RecipientRole, enqueue
from service.domain.communication import CommunicationNeed, needs_from_storage
from service.domain.consent import Wording
from service.languages import Language, languages_to_write, moment_in, parse_language
from service.links import consent_url
from service.settings import Settings
from service.store.ids import saved_id
from service.store.tables import (
    Conference,
    ConsentInvitation,
    FamilyMember,
    ObservationRequest,
    StaffUser,
)
from service.usecases.steps.mail import email_renderer, qa_contact


class LinkEmail(StrEnum):
    """Why a family member is sent their link."""

    INVITATION = "invitation"
    REMINDER = "reminder"


_FAMILY_LINK_TEMPLATES: dict[tuple[LinkEmail, Wording], EmailTemplate] = {
    (LinkEmail.INVITATION, Wording.ADULT): EmailTemplate.FAMILY_INVITATION,
    (LinkEmail.INVITATION, Wording.YOUNG_PERSON): EmailTemplate.FAMILY_INVITATION_YOUNG_PERSON,
    (LinkEmail.REMINDER, Wording.ADULT): EmailTemplate.FAMILY_REMINDER,
    (LinkEmail.REMINDER, Wording.YOUNG_PERSON): EmailTemplate.FAMILY_REMINDER_YOUNG_PERSON,
    (LinkEmail.INVITATION, Wording.EASY_READ): EmailTemplate.FAMILY_INVITATION_EASY_READ,
    (LinkEmail.REMINDER, Wording.EASY_READ): EmailTemplate.FAMILY_REMINDER_EASY_READ,
}


def family_languages(settings: Settings, member: FamilyMember) -> tuple[Language, ...]:
    """The languages an email to this family member is written in, in order."""
    return languages_to_write(
        parse_language(member.preferred_language), welsh_offered=settings.welsh_language
    )


async def send_family_email(
    session: AsyncSession,
    *,
    settings: Settings,
    now: datetime,
    template: EmailTemplate,
    member: FamilyMember,
    request_id: int,
    languages: tuple[Language, ...],
    context: Callable[[Language], dict[str, object]],
) -> None:
    """Email a family member in their language, or in each of `languages` in turn, in larger
    type if they need large print; `context` gives one language's values (its dates are written
    in that language)."""
    assert member.email
    large_print = CommunicationNeed.LARGE_PRINT in needs_from_storage(member.communication_needs)
    passages = [
        Passage(
            language.value,
            {**qa_contact(settings, language), **context(language), "large_print": large_print},
        )
        for language in languages
    ]
    await enqueue(
        session,
        now=now,
        template=template,
        recipient_role=RecipientRole.FAMILY,
        to_address=member.email,
        email=email_renderer().render_together(template, passages),
        request_id=request_id,
    )


def conference_when(language: Language, starts_at: datetime) -> str:
    """When a conference is, as a family email says it: "on <this>"."""
    return moment_in(language, starts_at, on=True)


async def email_family_link(
    session: AsyncSession,
    *,
    settings: Settings,
    now: datetime,
    purpose: LinkEmail,
    invitation: ConsentInvitation,
    member: FamilyMember,
    request: ObservationRequest,
    conference: Conference,
    observer: StaffUser,
    deadline: datetime,
) -> None:
    """Email a family member their own link, as an invitation or the one reminder."""
    assert member.email
    template = _FAMILY_LINK_TEMPLATES[(purpose, Wording(invitation.wording))]
    link = consent_url(settings, invitation_id=saved_id(invitation), nonce=invitation.nonce)

    def in_language(language: Language) -> dict[str, object]:
        return {
            "recipient_name": member.name,
            "observer_name": observer.name,
            "observer_role": request.role,
            "observer_organisation": request.organisation,
            "purpose": request.purpose,
            "conference_when": conference_when(language, conference.starts_at),
            "answer_by": moment_in(language, deadline),
            "consent_url": link,
        }

    await send_family_email(
        session,
        settings=settings,
        now=now,
        template=template,
        member=member,
        request_id=saved_id(request),
        languages=family_languages(settings, member),
        context=in_language,
    )
