"""Finding the invitation a short answer link names, from its code alone."""

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from service.links import (
    ConsentLink,
    short_code_matches,
    short_code_sha256,
    typed_short_code,
)
from service.settings import Settings
from service.store.ids import saved_id
from service.store.tables import ConsentInvitation


async def link_of_short_code(
    session: AsyncSession, *, settings: Settings, code: str
) -> ConsentLink | None:
    """The invitation and nonce a short code stands for, or None for a code that names none.

    Opening it changes nothing; the code is checked again against the invitation's nonce, so a
    stolen copy of the database's hashes opens nothing without the service's secret key.
    """
    typed = typed_short_code(code)
    if typed is None:
        return None
    invitation = await session.scalar(
        select(ConsentInvitation).where(
            col(ConsentInvitation.short_code_sha256) == short_code_sha256(typed)
        )
    )
    if invitation is None or not short_code_matches(settings, code=typed, nonce=invitation.nonce):
        return None
    return ConsentLink(invitation_id=saved_id(invitation), nonce=invitation.nonce)
