"""The trainee confirms the current confidentiality statement on a request made under an earlier
one, so QA can approve it."""

from fastapi import APIRouter
from fastapi.responses import RedirectResponse, Response

from service.usecases.confidentiality_promise import promise_current_statement
from service.web.deps import NowDep, TraineeFormDep, WriteSessionDep
from service.web.http.fields import IdPath

router = APIRouter(prefix="/trainee", include_in_schema=False)


@router.post("/requests/{request_id}/confidentiality")
async def promise_again(
    request_id: IdPath, post: TraineeFormDep, session: WriteSessionDep, now: NowDep
) -> Response:
    """Agree to the confidentiality statement in force now, on the trainee's own request."""
    await promise_current_statement(
        session, now=now, trainee_id=post.staff.id, request_id=request_id
    )
    return RedirectResponse(f"/trainee/requests/{request_id}?done=promised", status_code=303)
