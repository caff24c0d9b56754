"""The consent deadline of a conference under this service's settings."""

from datetime import datetime, timedelta

from service.domain.consent import consent_deadline, latest_start_with_answers_due_on
from service.domain.times import london_day, london_time
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


def starting_before_for_work_due(settings: Settings, now: datetime) -> datetime:
    """Conferences that start from this moment on can have neither answers due today nor a
    chair's check due, so the work list need not read them."""
    last_day = latest_start_with_answers_due_on(
        london_day(now),
        deadline_working_days=settings.consent_deadline_working_days,
        region=settings.bank_holiday_region,
    )
    return london_time(last_day + timedelta(days=1), 0)
