"""Shared step: sending a family member their own link by the channel QA chose for them."""

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from notifications.outbox import RecipientRole, enqueue_letter
from service.domain.contact import ContactChannel
from service.pdf import pdf_available
from service.settings import Settings
from service.store.ids import saved_id
from service.store.tables import (
    Conference,
    ConsentInvitation,
    FamilyMember,
    ObservationRequest,
    StaffUser,
)
from service.usecases.steps.family_letters import LetterTemplate, compose_family_letter
from service.usecases.steps.family_mail import LinkEmail, email_family_link
from service.usecases.steps.family_texts import send_family_text


def can_be_sent_a_link(settings: Settings, member: FamilyMember) -> bool:
    """Whether the channel QA chose can carry this person's link here; if not, they are asked
    in person (and QA may print their letter to hand over or post)."""
    channel = ContactChannel(member.contact_channel)
    if channel is ContactChannel.EMAIL:
        return bool(member.email)
    if channel is ContactChannel.SMS:
        return bool(member.mobile_number) and settings.texts_available
    if channel is ContactChannel.LETTER:
        return bool(member.address_lines and member.postcode) and letters_posted(settings)
    return False


def letters_posted(settings: Settings) -> bool:
    """Whether this service posts letters itself: through Notify, with PDFs made here."""
    return settings.letters_available and pdf_available()


def can_be_reminded(settings: Settings, member: FamilyMember) -> bool:
    """Whether a reminder can reach them. A posted reminder would arrive days later, too close
    to the answer date to help, so a person reached by letter is sent none."""
    posted = ContactChannel(member.contact_channel) is ContactChannel.LETTER
    return can_be_sent_a_link(settings, member) and not posted


async def post_family_letter(
    session: AsyncSession,
    *,
    settings: Settings,
    now: datetime,
    template: LetterTemplate,
    invitation: ConsentInvitation,
    member: FamilyMember,
    request: ObservationRequest,
    conference: Conference,
    observer: StaffUser,
) -> None:
    """Post a person their letter through the outbox: asking them, or with a new date."""
    letter = compose_family_letter(
        settings,
        now=now,
        member=member,
        invitation=invitation,
        request=request,
        conference=conference,
        observer=observer,
    )
    await enqueue_letter(
        session,
        now=now,
        template=template,
        recipient_role=RecipientRole.FAMILY,
        person_id=saved_id(member),
        html=letter.html,
        request_id=saved_id(request),
    )


async def send_family_link(
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
    """Send a person their link as an invitation or the one reminder: a text message with the
    short link, a posted letter, or an email with the long one."""
    channel = ContactChannel(member.contact_channel)
    if channel is ContactChannel.SMS:
        await send_family_text(
            session,
            settings=settings,
            now=now,
            purpose=purpose,
            invitation=invitation,
            member=member,
            request=request,
            conference=conference,
            deadline=deadline,
        )
        return
    if channel is ContactChannel.LETTER:
        assert purpose is LinkEmail.INVITATION, "a person reached by letter gets no reminder"
        await post_family_letter(
            session,
            settings=settings,
            now=now,
            template=LetterTemplate.INVITATION,
            invitation=invitation,
            member=member,
            request=request,
            conference=conference,
            observer=observer,
        )
        return
    await email_family_link(
        session,
        settings=settings,
        now=now,
        purpose=purpose,
        invitation=invitation,
        member=member,
        request=request,
        conference=conference,
        observer=observer,
        deadline=deadline,
    )
