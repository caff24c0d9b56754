"""Reading what the consent-promise tests check: statuses, invitations, emails."""

from sqlalchemy import select
from sqlmodel import col

from notifications.outbox import OutboxMessage
from service.store.database import Database
from service.store.tables import ConsentInvitation, ObservationRequest


async def request_status(database: Database, request_id: int) -> str:
    """The stored status of a request."""
    async with database.read_session() as session:
        request = await session.get(ObservationRequest, request_id)
        assert request is not None
        return request.status


async def invitations_of(database: Database, request_id: int) -> list[ConsentInvitation]:
    """Every invitation of a request, live or ended, oldest first."""
    async with database.read_session() as session:
        rows = await session.scalars(
            select(ConsentInvitation)
            .where(col(ConsentInvitation.request_id) == request_id)
            .order_by(col(ConsentInvitation.id))
        )
        return list(rows)


async def emails_to(
    database: Database, address: str, template: str | None = None
) -> list[OutboxMessage]:
    """The outbox rows written to one address (of one template, if given), oldest first."""
    async with database.read_session() as session:
        query = select(OutboxMessage).where(col(OutboxMessage.to_address) == address)
        if template is not None:
            query = query.where(col(OutboxMessage.template) == template)
        rows = await session.scalars(query.order_by(col(OutboxMessage.id)))
        return list(rows)
