"""The trainee's confirmation before withdrawing their request: what will happen, then yes or no."""

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from service.domain.allowed_now import may_withdraw
from service.domain.states import Actor
from service.usecases.steps.visible_requests import load_visible_request
from service.web.deps import NowDep, PageTraineeDep, ReadSessionDep
from service.web.http.fields import IdPath
from service.web.http.rendering import render_page

router = APIRouter(prefix="/trainee", include_in_schema=False)


@router.get("/requests/{request_id}/withdraw")
async def confirm_withdraw(
    request: Request,
    request_id: IdPath,
    user: PageTraineeDep,
    session: ReadSessionDep,
    now: NowDep,
) -> Response:
    """Say what withdrawing does; back to the request if it can no longer be withdrawn."""
    row = await load_visible_request(session, viewer=user, request_id=request_id)
    facts = row.facts_at(now)
    if not may_withdraw(facts, Actor.TRAINEE):
        return RedirectResponse(f"/trainee/requests/{request_id}", status_code=303)
    return render_page(
        request,
        "pages/trainee/withdraw.html",
        page_title="Withdraw your request to observe?",
        row=row,
    )
