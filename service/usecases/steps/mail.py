"""Writing emails and calendar invites into the outbox, inside the caller's transaction."""

from datetime import datetime, timedelta
from functools import lru_cache
from urllib.parse import urlsplit

from sqlalchemy.ext.asyncio import AsyncSession

from notifications.calendar import CalendarInvite, build_invite
from notifications.emails import EmailRenderer
from notifications.outbox import enqueue
from service.domain.times import format_moment
from service.links import consent_url
from service.settings import Settings
from service.store.tables import (
    Conference,
    ConsentInvitation,
    FamilyMember,
    ObservationRequest,
    StaffUser,
)


@lru_cache(maxsize=1)
def email_renderer() -> EmailRenderer:
    """The one renderer for the service's email templates."""
    return EmailRenderer()


def qa_contact(settings: Settings) -> dict[str, str]:
    """How a family member or trainee reaches the QA Service, for every email and page."""
    return {
        "qa_service_name": settings.qa_service_name,
        "qa_service_phone": settings.qa_service_phone,
        "qa_service_email": settings.qa_mailbox,
    }


def staff_request_url(settings: Settings, *, audience: str, request_id: int) -> str:
    """The page about a request for QA (`qa`) or the trainee (`trainee`)."""
    return f"{settings.base_url.rstrip('/')}/{audience}/requests/{request_id}"


async def send_email(
    session: AsyncSession,
    *,
    settings: Settings,
    now: datetime,
    template: str,
    recipient_role: str,
    to_address: str,
    request_id: int | None,
    context: dict[str, object],
    calendar: CalendarInvite | None = None,
    ordering_key: str | None = None,
) -> None:
    """Render one email and add it to the outbox; it goes when the caller commits."""
    email = email_renderer().render(template, **qa_contact(settings), **context)
    await enqueue(
        session,
        now=now,
        template=template,
        recipient_role=recipient_role,
        to_address=to_address,
        email=email,
        request_id=request_id,
        calendar=calendar,
        ordering_key=ordering_key,
    )


def calendar_uid(settings: Settings, request_id: int) -> str:
    domain = urlsplit(settings.base_url).hostname or "cpc-observers.local"
    return f"observation-{request_id}@{domain}"


def observation_invite(
    settings: Settings,
    *,
    method: str,
    request: ObservationRequest,
    conference: Conference,
    observer: StaffUser,
    now: datetime,
) -> CalendarInvite:
    """The observation's calendar entry: the conference reference and venue, never the family."""
    assert request.id is not None
    return build_invite(
        method="CANCEL" if method == "CANCEL" else "REQUEST",
        uid=calendar_uid(settings, request.id),
        sequence=request.calendar_sequence,
        starts_at=conference.starts_at,
        ends_at=conference.starts_at + timedelta(minutes=conference.duration_minutes),
        summary=f"Observer at conference {conference.reference}",
        description=(
            f"{observer.name} observes conference {conference.reference}. "
            "The family agreed; the chair checks again on the day."
        ),
        location=conference.venue,
        organizer_email=settings.qa_mailbox,
        organizer_name=settings.qa_service_name,
        attendees=[
            (settings.qa_mailbox, settings.qa_service_name),
            (observer.email, observer.name),
        ],
        stamp=now,
    )


async def send_calendar(
    session: AsyncSession,
    *,
    settings: Settings,
    now: datetime,
    method: str,
    request: ObservationRequest,
    conference: Conference,
    observer: StaffUser,
) -> None:
    """Send the observation's invite (REQUEST) or its cancellation (CANCEL) to QA and observer."""
    invite = observation_invite(
        settings, method=method, request=request, conference=conference, observer=observer, now=now
    )
    template = "calendar_cancel" if method == "CANCEL" else "calendar_invite"
    context: dict[str, object] = {
        "conference_reference": conference.reference,
        "conference_when": format_moment(conference.starts_at),
        "venue": conference.venue,
        "observer_name": observer.name,
    }
    for role, address in (("qa", settings.qa_mailbox), ("observer", observer.email)):
        await send_email(
            session,
            settings=settings,
            now=now,
            template=template,
            recipient_role=role,
            to_address=address,
            request_id=request.id,
            context=context,
            calendar=invite,
            # A cancellation must never overtake the invite it cancels at the same address.
            ordering_key=f"calendar-{request.id}-{role}",
        )


async def send_family_link(
    session: AsyncSession,
    *,
    settings: Settings,
    now: datetime,
    purpose: str,
    invitation: ConsentInvitation,
    member: FamilyMember,
    request: ObservationRequest,
    conference: Conference,
    observer: StaffUser,
    deadline: datetime,
) -> None:
    """Email a family member their own link, as an invitation or the one reminder."""
    assert invitation.id is not None and member.email
    young = invitation.wording == "young_person"
    template = f"family_{purpose}_young_person" if young else f"family_{purpose}"
    await send_email(
        session,
        settings=settings,
        now=now,
        template=template,
        recipient_role="family",
        to_address=member.email,
        request_id=request.id,
        context={
            "recipient_name": member.name,
            "observer_name": observer.name,
            "observer_role": request.role,
            "observer_organisation": request.organisation,
            "purpose": request.purpose,
            "conference_when": format_moment(conference.starts_at),
            "answer_by": format_moment(deadline),
            "consent_url": consent_url(
                settings, invitation_id=invitation.id, nonce=invitation.nonce
            ),
        },
    )
