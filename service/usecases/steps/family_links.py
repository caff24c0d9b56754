"""Shared step: sending a family member their own link by the channel QA chose for them."""

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from service.domain.contact import ContactChannel
from service.settings import Settings
from service.store.tables import (
    Conference,
    ConsentInvitation,
    FamilyMember,
    ObservationRequest,
    StaffUser,
)
from service.usecases.steps.family_mail import LinkEmail, email_family_link
from service.usecases.steps.family_texts import send_family_text


def can_be_sent_a_link(settings: Settings, member: FamilyMember) -> bool:
    """Whether the channel QA chose can carry this person's link here; if not, they are asked
    in person. (Letters are printed or posted by QA; until then they are asked in person.)"""
    channel = ContactChannel(member.contact_channel)
    if channel is ContactChannel.EMAIL:
        return bool(member.email)
    if channel is ContactChannel.SMS:
        return bool(member.mobile_number) and settings.texts_available
    return False


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
    short link, or an email with the long one."""
    if ContactChannel(member.contact_channel) is ContactChannel.SMS:
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
