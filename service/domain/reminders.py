"""When the neutral reminder goes to a family member who has not answered.

There is one by default (CPC_MAX_REMINDERS). When a council allows more, each further one
goes a working day after the one before, never on the same day and never after the deadline.
"""

from datetime import datetime

from service.domain.times import london_day, london_time
from service.domain.working_days import BankHolidayRegion, subtract_working_days

REMINDER_HOUR = 10


def reminder_time(
    *, deadline: datetime, working_days_before: int, region: BankHolidayRegion
) -> datetime:
    """10:00 London on the working day `working_days_before` working days before the deadline."""
    day = subtract_working_days(london_day(deadline), working_days_before, region=region)
    return london_time(day, REMINDER_HOUR)


def reminder_due(
    *,
    now: datetime,
    deadline: datetime,
    invited_at: datetime,
    reminders_sent: int,
    max_reminders: int,
    has_answered: bool,
    working_days_before: int,
    region: BankHolidayRegion,
) -> bool:
    """True when a reminder should go now: never after an answer, never more than allowed."""
    if has_answered or reminders_sent >= max_reminders or now >= deadline:
        return False
    due_at = reminder_time(
        deadline=deadline,
        working_days_before=max(working_days_before - reminders_sent, 0),
        region=region,
    )
    # Someone asked after the reminder point has barely had time to read the first email.
    return invited_at < due_at <= now
