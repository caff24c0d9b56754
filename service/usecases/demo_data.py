"""Demo data so a newcomer can walk the whole journey: staff, a conference and a family."""

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from service.domain.contact import ContactChannel
from service.domain.times import london_day, london_time
from service.domain.working_days import add_working_days
from service.settings import Settings
from service.store.ids import saved_id
from service.store.tables import Conference, StaffUser
from service.usecases.conferences import record_conference
from service.usecases.family_member_details import FamilyMemberDetails
from service.usecases.family_members import add_family_member
from service.usecases.staff_accounts import create_staff_user

DEMO_PASSWORD = "demo-password-only-for-this-machine"  # noqa: S105 - printed for the newcomer
DEMO_QA_EMAIL = "qa@example.org"
DEMO_TRAINEE_EMAIL = "trainee@example.org"
DEMO_ADMIN_EMAIL = "admin@example.org"
DEMO_REFERENCE = "DEMO-0001"

# The mother is reached by letter, so QA can print one from the request page.
_DEMO_ADDRESS = ("1 Example Street\nExampletown", "SW1A 1AA")


@dataclass(frozen=True)
class DemoAccounts:
    """What `cpc-observers demo` prints."""

    qa_email: str
    trainee_email: str
    admin_email: str
    password: str
    created: bool


def _years_ago(today: date, years: int) -> date:
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # 29 February
        return today.replace(year=today.year - years, day=28)


async def _staff_id(session: AsyncSession, email: str) -> int | None:
    return await session.scalar(select(col(StaffUser.id)).where(col(StaffUser.email) == email))


async def seed_demo(
    session: AsyncSession,
    *,
    settings: Settings,
    now: datetime,
) -> DemoAccounts:
    """Create the demo accounts, conference and family once; later runs change nothing."""
    region = settings.bank_holiday_region
    existing = await _staff_id(session, DEMO_QA_EMAIL)
    accounts = DemoAccounts(
        DEMO_QA_EMAIL, DEMO_TRAINEE_EMAIL, DEMO_ADMIN_EMAIL, DEMO_PASSWORD, existing is None
    )
    # Checked on its own, so any demo database has an administrator and /admin can be seen
    # without the command line.
    if await _staff_id(session, DEMO_ADMIN_EMAIL) is None:
        await create_staff_user(
            session,
            now=now,
            email=DEMO_ADMIN_EMAIL,
            name="Ari Kowalski",
            role="admin",
            password=DEMO_PASSWORD,
            created_by="demo",
        )
    if existing is not None:
        return accounts
    qa = await create_staff_user(
        session,
        now=now,
        email=DEMO_QA_EMAIL,
        name="Quinn Adebayo",
        role="qa",
        password=DEMO_PASSWORD,
        created_by="demo",
    )
    await create_staff_user(
        session,
        now=now,
        email=DEMO_TRAINEE_EMAIL,
        name="Taylor Morgan",
        role="trainee",
        password=DEMO_PASSWORD,
        created_by="demo",
    )
    # Three working weeks ahead: well outside the notice window, on a weekday.
    starts = london_time(add_working_days(london_day(now), 15, region=region), 10)
    if await session.scalar(
        select(col(Conference.id)).where(col(Conference.reference) == DEMO_REFERENCE)
    ):
        return accounts
    conference = await record_conference(
        session,
        now=now,
        qa_user_id=saved_id(qa),
        reference=DEMO_REFERENCE,
        kind="initial",
        starts_at=starts,
        duration_minutes=90,
        venue="Room 2, Civic Centre",
        open_to_observers=True,
    )
    today = london_day(now)
    family = [
        (
            "Alex Smith",
            "Mother",
            "alex.smith@example.com",
            False,
            _years_ago(today, 34),
            None,
            None,
        ),
        (
            "Jordan Smith",
            "Father",
            "jordan.smith@example.com",
            False,
            _years_ago(today, 36),
            None,
            None,
        ),
        (
            "Sam Smith",
            "Child",
            "sam.smith@example.com",
            True,
            _years_ago(today, 13),
            True,
            "Priya Shah, social worker",
        ),
    ]
    for name, relationship, email, is_child, born, understanding, judged_by in family:
        by_letter = relationship == "Mother"
        await add_family_member(
            session,
            settings=settings,
            now=now,
            qa_user_id=saved_id(qa),
            conference_id=saved_id(conference),
            details=FamilyMemberDetails(
                name=name,
                relationship=relationship,
                email=email,
                is_child=is_child,
                date_of_birth=born,
                has_parental_responsibility=not is_child,
                sufficient_understanding=understanding,
                understanding_judged_by=judged_by,
                contact_by_email=True,
                # One parent reads Easy Read, so the demo shows the third wording too.
                communication_needs="easy_read" if relationship == "Father" else "",
                contact_channel=ContactChannel.LETTER if by_letter else None,
                address_lines=_DEMO_ADDRESS[0] if by_letter else None,
                postcode=_DEMO_ADDRESS[1] if by_letter else None,
            ),
        )
    return accounts
