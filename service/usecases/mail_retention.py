"""Data minimisation: what emails said is cleared a while after the conference; the record stays.

Answers, the texts people were shown and the audit log are never touched. Of each email the
outbox keeps who it went to (by role and address), which template, when, and whether it arrived.
"""

from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from service.audit import append_audit
from service.domain.audit_actions import AuditAction
from service.domain.states import Actor
from service.settings import Settings
from service.store.mail_bodies import clear_bodies_after_conferences


async def clear_expired_mail_bodies(
    sessions: async_sessionmaker[AsyncSession], *, settings: Settings, now: datetime
) -> int:
    """Clear email bodies kept `mail_body_retention_days` past their conference; audited."""
    retention = timedelta(days=settings.mail_body_retention_days)
    async with sessions() as session:
        cleared = await clear_bodies_after_conferences(
            session, conferences_before=now - retention, now=now
        )
        if not cleared.message_ids:
            await session.rollback()
            return 0
        # The messages themselves carry the same `bodies_cleared_at`, so the count suffices here.
        await append_audit(
            session,
            now=now,
            actor_kind=Actor.SYSTEM.value,
            actor_id=None,
            action=AuditAction.MAIL_BODIES_CLEARED,
            details={
                "count": len(cleared.message_ids),
                "request_ids": cleared.request_ids,
                "retention_days": settings.mail_body_retention_days,
            },
        )
        await session.commit()
    return len(cleared.message_ids)
