"""QA's work list, the top of their home page: the store's facts, the domain's rules."""

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from service.domain.states import RequestStatus
from service.domain.work_list import GoingAhead, WorkItem, due_from, oldest_first
from service.settings import Settings
from service.store.work_list import (
    families_not_listed,
    undelivered_to_the_family,
    under_way,
    waiting_for_a_decision,
)
from service.usecases.steps.deadlines import answers_needed_for_start


async def qa_work_list(session: AsyncSession, settings: Settings, now: datetime) -> list[WorkItem]:
    """Everything that needs a decision or an action now, oldest first."""
    going = [
        GoingAhead(request_id=line.request_id, status=RequestStatus(line.status),
                   reference=line.reference, conference_start=line.starts_at,
                   answers_needed_by=answers_needed_for_start(settings, line.starts_at),
                   since=line.updated_at)
        for line in await under_way(session)
    ]  # fmt: skip
    return oldest_first([
        *await waiting_for_a_decision(session),
        *await undelivered_to_the_family(session),
        *await families_not_listed(session),
        *due_from(going, now=now),
    ])  # fmt: skip
