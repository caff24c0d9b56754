"""Changing what a conference is (reference, kind, length, openness to observers), audited.

Its time and venue change only by a move, which the observer's invite and the family follow.
Nothing here commits.
"""

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from service.audit import append_audit
from service.domain.audit_actions import AuditAction
from service.domain.errors import InvalidInput
from service.domain.states import Actor
from service.store.ids import saved_id
from service.store.tables import Conference
from service.usecases.steps.moves import change_conference

_CHANGEABLE = frozenset({"reference", "kind", "duration_minutes", "open_to_observers"})


async def change_conference_details(
    session: AsyncSession,
    *,
    now: datetime,
    qa_user_id: int,
    conference: Conference,
    changes: dict[str, tuple[object, object]],
) -> None:
    """Apply each (recorded, new) change and write one audit entry naming them all."""
    unknown = set(changes) - _CHANGEABLE
    if unknown:
        raise ValueError(f"Not a detail that changes this way: {sorted(unknown)}")
    reference = changes.get("reference", (None, None))[1]
    if isinstance(reference, str):
        taken = await session.scalar(
            select(col(Conference.id)).where(
                col(Conference.reference) == reference, col(Conference.id) != conference.id
            )
        )
        if taken is not None:
            raise InvalidInput(
                f"There is already a conference with the reference {reference}.",
                field="reference",
            )
    await change_conference(
        session, conference=conference, **{name: new for name, (_, new) in changes.items()}
    )
    await append_audit(
        session,
        now=now,
        actor_kind=Actor.QA.value,
        actor_id=qa_user_id,
        action=AuditAction.CONFERENCE_DETAILS_CHANGED,
        conference_id=saved_id(conference),
        details={name: {"from": old, "to": new} for name, (old, new) in changes.items()},
    )
