"""State changes are compare-and-set: when two changes race, exactly one wins."""

import asyncio

from sqlalchemy import select

from service.domain.states import RequestStatus
from service.store.database import Database
from service.store.requests import compare_and_set_status
from service.store.tables import ObservationRequest
from tests.support.factories import NOW, make_conference, make_request, make_staff


async def _seed(database: Database) -> int:
    async with database.write_session() as session:
        trainee = await make_staff(session)
        conference = await make_conference(session)
        assert trainee.id is not None and conference.id is not None
        request = await make_request(
            session, trainee_id=trainee.id, conference_id=conference.id, status="confirmed"
        )
        await session.commit()
        assert request.id is not None
        return request.id


async def _try(database: Database, request_id: int, to: RequestStatus, pause: float) -> bool:
    async with database.write_session() as session:
        won = await compare_and_set_status(
            session,
            request_id=request_id,
            expected_status=RequestStatus.CONFIRMED,
            expected_version=1,
            new_status=to,
            now=NOW,
        )
        await asyncio.sleep(pause)  # hold the transaction open so the other change overlaps
        await session.commit()
        return won


async def test_a_second_change_from_the_same_version_is_refused(database: Database) -> None:
    request_id = await _seed(database)
    assert await _try(database, request_id, RequestStatus.WITHDRAWN, 0)
    assert not await _try(database, request_id, RequestStatus.NOT_GOING_AHEAD, 0)


async def test_racing_a_withdrawal_and_a_refusal_lets_exactly_one_win(database: Database) -> None:
    request_id = await _seed(database)
    results = await asyncio.gather(
        _try(database, request_id, RequestStatus.WITHDRAWN, 0.2),
        _try(database, request_id, RequestStatus.NOT_GOING_AHEAD, 0.2),
    )
    assert sorted(results) == [False, True]
    async with database.read_session() as session:
        stored = await session.scalar(
            select(ObservationRequest).where(ObservationRequest.id == request_id)
        )
    assert stored is not None and stored.version == 2
    winner = RequestStatus.WITHDRAWN if results[0] else RequestStatus.NOT_GOING_AHEAD
    assert stored.status == winner
