"""A trainee confirms the current confidentiality statement on a request made under an earlier one.

QA cannot approve a request whose promise was to an earlier statement (see
`domain.observers.check_promise_current`); this is how the trainee puts that right.
"""

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from service.audit import append_audit
from service.domain.audit_actions import AuditAction
from service.domain.confidentiality import CONFIDENTIALITY_STATEMENT_VERSION
from service.domain.errors import ConcurrentChange, NotFound
from service.domain.observers import check_promise_renewable
from service.domain.staff import StaffRole, may_see_request
from service.domain.states import Actor, RequestStatus
from service.store.ids import saved_id
from service.store.locks import lock_request
from service.store.requests import set_promised_statement


async def promise_current_statement(
    session: AsyncSession, *, now: datetime, trainee_id: int, request_id: int
) -> None:
    """Record the trainee's promise to the statement in force now, with its audit entry;
    commits. A second confirmation of the same statement changes nothing."""
    request = (await lock_request(session, request_id)).request
    if not may_see_request(
        role=StaffRole.TRAINEE, viewer_id=trainee_id, trainee_id=request.trainee_id
    ):
        raise NotFound("There is no such request.")
    status = RequestStatus(request.status)
    earlier = request.confidentiality_statement_version
    if not check_promise_renewable(status=status, promised_version=earlier):
        return
    if not await set_promised_statement(
        session,
        request_id=saved_id(request),
        expected_status=status,
        expected_version=request.version,
        statement_version=CONFIDENTIALITY_STATEMENT_VERSION,
    ):
        raise ConcurrentChange(
            "Someone else changed this request at the same moment. Look at it again and retry."
        )
    await append_audit(
        session,
        now=now,
        actor_kind=Actor.TRAINEE.value,
        actor_id=trainee_id,
        action=AuditAction.CONFIDENTIALITY_PROMISED_AGAIN,
        request_id=saved_id(request),
        conference_id=request.conference_id,
        details={
            "confidentiality_statement_version": CONFIDENTIALITY_STATEMENT_VERSION,
            "earlier_version": earlier,
        },
    )
    await session.commit()
