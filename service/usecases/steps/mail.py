"""Writing emails and calendar invites into the outbox, inside the caller's transaction."""

from datetime import datetime, timedelta
from functools import lru_cache
from urllib.parse import urlsplit

from sqlalchemy.ext.asyncio import AsyncSession

from notifications.calendar import CalendarInvite, CalendarMethod, build_invite
from notifications.emails import EmailRenderer, EmailTemplate
from notifications.outbox import RecipientRole, enqueue
from service.domain.times import format_moment
from service.languages import Language, translations
from service.settings import TEMPLATE_DIR, Settings
from service.store.ids import saved_id
from service.store.tables import (
    Conference,
    ObservationRequest,
    StaffUser,
)

_CALENDAR_TEMPLATES: dict[CalendarMethod, EmailTemplate] = {
    CalendarMethod.REQUEST: EmailTemplate.CALENDAR_INVITE,
    CalendarMethod.CANCEL: EmailTemplate.CALENDAR_CANCEL,
}


@lru_cache(maxsize=1)
def email_renderer() -> EmailRenderer:
    """The one renderer for the service's email templates, in every language a family reads."""
    return EmailRenderer(
        TEMPLATE_DIR / "emails",
        translations={
            language.value: translations(language)
            for language in Language
            if language is not Language.ENGLISH
        },
    )


def qa_contact(settings: Settings, language: Language = Language.ENGLISH) -> dict[str, str]:
    """How a family member or trainee reaches the QA Service, for every email and page.

    `qa_service` is the name as it sits mid-sentence: "the Safeguarding Quality Assurance
    Service" in English unless the name brings its own "the"; Welsh sentences carry their own
    article, so they take the name as it is.
    """
    name = settings.qa_service_name
    mid_sentence = (
        name if language is not Language.ENGLISH or name[:4].lower() == "the " else f"the {name}"
    )
    return {
        "qa_service_name": name,
        "qa_service": mid_sentence,
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
    template: EmailTemplate,
    recipient_role: RecipientRole,
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


async def tell_trainee(
    session: AsyncSession,
    *,
    settings: Settings,
    now: datetime,
    template: EmailTemplate,
    trainee: StaffUser,
    request_id: int,
    context: dict[str, object],
) -> None:
    """Email the trainee about their request, with the link to its page."""
    await send_email(
        session,
        settings=settings,
        now=now,
        template=template,
        recipient_role=RecipientRole.TRAINEE,
        to_address=trainee.email,
        request_id=request_id,
        context={
            **context,
            "request_url": staff_request_url(settings, audience="trainee", request_id=request_id),
        },
    )


async def tell_qa(
    session: AsyncSession,
    *,
    settings: Settings,
    now: datetime,
    template: EmailTemplate,
    request_id: int,
    context: dict[str, object],
) -> None:
    """Email the QA Service's mailbox about a request, with the link to its page."""
    await send_email(
        session,
        settings=settings,
        now=now,
        template=template,
        recipient_role=RecipientRole.QA,
        to_address=settings.qa_mailbox,
        request_id=request_id,
        context={
            **context,
            "request_url": staff_request_url(settings, audience="qa", request_id=request_id),
        },
    )


def calendar_uid(settings: Settings, request_id: int) -> str:
    domain = urlsplit(settings.base_url).hostname or "cpc-observers.local"
    return f"observation-{request_id}@{domain}"


def observation_invite(
    settings: Settings,
    *,
    method: CalendarMethod,
    request: ObservationRequest,
    conference: Conference,
    observer: StaffUser,
    now: datetime,
) -> CalendarInvite:
    """The observation's calendar entry: the conference reference and venue, never the family."""
    return build_invite(
        method=method,
        uid=calendar_uid(settings, saved_id(request)),
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
    method: CalendarMethod,
    request: ObservationRequest,
    conference: Conference,
    observer: StaffUser,
) -> None:
    """Send the observation's invite (REQUEST) or its cancellation (CANCEL) to QA and observer."""
    invite = observation_invite(
        settings, method=method, request=request, conference=conference, observer=observer, now=now
    )
    template = _CALENDAR_TEMPLATES[method]
    context: dict[str, object] = {
        "conference_reference": conference.reference,
        "conference_when": format_moment(conference.starts_at),
        "venue": conference.venue,
        "observer_name": observer.name,
    }
    for role, address in (
        (RecipientRole.QA, settings.qa_mailbox),
        (RecipientRole.OBSERVER, observer.email),
    ):
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
