"""Locking an invitation learns its request and conference from what the session read already
(the family's answer has just read their invitation to check the link), and reads them when it
has not, or when a rollback left only expired copies: it never loads an attribute by itself."""

import httpx
from sqlalchemy import select
from sqlmodel import col

from service.store.database import Database
from service.store.locks import lock_invitation
from service.store.tables import ConsentInvitation, ObservationRequest
from tests.integration.test_query_counts import counting_statements
from tests.support.consent import approved_request
from tests.support.scenario import build_world


def _reads_the_place(statements: list[str]) -> bool:
    """Whether one of the statements looked up the invitation's request and conference."""
    return any(
        "SELECT consent_invitation.request_id, observation_request.conference_id" in statement
        for statement in statements
    )


async def test_the_lock_uses_what_the_session_read_and_reads_it_otherwise(
    client: httpx.AsyncClient, database: Database
) -> None:
    world = await build_world(database)
    request_id = await approved_request(client, world)
    async with database.read_session() as session:
        invitation_id = (
            await session.scalars(
                select(col(ConsentInvitation.id)).where(
                    col(ConsentInvitation.request_id) == request_id
                )
            )
        ).first()
    assert invitation_id is not None

    async with database.write_session() as session:
        with counting_statements(database) as cold:
            held = await lock_invitation(session, invitation_id)
        assert _reads_the_place(cold)
        assert (held.request.id, held.invitation.id) == (request_id, invitation_id)
        await session.rollback()

        # A rollback expires what the session held: the lock reads the place again rather
        # than load an expired attribute (which would fail outside SQLAlchemy's greenlet).
        with counting_statements(database) as after_rollback:
            held = await lock_invitation(session, invitation_id)
        assert _reads_the_place(after_rollback)
        assert held.request.id == request_id

        # Both already loaded in this transaction: no statement looks them up.
        await session.get(ObservationRequest, request_id)
        with counting_statements(database) as warm:
            held = await lock_invitation(session, invitation_id)
        assert not _reads_the_place(warm)
        assert held.locked.conference_id == world.conference_id
        await session.rollback()
