"""Queries and compare-and-set changes for observation requests. Nothing here commits."""

from datetime import datetime

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from service.domain.states import RequestStatus
from service.store.results import rows_changed
from service.store.tables import ObservationRequest


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
    result = await session.execute(
        update(ObservationRequest)
        .where(
            col(ObservationRequest.id) == request_id,
            col(ObservationRequest.status) == expected_status.value,
            col(ObservationRequest.version) == expected_version,
        )
        .values(
            status=new_status.value,
            version=col(ObservationRequest.version) + 1,
            updated_at=now,
            **other_changes,
        )
        .execution_options(synchronize_session=False)
    )
    return rows_changed(result) == 1


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
    result = await session.execute(
        update(ObservationRequest)
        .where(
            col(ObservationRequest.id) == request_id,
            col(ObservationRequest.status) == expected_status.value,
            col(ObservationRequest.version) == expected_version,
        )
        .values(
            calendar_sequence=col(ObservationRequest.calendar_sequence) + 1,
            version=col(ObservationRequest.version) + 1,
        )
        .execution_options(synchronize_session=False)
    )
    return rows_changed(result) == 1


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
    result = await session.execute(
        update(ObservationRequest)
        .where(
            col(ObservationRequest.id) == request_id,
            col(ObservationRequest.status) == expected_status.value,
            col(ObservationRequest.version) == expected_version,
        )
        .values(
            confidentiality_acknowledged=True,
            confidentiality_statement_version=statement_version,
            version=col(ObservationRequest.version) + 1,
        )
        .execution_options(synchronize_session=False)
    )
    return rows_changed(result) == 1
