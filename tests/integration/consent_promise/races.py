"""Racing two use cases deterministically: the first pauses between its read and its write.

The pause is a patched step (the first racer's `append_audit`, which comes after its reads and
before its writes are committed). The second racer starts only once the first is paused, so
every run takes the same interleaving, on SQLite and on PostgreSQL.
"""

import asyncio
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.exc import DBAPIError
from sqlmodel import col

from service.audit import append_audit, verify_audit_chain
from service.domain.consent import who_is_asked
from service.domain.errors import DomainError
from service.domain.states import RequestStatus
from service.settings import Settings
from service.store.database import Database
from service.store.tables import ConsentInvitation, ObservationRequest
from service.usecases.consent_requests import approve_request
from service.usecases.observation_requests import ask_to_observe
from service.usecases.steps.asking import current_family, family_facts
from tests.support.scenario import World

# Long enough for the second racer to reach its first lock and wait there.
_OVERLAP_SECONDS = 0.3


@dataclass
class Pause:
    """Holds the first racer at a patched step until the second has started."""

    reached: asyncio.Event = field(default_factory=asyncio.Event)
    release: asyncio.Event = field(default_factory=asyncio.Event)

    def around(self, step: Callable[..., Awaitable[Any]]) -> Callable[..., Awaitable[Any]]:
        """The step, pausing the first time it is called."""

        async def paused(*args: Any, **kwargs: Any) -> Any:
            if not self.reached.is_set():
                self.reached.set()
                await self.release.wait()
            return await step(*args, **kwargs)

        return paused


def pause_audit_in(monkeypatch: pytest.MonkeyPatch, module: str) -> Pause:
    """Pause the use cases of `module` at their first audit entry."""
    pause = Pause()
    monkeypatch.setattr(f"{module}.append_audit", pause.around(append_audit))
    return pause


async def race(
    pause: Pause, first: Coroutine[Any, Any, Any], second: Coroutine[Any, Any, Any]
) -> list[Any]:
    """Run `first` to its pause, start `second`, let `first` go; results or exceptions."""
    first_task = asyncio.create_task(first)
    await asyncio.wait_for(pause.reached.wait(), timeout=10)
    second_task = asyncio.create_task(second)
    await asyncio.sleep(_OVERLAP_SECONDS)
    pause.release.set()
    results = await asyncio.wait_for(
        asyncio.gather(first_task, second_task, return_exceptions=True), timeout=60
    )
    for result in results:
        # A database error (a deadlock, a lock timeout) is exactly what must never happen:
        # only plain refusals are allowed to lose.
        assert not isinstance(result, DBAPIError), f"database error: {result}"
        if isinstance(result, BaseException) and not isinstance(result, DomainError):
            raise result
    return results


async def in_session(
    database: Database, use_case: Callable[..., Awaitable[Any]], **kwargs: Any
) -> Any:
    """Run one use case in its own write session, as one HTTP request would."""
    async with database.write_session() as session:
        return await use_case(session, **kwargs)


async def submitted_request(
    database: Database, settings: Settings, world: World, now: datetime
) -> int:
    """The trainee's request about the world's conference."""
    request = await in_session(
        database,
        ask_to_observe,
        settings=settings,
        now=now,
        trainee_id=world.trainee_id,
        conference_id=world.conference_id,
        role="Student social worker",
        organisation="Children's Services",
        purpose="To learn how families are heard.",
        supervisor_name="Sam Supervisor",
        supervisor_email="supervisor@council.example",
        confidentiality_acknowledged=True,
    )
    assert request.id is not None
    return int(request.id)


async def approved(
    database: Database, settings: Settings, world: World, now: datetime, qa_id: int
) -> int:
    """A request put to the family."""
    request_id = await submitted_request(database, settings, world, now)
    await in_session(
        database,
        approve_request,
        settings=settings,
        now=now,
        qa_user_id=qa_id,
        request_id=request_id,
    )
    return request_id


async def assert_everyone_asked_once(database: Database) -> None:
    """Every request being put to a family has one live invitation per person who must be asked."""
    async with database.read_session() as session:
        requests = list(
            await session.scalars(
                select(ObservationRequest).where(
                    col(ObservationRequest.status).in_(
                        [RequestStatus.SEEKING_CONSENT.value, RequestStatus.CONFIRMED.value]
                    )
                )
            )
        )
        for request in requests:
            family = await current_family(session, conference_id=request.conference_id)
            must = sorted(
                d.member_id
                for d in who_is_asked([family_facts(m, Settings()) for m in family])
                if d.asked
            )
            live = sorted(
                await session.scalars(
                    select(col(ConsentInvitation.family_member_id)).where(
                        col(ConsentInvitation.request_id) == request.id,
                        col(ConsentInvitation.ended_at).is_(None),
                    )
                )
            )
            assert live == must, f"request {request.id}: asked {live}, must ask {must}"
        check = await verify_audit_chain(session)
        assert check.holds, check.describe()
