"""Once a day, the audit chain's seal leaves the database: in the log and to the QA mailbox.

The seal names the newest entry and its keyed digest. Kept outside the database, it lets
`cpc-observers verify-audit --seal` show later whether entries up to it were deleted or
rewritten, which the chain alone cannot show for the newest entries.
"""

import logging
from datetime import datetime, timedelta

from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlmodel import col

from notifications.emails import EmailTemplate
from notifications.outbox import OutboxMessage, RecipientRole
from service.audit import seal_of, verify_audit_chain
from service.domain.times import london_day, london_time
from service.settings import Settings
from service.usecases.steps.mail import send_email

logger = logging.getLogger("cpc_observers.audit")
SEAL_TEMPLATE = EmailTemplate.QA_AUDIT_SEAL
_SEAL_LOCK = 4_271_906  # any fixed number, distinct from the audit chain's own lock


async def send_daily_seal(
    sessions: async_sessionmaker[AsyncSession], *, settings: Settings, now: datetime
) -> int:
    """Log and email today's seal, unless it has gone already today or nothing is recorded yet;
    1 when it went."""
    today = london_day(now)
    start_of_day, start_of_tomorrow = (
        london_time(today, 0),
        london_time(today + timedelta(days=1), 0),
    )
    async with sessions() as session:
        if session.get_bind().dialect.name == "postgresql":
            # Several dispatch processes run this job: one seal a day, whoever is first.
            await session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _SEAL_LOCK})
        already = await session.scalar(
            select(col(OutboxMessage.id)).where(
                col(OutboxMessage.template) == SEAL_TEMPLATE,
                col(OutboxMessage.created_at) >= start_of_day,
                col(OutboxMessage.created_at) < start_of_tomorrow,
            )
        )
        if already is not None:
            return 0
        check = await verify_audit_chain(session)
        seal = seal_of(check)
        if check.holds and seal is None:
            # A new service with nothing recorded yet: nothing to seal, and nothing wrong.
            logger.info("audit seal: the record is empty, nothing to seal yet")
            return 0
        if seal is not None:
            logger.info("audit seal: %s (%s entries)", seal, check.entries_checked)
        else:
            logger.error("audit record check: %s", check.describe())
        await send_email(
            session,
            settings=settings,
            now=now,
            template=SEAL_TEMPLATE,
            recipient_role=RecipientRole.QA,
            to_address=settings.qa_mailbox,
            request_id=None,
            context={
                "holds": check.holds,
                "entries": check.entries_checked,
                "seal": str(seal) if seal else "",
                "problem": check.describe(),
            },
        )
        await session.commit()
    return 1
