"""Recovery codes: the second factor a person keeps on paper for when their phone is lost.

Only their argon2 hashes are stored, and a used or replaced code is marked used rather than
deleted, so the record shows when each one stopped working.
"""

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlmodel import col

from service.one_time_codes import new_recovery_codes, normalised_recovery_code
from service.passwords import hash_password_off_loop, verify_password_off_loop
from service.store.tables import StaffRecoveryCode


async def matching_recovery_code(
    reader: async_sessionmaker[AsyncSession], *, user_id: int, code: str
) -> int | None:
    """The id of the person's unused recovery code that `code` is, or None.

    Each is an argon2 check, so this runs before any write transaction opens, and only for
    input shaped like a recovery code.
    """
    typed = normalised_recovery_code(code)
    if typed is None:
        return None
    async with reader() as session:
        unused = list(
            await session.execute(
                select(col(StaffRecoveryCode.id), col(StaffRecoveryCode.code_hash)).where(
                    col(StaffRecoveryCode.staff_user_id) == user_id,
                    col(StaffRecoveryCode.used_at).is_(None),
                )
            )
        )
    for code_id, stored in unused:
        if code_id is not None and await verify_password_off_loop(typed, stored):
            return code_id
    return None


async def new_hashed_recovery_codes() -> list[tuple[str, str]]:
    """A fresh set of recovery codes, each with its argon2 hash."""
    # Hashed before any transaction opens: ten argon2 hashes take about a second.
    codes = new_recovery_codes()
    return [
        (code, await hash_password_off_loop(normalised_recovery_code(code) or code))
        for code in codes
    ]


async def retire_recovery_codes(session: AsyncSession, *, user_id: int, now: datetime) -> None:
    """End every recovery code the person has not used."""
    # Marked used rather than deleted, so the record shows when each set stopped working.
    await session.execute(
        update(StaffRecoveryCode)
        .where(
            col(StaffRecoveryCode.staff_user_id) == user_id,
            col(StaffRecoveryCode.used_at).is_(None),
        )
        .values(used_at=now)
    )
