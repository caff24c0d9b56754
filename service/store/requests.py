"""Queries and compare-and-set changes for observation requests. Nothing here commits."""

from datetime import datetime

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from service.domain.states import RequestStatus
from service.store.results import rows_changed
from service.store.tables import ObservationRequest


async def _if_unmoved(
    session: AsyncSession,
    *,
    request_id: int,
    expected_status: RequestStatus,
    expected_version: int,
    **changes: object,
) -> bool:
    """Change a request only if it is still in the state and version it was loaded in, and
    count the change as a new version; True when exactly this change won."""
    result = await session.execute(
        update(ObservationRequest)
        .where(
            col(ObservationRequest.id) == request_id,
            col(ObservationRequest.status) == expected_status.value,
            col(ObservationRequest.version) == expected_version,
        )
        .values(version=col(ObservationRequest.version) + 1, **changes)
        .execution_options(synchronize_session=False)
    )
    return rows_changed(result) == 1


async def compare_and_set_status(
    session: AsyncSession,
    *,
    request_id: int,
    expected_status: RequestStatus,
    expected_version: int,
    new_status: RequestStatus,
    now: datetime,
    **other_changes: object,
) -> bool:
    """Move a request only if nobody else moved it first; True when exactly this change won."""
    return await _if_unmoved(
        session,
        request_id=request_id,
        expected_status=expected_status,
        expected_version=expected_version,
        status=new_status.value,
        updated_at=now,
        **other_changes,
    )


async def bump_calendar_sequence(
    session: AsyncSession,
    *,
    request_id: int,
    expected_status: RequestStatus,
    expected_version: int,
) -> bool:
    """Raise a request's invite SEQUENCE if it is still as loaded; False if it moved meanwhile.

    Its outcome is unchanged, so `updated_at` (when the outcome last changed) stays.
    """
    return await _if_unmoved(
        session,
        request_id=request_id,
        expected_status=expected_status,
        expected_version=expected_version,
        calendar_sequence=col(ObservationRequest.calendar_sequence) + 1,
    )


async def set_promised_statement(
    session: AsyncSession,
    *,
    request_id: int,
    expected_status: RequestStatus,
    expected_version: int,
    statement_version: str,
) -> bool:
    """Record the observer's promise to a statement if the request is still as loaded; False if
    it moved meanwhile. Its outcome is unchanged, so `updated_at` stays."""
    return await _if_unmoved(
        session,
        request_id=request_id,
        expected_status=expected_status,
        expected_version=expected_version,
        confidentiality_acknowledged=True,
        confidentiality_statement_version=statement_version,
    )
