"""The consent deadline of a conference under this service's settings."""

from datetime import datetime

from service.domain.consent import consent_deadline
from service.settings import Settings
from service.store.tables import Conference


def answers_needed_by(settings: Settings, conference: Conference) -> datetime:
    """When the family's answers are needed for this conference."""
    return answers_needed_for_start(settings, conference.starts_at)


def answers_needed_for_start(settings: Settings, starts_at: datetime) -> datetime:
    """When the family's answers would be needed for a conference starting at `starts_at`."""
    return consent_deadline(
        conference_start=starts_at,
        deadline_working_days=settings.consent_deadline_working_days,
        region=settings.bank_holiday_region,
    )
