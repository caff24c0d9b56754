"""The one way to load a request for a member of staff: only one they may see, else NotFound.

A trainee asking for someone else's request is told it does not exist, exactly as for an id
that was never used, so ids cannot be probed to learn what other trainees asked.
"""

from sqlalchemy.ext.asyncio import AsyncSession

from service.domain.errors import NotFound
from service.domain.staff import StaffMember, may_see_request
from service.store.views import RequestRow, request_row


async def load_visible_request(
    session: AsyncSession, *, viewer: StaffMember, request_id: int
) -> RequestRow:
    """The request with its conference and trainee, if this person may see it; else NotFound."""
    row = await request_row(session, request_id=request_id)
    if row is None or not may_see_request(
        role=viewer.role, viewer_id=viewer.id, trainee_id=row.request.trainee_id
    ):
        raise NotFound("There is no such request.")
    return row
