"""QA's work list, the top of their home page: the store's facts, the domain's rules."""

import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime

from fastapi import Request
from sqlalchemy.ext.asyncio import AsyncSession

from service.domain.staff import StaffRole
from service.domain.states import RequestStatus
from service.domain.work_list import GoingAhead, WorkItem, due_from, oldest_first
from service.settings import Settings
from service.store.work_list import (
    families_not_listed,
    undelivered_to_the_family,
    under_way,
    waiting_for_a_decision,
    work_counts,
)
from service.usecases.steps.deadlines import (
    answers_needed_for_start,
    starting_before_for_work_due,
)
from service.web.deps import NowDep, SettingsDep, SignedInDep
from service.web.http.app_state import database_of
from service.web.http.rendering import WORK_TO_DO


async def qa_work_list(session: AsyncSession, settings: Settings, now: datetime) -> list[WorkItem]:
    """Everything that needs a decision or an action now, oldest first."""
    return oldest_first([
        *await waiting_for_a_decision(session),
        *await undelivered_to_the_family(session),
        *await families_not_listed(session),
        *await _due(session, settings, now),
    ])  # fmt: skip


async def qa_work_count(session: AsyncSession, settings: Settings, now: datetime) -> int:
    """How much the work list holds, for the navigation: the same rules, counted."""
    counted = await work_counts(session)
    return counted.total + len(await _due(session, settings, now))


async def _due(session: AsyncSession, settings: Settings, now: datetime) -> list[WorkItem]:
    """Chair's checks due and answers needed today: rules on the clock, decided here."""
    going = [
        GoingAhead(request_id=line.request_id, status=RequestStatus(line.status),
                   reference=line.reference, conference_start=line.starts_at,
                   answers_needed_by=answers_needed_for_start(settings, line.starts_at),
                   since=line.updated_at)
        for line in await under_way(
            session, starting_before=starting_before_for_work_due(settings, now))
    ]  # fmt: skip
    return due_from(going, now=now)


# How long one count serves every QA page of this process. The lists QA reads all day would
# otherwise count afresh each time (a few milliseconds with a thousand requests open); a form
# QA sends here makes the next page count again, so their own work shows at once. Another
# process's changes show within this many seconds.
COUNT_FRESH_SECONDS = 15.0


@dataclass(frozen=True)
class _Counted:
    value: int
    at: float  # time.monotonic() when counted


async def count_work_to_do(
    request: Request, signed_in: SignedInDep, settings: SettingsDep, now: NowDep
) -> AsyncIterator[None]:
    """On QA's pages, how much needs doing now, for the count beside Requests in the
    navigation; after a form is sent, the next page counts again."""
    state = request.app.state
    if signed_in.staff.role is not StaffRole.QA:
        yield
        return
    if request.method not in ("GET", "HEAD"):
        yield
        # After the form's change is committed, so the page it leads to counts it.
        state.qa_work_count = None
        return
    counted: _Counted | None = getattr(state, "qa_work_count", None)
    if counted is None or time.monotonic() - counted.at > COUNT_FRESH_SECONDS:
        async with database_of(request).read_session() as session:
            counted = _Counted(await qa_work_count(session, settings, now), time.monotonic())
        state.qa_work_count = counted
    setattr(request.state, WORK_TO_DO, counted.value)
    yield
